/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions as a stored kind: defaults, validation, and the
 * status (acceptedNames, conditions, storedVersions) the apiextensions controllers write.
 */
import { CREATED_AT_COLUMN } from './builtin-columns.js';
import { builtinDefinition } from './builtin-definition.js';
import { isJsonObject, nowTimestamp, type JsonObject, type KubeObject } from './kube-object.js';
import { validateName } from './object-meta-validation.js';
import type { ResourceDefinition } from './resource-definition.js';
import { jsonSchemaPropsSchema, type StatusCause } from './schema-validation.js';
import { cause } from './status-errors.js';

const CRD_GROUP = 'apiextensions.k8s.io';
export const CRD_STORAGE_KEY = 'apiextensions.k8s.io/customresourcedefinitions';
/** The finalizer apiextensions puts on every CRD so its custom resources are deleted before it. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: JsonObject | undefined;
  subresources: JsonObject;
  additionalPrinterColumns: JsonObject[];
  selectableFields: JsonObject[];
}

/** A typed view of a stored CRD's spec (after defaulting). */
export interface CrdView {
  group: string;
  names: CrdNames;
  scope: string;
  versions: CrdVersion[];
}

function asObject(v: unknown): JsonObject {
  return isJsonObject(v) ? v : {};
}

function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function asStringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function readCrd(crd: KubeObject): CrdView {
  const spec = asObject(crd.spec);
  const names = asObject(spec.names);
  const kind = asString(names.kind);
  return {
    group: asString(spec.group),
    scope: asString(spec.scope),
    names: {
      plural: asString(names.plural),
      singular: asString(names.singular) || kind.toLowerCase(),
      kind,
      listKind: asString(names.listKind) || `${kind}List`,
      shortNames: asStringArray(names.shortNames),
      categories: asStringArray(names.categories),
    },
    versions: (Array.isArray(spec.versions) ? spec.versions : []).map((raw) => {
      const v = asObject(raw);
      const schema = asObject(v.schema).openAPIV3Schema;
      return {
        name: asString(v.name),
        served: v.served === true,
        storage: v.storage === true,
        schema: isJsonObject(schema) ? schema : undefined,
        subresources: asObject(v.subresources),
        additionalPrinterColumns: Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns.filter(isJsonObject) : [],
        selectableFields: Array.isArray(v.selectableFields) ? v.selectableFields.filter(isJsonObject) : [],
      };
    }),
  };
}

function applyDefaults(obj: KubeObject): void {
  const spec = asObject(obj.spec);
  obj.spec = spec;
  const names = asObject(spec.names);
  spec.names = names;
  const kind = asString(names.kind);
  if (!names.singular && kind) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  if (!spec.conversion) spec.conversion = { strategy: 'None' };
}

