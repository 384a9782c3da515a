/**
 * The core/v1 kinds the server stores besides events: Namespaces, Secrets and ConfigMaps, with the
 * defaults and validation their registries apply.
 */
import { AGE_COLUMN } from './builtin-columns.js';
import { builtinDefinition, builtinSchema } from './builtin-definition.js';
import { metadataFieldLabels, type FieldLabelReader } from './field-selector.js';
import { isJsonObject, jsonEqual, type KubeObject } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { JsonSchemaProps, StatusCause } from './schema-validation.js';
import { badRequest, cause } from './status-errors.js';

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const MAX_SECRET_BYTES = 1024 * 1024;

const stringMap: JsonSchemaProps = { type: 'object', additionalProperties: { type: 'string' } };

function validateKeys(field: string, map: unknown): StatusCause[] {
  if (!isJsonObject(map)) return [];
  const causes: StatusCause[] = [];
  for (const key of Object.keys(map)) {
    if (key.length > 253) causes.push(cause.invalid(`${field}[${key}]`, key, 'must be no more than 253 characters'));
    else if (!CONFIG_KEY.test(key)) causes.push(cause.invalid(`${field}[${key}]`, key, CONFIG_KEY_MSG));
  }
  return causes;
}

function immutableCauses(obj: KubeObject, old: KubeObject | undefined, fields: string[]): StatusCause[] {
  if (!old || old.immutable !== true) return [];
  const causes: StatusCause[] = [];
  if (obj.immutable !== true) causes.push(cause.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!jsonEqual(obj[f] ?? {}, old[f] ?? {})) causes.push(cause.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return causes;
}

function countKeys(...maps: unknown[]): number {
  return maps.reduce<number>((n, m) => n + (isJsonObject(m) ? Object.keys(m).length : 0), 0);
}

function decodeBase64(key: string, value: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) {
    throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data for data[${key}]`);
  }
  return Buffer.from(value, 'base64');
}

/** Secrets store `data`; `stringData` is a write-only convenience merged into it (and wins on conflicts). */
function mergeStringData(obj: KubeObject): void {
  const data = isJsonObject(obj.data) ? obj.data : {};
  if (isJsonObject(obj.stringData)) {
    for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete obj.stringData;
  if (Object.keys(data).length > 0) obj.data = data;
  else delete obj.data;
  if (!obj.type) obj.type = 'Opaque';
}

const secretTypeRequiredKeys: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function secretDefinition(): ResourceDefinition {
  const fieldLabels = new Map<string, FieldLabelReader>(metadataFieldLabels());
  fieldLabels.set('type', (o) => (typeof o.type === 'string' ? o.type : ''));
  return builtinDefinition({
    group: '',
    resource: 'secrets',
    kind: 'Secret',
    singular: 'secret',
    fieldLabels,
    schema: builtinSchema({ data: stringMap, stringData: stringMap, type: { type: 'string' }, immutable: { type: 'boolean' } }),
    columns: [
      { name: 'Type', type: 'string', cell: (o) => o.type ?? '' },
      { name: 'Data', type: 'integer', cell: (o) => countKeys(o.data) },
      AGE_COLUMN,
    ],
    prepareForCreate: mergeStringData,
    prepareForUpdate: mergeStringData,
    validate(obj, old) {
      const causes = validateKeys('data', obj.data);
      let total = 0;
      if (isJsonObject(obj.data)) {
        for (const [k, v] of Object.entries(obj.data)) total += decodeBase64(k, String(v)).length;
      }
      if (total > MAX_SECRET_BYTES) causes.push(cause.tooLong('data', MAX_SECRET_BYTES));
      const type = typeof obj.type === 'string' ? obj.type : 'Opaque';
      for (const key of secretTypeRequiredKeys[type] ?? []) {
        if (!isJsonObject(obj.data) || obj.data[key] === undefined) causes.push(cause.required(`data[${key}]`));
      }
      if (old && old.type !== obj.type) causes.push(cause.invalid('type', obj.type, 'field is immutable'));
      causes.push(...immutableCauses(obj, old, ['data']));
      return causes;
    },
  });
}

export function configMapDefinition(): ResourceDefinition {
  return builtinDefinition({
    group: '',
    resource: 'configmaps',
    kind: 'ConfigMap',
    singular: 'configmap',
    shortNames: ['cm'],
    schema: builtinSchema({ data: stringMap, binaryData: stringMap, immutable: { type: 'boolean' } }),
    columns: [{ name: 'Data', type: 'integer', cell: (o) => countKeys(o.data, o.binaryData) }, AGE_COLUMN],
    validate(obj, old) {
      const causes = [...validateKeys('data', obj.data), ...validateKeys('binaryData', obj.binaryData)];
      if (isJsonObject(obj.data) && isJsonObject(obj.binaryData)) {
        for (const key of Object.keys(obj.data)) {
          if (Object.hasOwn(obj.binaryData, key)) {
            causes.push(cause.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
          }
        }
      }
      if (isJsonObject(obj.binaryData)) {
        for (const [k, v] of Object.entries(obj.binaryData)) {
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(String(v))) {
            throw badRequest(`ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data for binaryData[${k}]`);
          }
        }
      }
      causes.push(...immutableCauses(obj, old, ['data', 'binaryData']));
      return causes;
    },
  });
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function namespaceDefaults(obj: KubeObject): void {
  const name = obj.metadata.name;
  if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

export function namespaceDefinition(): ResourceDefinition {
  const fieldLabels = new Map<string, FieldLabelReader>(metadataFieldLabels());
  fieldLabels.delete('metadata.namespace');
  fieldLabels.set('status.phase', (o) => (isJsonObject(o.status) && typeof o.status.phase === 'string' ? o.status.phase : ''));
  return builtinDefinition({
    group: '',
    resource: 'namespaces',
    kind: 'Namespace',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    statusSubresource: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    fieldLabels,
    schema: builtinSchema({
      spec: { type: 'object', properties: { finalizers: { type: 'array', items: { type: 'string' } } } },
      status: {
        type: 'object',
        properties: {
          phase: { type: 'string' },
          conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      },
    }),
    columns: [
      { name: 'Status', type: 'string', cell: (o) => (isJsonObject(o.status) ? (o.status.phase ?? '') : '') },
      AGE_COLUMN,
    ],
    prepareForCreate(obj) {
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      namespaceDefaults(obj);
    },
    prepareForUpdate(obj, old) {
      // spec.finalizers change only through /finalize, which this server does not serve.
      obj.spec = old.spec;
      namespaceDefaults(obj);
    },
  });
}

/** Namespaces the server refuses to delete, as kube-apiserver's lifecycle admission does. */
export const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
