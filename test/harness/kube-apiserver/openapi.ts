/**
 * OpenAPI v3 as kube-apiserver publishes it: a root listing one document per group version, and per
 * document the paths (with x-kubernetes-group-version-kind, x-kubernetes-action and the query parameters
 * kubectl probes, notably fieldValidation) and the kinds' schemas (a CRD's openAPIV3Schema for custom
 * resources; open objects for built-ins). kubectl reads this to decide on server-side field validation,
 * to pick apply's patch type and for `kubectl explain`.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from './kube-object.js';
import { apiVersionOf, type ResourceDefinition } from './resource-definition.js';
import type { ResourceRegistry } from './resource-registry.js';

const OBJECT_META_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `io.k8s.api.core.v1.Secret` for built-ins; reversed group for custom resources (`io.kasm.v1alpha1.KasmUser`). */
function schemaName(def: ResourceDefinition, kind: string = def.kind): string {
  if (!def.isCustomResource) {
    const group = def.group === '' ? 'core' : def.group.replace(/\.k8s\.io$/, '');
    const prefix = def.group === 'apiextensions.k8s.io' ? 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions' : `io.k8s.api.${group}`;
    return `${prefix}.${def.version}.${kind}`;
  }
  return `${def.group.split('.').reverse().join('.')}.${def.version}.${kind}`;
}

function gvk(def: ResourceDefinition, kind: string = def.kind): JsonObject {
  return { group: def.group, version: def.version, kind };
}

function queryParam(name: string, description: string): JsonObject {
  return { name, in: 'query', description, schema: { type: 'string', uniqueItems: true } };
}

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.'),
];
const PATCH_PARAMS = [...WRITE_PARAMS, { name: 'force', in: 'query', description: 'Force is going to "force" Apply requests.', schema: { type: 'boolean', uniqueItems: true } }];

function refContent(ref: string, types: string[]): JsonObject {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: `#/components/schemas/${ref}` } }]));
}

function op(def: ResourceDefinition, action: string, kind: string, ref: string, extra: JsonObject = {}): JsonObject {
  return {
    description: `${action} ${kind}`,
    operationId: `${action}${def.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(def, kind),
    responses: { '200': { description: 'OK', content: refContent(ref, ['application/json', 'application/yaml']) } },
    ...extra,
  };
}

function pathsFor(def: ResourceDefinition): Record<string, JsonObject> {
  const base = `/${gvPath(def.group, def.version)}`;
  const collection = def.namespaced ? `${base}/namespaces/{namespace}/${def.resource}` : `${base}/${def.resource}`;
  const item = `${collection}/{name}`;
  const kindRef = schemaName(def);
  const listRef = schemaName(def, def.listKind);
  const nsParam = def.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : [];
  const nameParam = [{ name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }];
  // Strategic merge is deliberately not advertised: kubectl then builds built-in patches from its own types.
  const patchBody = {
    requestBody: {
      content: Object.fromEntries(
        ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'].map((t) => [t, { schema: { type: 'object' } }]),
      ),
      required: true,
    },
    parameters: PATCH_PARAMS,
  };
  const writeBody = { requestBody: { content: refContent(kindRef, ['application/json']), required: true }, parameters: WRITE_PARAMS };
  const paths: Record<string, JsonObject> = {
    [collection]: {
      get: op(def, 'list', def.listKind, listRef),
      post: op(def, 'post', def.kind, kindRef, writeBody),
      delete: op(def, 'deletecollection', def.kind, kindRef),
      parameters: nsParam,
    },
    [item]: {
      get: op(def, 'get', def.kind, kindRef),
      put: op(def, 'put', def.kind, kindRef, writeBody),
      patch: op(def, 'patch', def.kind, kindRef, patchBody),
      delete: op(def, 'delete', def.kind, kindRef),
      parameters: [...nameParam, ...nsParam],
    },
  };
  if (def.statusSubresource) {
    paths[`${item}/status`] = {
      get: op(def, 'get', def.kind, kindRef),
      put: op(def, 'put', def.kind, kindRef, writeBody),
      patch: op(def, 'patch', def.kind, kindRef, patchBody),
      parameters: [...nameParam, ...nsParam],
    };
  }
  return paths;
}

function kindSchema(def: ResourceDefinition): JsonObject {
  const ext = { 'x-kubernetes-group-version-kind': [gvk(def)] };
  if (!def.isCustomResource || !def.schema) {
    return { type: 'object', description: `${def.kind} (${apiVersionOf(def)})`, 'x-kubernetes-preserve-unknown-fields': true, ...ext };
  }
  const schema = structuredClone(def.schema) as JsonObject;
  const properties = (schema.properties ?? {}) as JsonObject;
  schema.properties = {
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    ...properties,
    metadata: { allOf: [{ $ref: `#/components/schemas/${OBJECT_META_REF}` }], description: 'Standard object metadata.' },
  };
  return { ...schema, ...ext };
}

function listSchema(def: ResourceDefinition): JsonObject {
  return {
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      items: { type: 'array', items: { $ref: `#/components/schemas/${schemaName(def)}` } },
      metadata: { type: 'object' },
    },
    'x-kubernetes-group-version-kind': [gvk(def, def.listKind)],
  };
}

const objectMetaSchema: JsonObject = {
  type: 'object',
  description: 'ObjectMeta is metadata that all persisted resources must have.',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

function buildDocument(registry: ResourceRegistry, group: string, version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, JsonObject> = { [OBJECT_META_REF]: objectMetaSchema };
  for (const def of registry.resourcesIn(group, version)) {
    Object.assign(paths, pathsFor(def));
    schemas[schemaName(def)] = kindSchema(def);
    schemas[schemaName(def, def.listKind)] = listSchema(def);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.0' },
    paths,
    components: { schemas },
  };
}

function hashOf(doc: JsonObject): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

interface Published {
  revision: number;
  /** By group-version path (`apis/<group>/<version>`). */
  documents: Map<string, { document: JsonObject; hash: string }>;
}

const published = new WeakMap<ResourceRegistry, Published>();

/**
 * Every document with its hash. They change only when the served resources do, so they are built
 * once per registry revision rather than on each of kubectl's requests (the root alone hashes all).
 */
function documents(registry: ResourceRegistry): Published['documents'] {
  const cached = published.get(registry);
  if (cached?.revision === registry.revision) return cached.documents;
  const built: Published['documents'] = new Map();
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const document = buildDocument(registry, g.name, v);
      built.set(gvPath(g.name, v), { document, hash: hashOf(document) });
    }
  }
  published.set(registry, { revision: registry.revision, documents: built });
  return built;
}

export function openApiV3Document(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  return documents(registry).get(gvPath(group, version))?.document;
}

export function openApiV3Root(registry: ResourceRegistry): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const [path, { hash }] of documents(registry)) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  return { paths };
}
