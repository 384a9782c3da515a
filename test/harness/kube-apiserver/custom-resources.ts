/**
 * Turns a stored CRD into the resources it serves: one definition per served version, with the CRD's
 * schema, printer columns, selectable fields and subresources.
 */
import { metadataFieldLabels, type FieldLabelReader } from './field-selector.js';
import { isJsonObject, type KubeObject } from './kube-object.js';
import { evaluateJsonPath } from './printer-jsonpath.js';
import { readCrd, type CrdVersion } from './crd-resource.js';
import { ALL_VERBS, type PrinterColumn, type ResourceDefinition } from './resource-definition.js';
import { jsonSchemaPropsSchema, type JsonSchemaProps } from './schema-validation.js';

function customResourceStorageKey(group: string, plural: string): string {
  return `cr:${group}/${plural}`;
}

function printerColumns(version: CrdVersion): PrinterColumn[] {
  if (version.additionalPrinterColumns.length === 0) {
    return [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  }
  return version.additionalPrinterColumns.map((c) => {
    const col: PrinterColumn = {
      name: typeof c.name === 'string' ? c.name : '',
      type: typeof c.type === 'string' ? c.type : 'string',
      jsonPath: typeof c.jsonPath === 'string' ? c.jsonPath : '',
    };
    if (typeof c.format === 'string') col.format = c.format;
    if (typeof c.description === 'string') col.description = c.description;
    if (typeof c.priority === 'number') col.priority = c.priority;
    return col;
  });
}

function selectableFieldLabels(version: CrdVersion): Map<string, FieldLabelReader> {
  const labels = new Map<string, FieldLabelReader>(metadataFieldLabels());
  for (const f of version.selectableFields) {
    if (typeof f.jsonPath !== 'string') continue;
    const path = f.jsonPath;
    labels.set(path.replace(/^\./, ''), (obj) => {
      const [value] = evaluateJsonPath(path, obj);
      if (value === undefined || value === null) return undefined;
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    });
  }
  return labels;
}

/** The schema node at a field path, following properties / items / additionalProperties. */
function schemaAt(schema: JsonSchemaProps | undefined, path: string[]): JsonSchemaProps | undefined {
  let node = schema;
  for (const segment of path) {
    if (!node) return undefined;
    if (node.type === 'array') node = node.items;
    if (!node) return undefined;
    const next: JsonSchemaProps | undefined =
      node.properties?.[segment] ?? (isJsonObject(node.additionalProperties) ? node.additionalProperties : undefined);
    node = next;
  }
  return node;
}

/** Map keys of associative lists for server-side apply: from the schema, plus ObjectMeta's own. */
function listMapKeysFromSchema(schema: JsonSchemaProps | undefined): (path: string[]) => string[] | undefined {
  return (path) => {
    if (path.length === 2 && path[0] === 'metadata' && path[1] === 'ownerReferences') return ['uid'];
    const node = schemaAt(schema, path);
    if (node?.['x-kubernetes-list-type'] === 'map') return node['x-kubernetes-list-map-keys'];
    return undefined;
  };
}

export function customResourceDefinitions(crd: KubeObject): ResourceDefinition[] {
  const view = readCrd(crd);
  return view.versions
    .filter((v) => v.served)
    .map((version): ResourceDefinition => {
      const parsed = jsonSchemaPropsSchema.safeParse(version.schema ?? { type: 'object' });
      const schema: JsonSchemaProps = parsed.success ? parsed.data : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      const apiVersion = `${view.group}/${version.name}`;
      return {
        group: view.group,
        version: version.name,
        resource: view.names.plural,
        kind: view.names.kind,
        listKind: view.names.listKind,
        singular: view.names.singular,
        namespaced: view.scope === 'Namespaced',
        shortNames: view.names.shortNames,
        categories: view.names.categories,
        verbs: ALL_VERBS,
        statusSubresource: isJsonObject(version.subresources.status),
        storageKey: customResourceStorageKey(view.group, view.names.plural),
        hasGeneration: true,
        allowUnconditionalUpdate: false,
        allowCreateOnUpdate: false,
        returnDeletedObject: true,
        strategicMergeLists: undefined,
        isCustomResource: true,
        schema,
        schemaErrorsAreDecodeErrors: false,
        fieldLabels: selectableFieldLabels(version),
        columns: printerColumns(version),
        listMapKeys: listMapKeysFromSchema(schema),
        // Versions convert with strategy None: only apiVersion changes.
        fromStorage: (obj: KubeObject): KubeObject => ({ ...obj, apiVersion }),
      };
    });
}