function validateCrd(obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = asObject(obj.spec);
  const names = asObject(spec.names);
  const group = asString(spec.group);
  const plural = asString(names.plural);
  if (!group) causes.push(cause.required('spec.group'));
  else if (!group.includes('.')) causes.push(cause.invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!plural) causes.push(cause.required('spec.names.plural'));
  else causes.push(...validateName(plural, 'label', 'spec.names.plural'));
  if (!asString(names.kind)) causes.push(cause.required('spec.names.kind'));
  if (obj.metadata.name && plural && group && obj.metadata.name !== `${plural}.${group}`) {
    causes.push(cause.invalid('metadata.name', obj.metadata.name, 'must be spec.names.plural+"."+spec.group'));
  }
  const scope = asString(spec.scope);
  if (scope !== 'Namespaced' && scope !== 'Cluster') {
    causes.push(scope ? cause.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']) : cause.required('spec.scope'));
  }
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) causes.push(cause.required('spec.versions', 'must have exactly one version marked as storage version'));
  let storage = 0;
  const seen = new Set<string>();
  versions.forEach((raw, i) => {
    const v = asObject(raw);
    const path = `spec.versions[${i}]`;
    const name = asString(v.name);
    if (!name) causes.push(cause.required(`${path}.name`));
    else causes.push(...validateName(name, 'label', `${path}.name`));
    if (seen.has(name)) causes.push(cause.invalid(`${path}.name`, name, 'must be unique'));
    seen.add(name);
    if (v.storage === true) storage++;
    if (typeof v.served !== 'boolean') causes.push(cause.required(`${path}.served`));
    if (typeof v.storage !== 'boolean') causes.push(cause.required(`${path}.storage`));
    const schema = asObject(v.schema).openAPIV3Schema;
    if (!isJsonObject(schema)) {
      causes.push(cause.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
    } else {
      if (schema.type !== 'object') {
        causes.push(cause.invalid(`${path}.schema.openAPIV3Schema.type`, schema.type ?? '', 'must be object at the root'));
      }
      const parsed = jsonSchemaPropsSchema.safeParse(schema);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const at = issue.path.map(String).join('.');
          causes.push(cause.invalid(`${path}.schema.openAPIV3Schema${at ? `.${at}` : ''}`, '', issue.message));
        }
      }
    }
  });
  if (versions.length > 0 && storage !== 1) {
    causes.push(cause.invalid('spec.versions', versions.length, 'must have exactly one version marked as storage version'));
  }
  return causes;
}

function storageVersion(obj: KubeObject): string | undefined {
  return readCrd(obj).versions.find((v) => v.storage)?.name;
}

export function crdDefinition(): ResourceDefinition {
  return builtinDefinition({
    group: CRD_GROUP,
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    statusSubresource: true,
    storageKey: CRD_STORAGE_KEY,
    hasGeneration: true,
    allowUnconditionalUpdate: false,
    columns: [CREATED_AT_COLUMN],
    listMapKeys: (path) => {
      const p = path.join('.');
      if (p === 'spec.versions') return ['name'];
      if (p === 'status.conditions') return ['type'];
      return undefined;
    },
    prepareForCreate(obj) {
      applyDefaults(obj);
      const sv = storageVersion(obj);
      obj.status = { acceptedNames: { kind: '', plural: '' }, conditions: [], storedVersions: sv ? [sv] : [] };
    },
    prepareForUpdate(obj, old) {
      applyDefaults(obj);
      const status = asObject(old.status);
      const stored = asStringArray(status.storedVersions);
      const sv = storageVersion(obj);
      obj.status = { ...status, storedVersions: sv && !stored.includes(sv) ? [...stored, sv] : stored };
    },
    validate: (obj) => validateCrd(obj),
  });
}

/** The status the apiextensions controllers settle on for a CRD whose names are free. */
export function establishedStatus(crd: KubeObject, now: Date = new Date()): JsonObject {
  const view = readCrd(crd);
  const status = asObject(crd.status);
  const previous = Array.isArray(status.conditions) ? status.conditions.filter(isJsonObject) : [];
  const since = (type: string): string => {
    const prior = previous.find((c) => c.type === type && c.status === 'True');
    return asString(prior?.lastTransitionTime) || nowTimestamp(now);
  };
  const acceptedNames: JsonObject = { plural: view.names.plural, singular: view.names.singular, kind: view.names.kind, listKind: view.names.listKind };
  if (view.names.shortNames.length > 0) acceptedNames.shortNames = view.names.shortNames;
  if (view.names.categories.length > 0) acceptedNames.categories = view.names.categories;
  return {
    ...status,
    acceptedNames,
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: since('NamesAccepted'), reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: since('Established'), reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
  };
}

/** The condition apiextensions adds while a deleted CRD waits for its custom resources to go. */
export function terminatingCondition(now: Date = new Date()): JsonObject {
  return {
    type: 'Terminating',
    status: 'True',
    lastTransitionTime: nowTimestamp(now),
    reason: 'InstanceDeletionInProgress',
    message: 'CustomResource deletion is in progress',
  };
}
