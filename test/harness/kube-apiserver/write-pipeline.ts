/**
 * Create and update as kube-apiserver's generic registry runs them: decode (type meta, ObjectMeta,
 * unknown fields per fieldValidation), strategy (status subresource rules, generation, defaults), schema
 * validation and pruning, metadata rules, optimistic concurrency, managedFields, no-op detection, and the
 * removal of an object whose last finalizer went away.
 */
import { randomUUID } from 'node:crypto';
import { toExternal, toStorage, type ApiContext } from './api-context.js';
import { cloneJson, isJsonObject, jsonEqual, nowTimestamp, type JsonObject, type KubeObject } from './kube-object.js';
import { decodeObjectMeta, validateObjectMeta, validateObjectMetaUpdate, type NameRule } from './object-meta-validation.js';
import { recordUpdateManager, type ManagedFieldsEntry } from './patch.js';
import { apiVersionOf, groupKind, groupResource, type ResourceDefinition } from './resource-definition.js';
import { CelSyntaxError, UnsupportedCelError } from './cel-parser.js';
import { validateAgainstSchema, type StatusCause } from './schema-validation.js';
import {
  alreadyExists,
  badRequest,
  forbidden,
  internalError,
  invalid,
  methodNotAllowed,
  notFound,
  resourceNotServed,
  staleResourceVersion,
} from './status-errors.js';
import { CRD_STORAGE_KEY } from './crd-resource.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  manager: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
  subresource?: string;
  /** managedFields computed by server-side apply; replaces the Update bookkeeping. */
  appliedManagedFields?: ManagedFieldsEntry[];
  /** Patches skip the "resourceVersion must be specified" rule of PUT. */
  isPatch?: boolean;
}

export interface WriteOutcome {
  /** The object as this version shows it. */
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_NAME_CHARS[Math.floor(Math.random() * GENERATE_NAME_CHARS.length)] ?? 'x';
  return s;
}

function nameRule(def: ResourceDefinition): NameRule {
  return def.resource === 'namespaces' && def.group === '' ? 'label' : 'subdomain';
}

function checkTypeMeta(def: ResourceDefinition, body: JsonObject): void {
  const expectedVersion = apiVersionOf(def);
  if (typeof body.apiVersion === 'string' && body.apiVersion !== '' && body.apiVersion !== expectedVersion) {
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${expectedVersion})`);
  }
  if (typeof body.kind === 'string' && body.kind !== '' && body.kind !== def.kind) {
    throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${def.kind})`);
  }
}

/** Paths (outside metadata) present in `before` that pruning removed from `after`. */
function prunedPaths(before: unknown, after: unknown, path = ''): string[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.flatMap((item, i) => prunedPaths(item, after[i], `${path}[${i}]`));
  }
  if (!isJsonObject(before) || !isJsonObject(after)) return [];
  const out: string[] = [];
  for (const key of Object.keys(before)) {
    if (path === '' && key === 'metadata') continue;
    const child = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(after, key)) out.push(child);
    else out.push(...prunedPaths(before[key], after[key], child));
  }
  return out;
}

/** CEL rules outside the supported subset fail the write with a 500 that names the rule, not a stack trace. */
function runSchemaValidation(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, opts: WriteOptions): ReturnType<typeof validateAgainstSchema> {
  try {
    return validateAgainstSchema(def.schema ?? {}, obj, { oldObject: old, isStatusUpdate: opts.subresource === 'status' });
  } catch (err) {
    if (err instanceof UnsupportedCelError || err instanceof CelSyntaxError) throw internalError(err.message);
    throw err;
  }
}

interface Admitted {
  obj: KubeObject;
  causes: StatusCause[];
  warnings: string[];
}

