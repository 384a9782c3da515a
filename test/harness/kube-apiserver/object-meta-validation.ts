/**
 * ObjectMeta decoding and validation as kube-apiserver does it for every kind: decode errors (wrong JSON
 * types) are 400s, rule violations (names, labels, finalizers, owner references) are 422 causes.
 */
import { isJsonObject, type JsonObject, type KubeObject, type ObjectMeta } from './kube-object.js';
import type { StatusCause } from './schema-validation.js';
import { badRequest, cause } from './status-errors.js';

const KNOWN_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export type NameRule = 'subdomain' | 'label';

function decodeError(field: string, expected: string): never {
  throw badRequest(`json: cannot unmarshal into Go struct field ObjectMeta.${field} of type ${expected}`);
}

function checkStringMap(meta: JsonObject, field: 'labels' | 'annotations'): void {
  const value = meta[field];
  if (value === undefined || value === null) return;
  if (!isJsonObject(value)) decodeError(`metadata.${field}`, 'map[string]string');
  for (const v of Object.values(value)) if (typeof v !== 'string') decodeError(`metadata.${field}`, 'string');
}

/**
 * Checks JSON types of metadata and removes fields ObjectMeta does not have; returns the dotted paths of
 * removed fields (reported as unknown under fieldValidation).
 */
export function decodeObjectMeta(obj: JsonObject): string[] {
  const meta = obj.metadata;
  if (meta === undefined || meta === null) {
    obj.metadata = {};
    return [];
  }
  if (!isJsonObject(meta)) decodeError('metadata', 'v1.ObjectMeta');
  for (const f of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'selfLink']) {
    if (meta[f] !== undefined && meta[f] !== null && typeof meta[f] !== 'string') decodeError(`metadata.${f}`, 'string');
  }
  for (const f of ['generation', 'deletionGracePeriodSeconds']) {
    if (meta[f] !== undefined && meta[f] !== null && typeof meta[f] !== 'number') decodeError(`metadata.${f}`, 'int64');
  }
  checkStringMap(meta, 'labels');
  checkStringMap(meta, 'annotations');
  if (meta.finalizers !== undefined && meta.finalizers !== null) {
    if (!Array.isArray(meta.finalizers) || meta.finalizers.some((f) => typeof f !== 'string')) {
      decodeError('metadata.finalizers', '[]string');
    }
  }
  if (meta.ownerReferences !== undefined && meta.ownerReferences !== null) {
    if (!Array.isArray(meta.ownerReferences) || meta.ownerReferences.some((r) => !isJsonObject(r))) {
      decodeError('metadata.ownerReferences', '[]v1.OwnerReference');
    }
  }
  const unknown: string[] = [];
  for (const key of Object.keys(meta)) {
    if (!KNOWN_META_FIELDS.has(key)) {
      unknown.push(`metadata.${key}`);
      delete meta[key];
    } else if (meta[key] === null) {
      delete meta[key];
    }
  }
  return unknown;
}

export function validateName(name: string, rule: NameRule, field = 'metadata.name'): StatusCause[] {
  const causes: StatusCause[] = [];
  const max = rule === 'label' ? 63 : 253;
  if (name.length > max) causes.push(cause.invalid(field, name, `must be no more than ${max} characters`));
  const ok = rule === 'label' ? DNS1123_LABEL.test(name) : DNS1123_SUBDOMAIN.test(name);
  if (!ok) causes.push(cause.invalid(field, name, rule === 'label' ? LABEL_MSG : SUBDOMAIN_MSG));
  return causes;
}

/** A qualified name: optional DNS subdomain prefix, '/', and a name part (label keys, finalizers). */
export function validateQualifiedName(value: string, field: string): StatusCause[] {
  const slash = value.indexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : '';
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return [cause.invalid(field, value, `prefix part ${SUBDOMAIN_MSG}`)];
  }
  if (name.length === 0) return [cause.invalid(field, value, 'name part must be non-empty')];
  if (name.length > 63) return [cause.invalid(field, value, 'name part must be no more than 63 characters')];
  if (!QUALIFIED_NAME_PART.test(name)) return [cause.invalid(field, value, NAME_PART_MSG)];
  return [];
}

export function validateObjectMeta(obj: KubeObject, rule: NameRule, namespaced: boolean): StatusCause[] {
  const meta: ObjectMeta = obj.metadata;
  const causes: StatusCause[] = [];
  if (!meta.name) causes.push(cause.required('metadata.name', 'name or generateName is required'));
  else causes.push(...validateName(meta.name, rule));
  if (namespaced && !meta.namespace) causes.push(cause.required('metadata.namespace'));
  if (!namespaced && meta.namespace) causes.push(cause.forbidden('metadata.namespace', 'not allowed on this type'));
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    causes.push(...validateQualifiedName(key, 'metadata.labels'));
    if (value.length > 63) causes.push(cause.invalid('metadata.labels', value, 'must be no more than 63 characters'));
    else if (!LABEL_VALUE.test(value)) causes.push(cause.invalid('metadata.labels', value, LABEL_VALUE_MSG));
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    causes.push(...validateQualifiedName(key.toLowerCase(), 'metadata.annotations'));
    annotationBytes += key.length + Buffer.byteLength(value);
  }
  if (annotationBytes > 256 * 1024) causes.push(cause.tooLong('metadata.annotations', 256 * 1024));
  for (const f of meta.finalizers ?? []) causes.push(...validateQualifiedName(f, 'metadata.finalizers'));
  const refs = meta.ownerReferences ?? [];
  for (const ref of refs) {
    if (!ref.apiVersion) causes.push(cause.invalid('metadata.ownerReferences.apiVersion', '', 'version must not be empty'));
    if (!ref.kind) causes.push(cause.invalid('metadata.ownerReferences.kind', '', 'kind must not be empty'));
    if (!ref.name) causes.push(cause.invalid('metadata.ownerReferences.name', '', 'name must not be empty'));
    if (!ref.uid) causes.push(cause.invalid('metadata.ownerReferences.uid', '', 'uid must not be empty'));
  }
  const controllers = refs.filter((r) => r.controller === true);
  if (controllers.length > 1) {
    causes.push(
      cause.invalid(
        'metadata.ownerReferences',
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers
          .map((r) => `${r.kind}/${r.name}`)
          .join(' and ')}`,
      ),
    );
  }
  return causes;
}

/** Rules only an update has: immutable identity, and no new finalizers once deletion started. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const oldMeta = old.metadata;
  if (meta.uid !== oldMeta.uid) causes.push(cause.invalid('metadata.uid', meta.uid ?? '', 'field is immutable'));
  if (oldMeta.deletionTimestamp) {
    const before = new Set(oldMeta.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      causes.push(
        cause.forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added
            .map((f) => JSON.stringify(f))
            .join(', ')}}`,
        ),
      );
    }
  }
  return causes;
}