/** Schema pruning/defaulting/validation plus the fieldValidation verdict on unknown fields. */
function admitSchema(def: ResourceDefinition, obj: KubeObject, old: KubeObject | undefined, unknownMeta: string[], opts: WriteOptions): Admitted {
  let out = obj;
  let causes: StatusCause[] = [];
  if (def.schema) {
    const result = runSchemaValidation(def, obj, old, opts);
    if (isJsonObject(result.object)) out = { ...result.object, metadata: obj.metadata };
    causes = result.causes;
  }
  const unknown = [...unknownMeta, ...prunedPaths(obj, out)];
  const warnings: string[] = [];
  if (unknown.length > 0) {
    if (opts.fieldValidation === 'Strict') {
      throw badRequest(`strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
    }
    if (opts.fieldValidation === 'Warn') warnings.push(...unknown.map((u) => `unknown field "${u}"`));
  }
  if (causes.length > 0 && def.schemaErrorsAreDecodeErrors) {
    throw badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    );
  }
  return { obj: out, causes, warnings };
}

function withoutKeys(obj: KubeObject, keys: string[]): JsonObject {
  const copy: JsonObject = { ...obj };
  for (const k of keys) delete copy[k];
  return copy;
}

/** Times in managedFields change on every write; equality of objects ignores them. */
function withoutFieldTimes(obj: KubeObject): KubeObject {
  const managed = obj.metadata.managedFields;
  if (!Array.isArray(managed)) return obj;
  return {
    ...obj,
    metadata: { ...obj.metadata, managedFields: managed.map((m) => (isJsonObject(m) ? { ...m, time: undefined } : m)) },
  };
}

function managedFieldsOf(obj: KubeObject): ManagedFieldsEntry[] {
  return Array.isArray(obj.metadata.managedFields) ? (obj.metadata.managedFields as ManagedFieldsEntry[]) : [];
}

function setManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[]): void {
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function crdIsTerminating(ctx: ApiContext, def: ResourceDefinition): boolean {
  if (!def.isCustomResource) return false;
  const crd = ctx.store.get(CRD_STORAGE_KEY, undefined, `${def.resource}.${def.group}`);
  return Boolean(crd?.metadata.deletionTimestamp);
}

function checkNamespaceAcceptsContent(ctx: ApiContext, def: ResourceDefinition, namespace: string | undefined, name: string): void {
  if (!def.namespaced) return;
  const ns = namespace ? ctx.store.get(ctx.registry.namespaces.storageKey, undefined, namespace) : undefined;
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace ?? '');
  if (ns.metadata.deletionTimestamp) {
    throw forbidden(groupResource(def), name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}

export function createObject(ctx: ApiContext, def: ResourceDefinition, namespace: string | undefined, body: unknown, opts: WriteOptions): WriteOutcome {
  if (opts.subresource) throw methodNotAllowed('POST');
  if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON object');
  checkTypeMeta(def, body);
  const input = cloneJson(body) as KubeObject;
  const unknownMeta = decodeObjectMeta(input);
  const meta = input.metadata;
  if (def.namespaced) {
    if (meta.namespace && namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (namespace) meta.namespace = namespace;
  } else {
    delete meta.namespace;
  }
  if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (!meta.name && meta.generateName) {
    const prefix = meta.generateName.length > 58 ? meta.generateName.slice(0, 58) : meta.generateName;
    do meta.name = prefix + randomSuffix();
    while (ctx.store.get(def.storageKey, meta.namespace, meta.name));
  }
  if (crdIsTerminating(ctx, def)) throw methodNotAllowed('create not allowed while custom resource definition is terminating');
  if (meta.name) checkNamespaceAcceptsContent(ctx, def, meta.namespace, meta.name);

  delete meta.uid;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  meta.creationTimestamp = nowTimestamp();
  if (def.hasGeneration) meta.generation = 1;
  else delete meta.generation;

  let obj: KubeObject = { ...input, apiVersion: apiVersionOf(def), kind: def.kind };
  if (def.isCustomResource && def.statusSubresource) delete obj.status;
  def.prepareForCreate?.(obj);
  const admitted = admitSchema(def, obj, undefined, unknownMeta, opts);
  obj = admitted.obj;
  const causes = [...admitted.causes, ...validateObjectMeta(obj, nameRule(def), def.namespaced), ...(def.validate?.(obj, undefined) ?? [])];
  if (causes.length > 0) throw invalid(groupKind(def), obj.metadata.name ?? '', causes);

  const name = obj.metadata.name ?? '';
  if (ctx.store.get(def.storageKey, obj.metadata.namespace, name)) throw alreadyExists(groupResource(def), name);
  obj.metadata.uid = randomUUID();
  setManagedFields(
    obj,
    opts.appliedManagedFields ??
      recordUpdateManager({
        before: undefined,
        after: obj,
        manager: opts.manager,
        managedFields: [],
        apiVersion: apiVersionOf(def),
        ...(def.listMapKeys ? { listMapKeys: def.listMapKeys } : {}),
      }),
  );
  if (opts.dryRun) return { object: toExternal(def, obj), created: true, warnings: admitted.warnings };
  const stored = ctx.store.create(def.storageKey, toStorage(def, obj));
  ctx.afterCommit(def, 'ADDED', stored);
  return { object: toExternal(def, stored), created: true, warnings: admitted.warnings };
}

function invalidResourceVersionCause(): StatusCause {
  return { reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' };
}

/**
 * Whether the object now has a deletionTimestamp and nothing left holding it. Namespaces are also held by
 * spec.finalizers, which only the namespace controller clears.
 */
function readyToRemove(def: ResourceDefinition, obj: KubeObject): boolean {
  if (!obj.metadata.deletionTimestamp || (obj.metadata.finalizers ?? []).length > 0) return false;
  if (def.group === '' && def.resource === 'namespaces') {
    const spec = isJsonObject(obj.spec) ? obj.spec : {};
    return !Array.isArray(spec.finalizers) || spec.finalizers.length === 0;
  }
  return true;
}

export function updateObject(
  ctx: ApiContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  body: unknown,
  opts: WriteOptions,
): WriteOutcome {
  const sub = opts.subresource;
  if (sub !== undefined && !(sub === 'status' && def.statusSubresource)) throw resourceNotServed();
  const existing = ctx.store.get(def.storageKey, namespace, name);
  if (!existing) {
    if (def.allowCreateOnUpdate && sub === undefined) {
      if (isJsonObject(body) && isJsonObject(body.metadata) && body.metadata.name !== name) {
        throw badRequest(`the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${name})`);
      }
      return createObject(ctx, def, namespace, body, opts);
    }
    throw notFound(groupResource(def), name);
  }
  if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON object');
  checkTypeMeta(def, body);
  const old = toExternal(def, cloneJson(existing));
  const input = cloneJson(body) as KubeObject;
  const unknownMeta = decodeObjectMeta(input);
  if (input.metadata.name !== name) {
    throw badRequest(`the name of the object (${input.metadata.name ?? ''}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && input.metadata.namespace && input.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const givenRv = input.metadata.resourceVersion;
  if (!givenRv) {
    if (!def.allowUnconditionalUpdate && !opts.isPatch) throw invalid(groupKind(def), name, [invalidResourceVersionCause()]);
  } else if (givenRv !== old.metadata.resourceVersion) {
    throw staleResourceVersion(groupResource(def), name);
  }

  let obj: KubeObject;
  if (sub === 'status') {
    // A status write changes status only; everything else stays as stored.
    obj = cloneJson(old);
    if (Object.hasOwn(input, 'status')) obj.status = input.status;
    else delete obj.status;
  } else {
    obj = { ...input, apiVersion: apiVersionOf(def), kind: def.kind };
    const m = obj.metadata;
    const om = old.metadata;
    if (!m.uid) m.uid = om.uid;
    m.namespace = om.namespace;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (om.generation !== undefined) m.generation = om.generation;
    else delete m.generation;
    delete m.selfLink;
    if (def.statusSubresource) {
      if (Object.hasOwn(old, 'status')) obj.status = old.status;
      else delete obj.status;
    }
    def.prepareForUpdate?.(obj, old);
  }
  obj.metadata.resourceVersion = old.metadata.resourceVersion;
  setManagedFields(obj, managedFieldsOf(old));

  const admitted = admitSchema(def, obj, old, sub === 'status' ? [] : unknownMeta, opts);
  obj = admitted.obj;

  if (def.hasGeneration && sub !== 'status') {
    const ignored = def.statusSubresource ? ['metadata', 'status'] : ['metadata'];
    if (!jsonEqual(withoutKeys(obj, ignored), withoutKeys(old, ignored))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }

  const causes = [
    ...admitted.causes,
    ...validateObjectMeta(obj, nameRule(def), def.namespaced),
    ...validateObjectMetaUpdate(obj, old),
    ...(def.validate?.(obj, old) ?? []),
  ];
  if (causes.length > 0) throw invalid(groupKind(def), name, causes);

  const managed =
    opts.appliedManagedFields ??
    recordUpdateManager({
      before: old,
      after: obj,
      manager: opts.manager,
      managedFields: managedFieldsOf(old),
      apiVersion: apiVersionOf(def),
      ...(sub ? { subresource: sub } : {}),
      ...(def.listMapKeys ? { listMapKeys: def.listMapKeys } : {}),
    });
  setManagedFields(obj, managed);

  if (jsonEqual(withoutFieldTimes(obj), withoutFieldTimes(old))) {
    return { object: old, created: false, warnings: admitted.warnings };
  }
  if (opts.dryRun) return { object: obj, created: false, warnings: admitted.warnings };
  if (readyToRemove(def, obj)) {
    const removed = ctx.store.delete(def.storageKey, namespace, name);
    if (removed) ctx.afterCommit(def, 'DELETED', removed);
    return { object: old, created: false, warnings: admitted.warnings };
  }
  const stored = ctx.store.update(def.storageKey, toStorage(def, obj));
  ctx.afterCommit(def, 'MODIFIED', stored);
  return { object: toExternal(def, stored), created: false, warnings: admitted.warnings };
}

/**
 * A write the server makes itself (controllers): no decoding, validation or managedFields; used for
 * CRD status, namespace phase, finalizer removal by garbage collection.
 */
export function systemUpdate(ctx: ApiContext, def: ResourceDefinition, stored: KubeObject, change: (obj: KubeObject) => void): KubeObject | undefined {
  const next = cloneJson(stored);
  change(next);
  if (jsonEqual(next, stored)) return stored;
  if (readyToRemove(def, next)) {
    const removed = ctx.store.delete(def.storageKey, next.metadata.namespace, next.metadata.name ?? '');
    if (removed) ctx.afterCommit(def, 'DELETED', removed);
    return undefined;
  }
  const saved = ctx.store.update(def.storageKey, next);
  ctx.afterCommit(def, 'MODIFIED', saved);
  return saved;
}
