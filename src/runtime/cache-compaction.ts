import type { KubeObject } from './kube-object.js';

/**
 * What an informer cache keeps of each object. The caches hold every object of every watched kind
 * (10,000 users and their password Secrets: most of the operator's memory), so fields nothing
 * reads are dropped and the strings that repeat from object to object are held once:
 * - `metadata.managedFields` and kubectl's last-applied annotation (a second copy of the spec);
 * - values under keys whose values repeat (condition types, statuses, reasons and messages,
 *   apiVersion, kind, namespace, finalizers, policies, Secret types) share one string each.
 * - values repeated within one object (its Kasm id in three places) share one string.
 * JSON parsing gives every object its own copy of each string; an object of a few kilobytes
 * holds many such small strings.
 */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Keys whose string values (or array of strings) come from a small set. */
const REPEATING = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'type',
  'status',
  'reason',
  'message',
  'lastTransitionTime',
  'finalizers',
  'managementPolicies',
  'deletionPolicy',
  'key',
  'realm',
  'groupId',
  'groupName',
]);

/** Longer values are rarely shared. */
const MAX_SHARED_LENGTH = 200;
/** Distinct values kept for sharing; past this the pool starts over (values already shared stay shared). */
const MAX_POOL = 20_000;

export class StringPool {
  private pool = new Map<string, string>();

  share(value: string): string {
    if (value.length > MAX_SHARED_LENGTH) return value;
    const known = this.pool.get(value);
    if (known !== undefined) return known;
    if (this.pool.size >= MAX_POOL) this.pool = new Map();
    this.pool.set(value, value);
    return value;
  }

  get size(): number {
    return this.pool.size;
  }
}

const sharedPool = new StringPool();

/**
 * `own`: the strings seen so far in this object. An object repeats some of its own values (a Kasm
 * id in an annotation, status.externalId and status.atProvider; a name in the spec and in
 * atProvider): each is held once per object.
 */
function shareIn(value: unknown, pool: StringPool, repeating: boolean, own: Map<string, string>): unknown {
  if (typeof value === 'string') {
    if (repeating) return pool.share(value);
    if (value.length === 0 || value.length > MAX_SHARED_LENGTH) return value;
    const seen = own.get(value);
    if (seen !== undefined) return seen;
    own.set(value, value);
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = shareIn(value[i], pool, repeating, own);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = shareIn(record[key], pool, REPEATING.has(key), own);
  }
  return value;
}

/**
 * The object as a cache keeps it (changed in place: the informer owns the parsed object). Fields
 * are dropped by copying the rest into a new object, never with `delete`: deleting a property puts
 * a V8 object in dictionary mode, a hash table several times the size (10,000 cached objects:
 * about 5 MB more, for metadata alone).
 */
export function compactForCache<T extends KubeObject>(obj: T, pool: StringPool = sharedPool): T {
  const { managedFields: _managed, ...meta } = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  if (meta.annotations && LAST_APPLIED in meta.annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = meta.annotations;
    meta.annotations = rest;
  }
  obj.metadata = meta;
  return shareIn(obj, pool, false, new Map()) as T;
}

/** A Secret as the Secrets cache keeps it: what the operator reads of it (see secretForCache). */
export interface CachedSecret extends KubeObject {
  data?: Record<string, string>;
}

/**
 * What the Secrets cache keeps of a Secret: name, namespace and resourceVersion (lookups, change
 * detection) and `data` (the keys the objects reference). Its type, uid, labels, annotations, owner
 * references and timestamps are never read, and a namespace can hold many Secrets the operator
 * never references (one per user password at 10,000 users: a third of each cached Secret was
 * metadata nothing reads).
 */
export function secretForCache(obj: KubeObject, pool: StringPool = sharedPool): CachedSecret {
  const { name, namespace, resourceVersion } = obj.metadata;
  const metadata: KubeObject['metadata'] = { name };
  if (namespace !== undefined) metadata.namespace = pool.share(namespace);
  if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
  const data = (obj as { data?: unknown }).data;
  const kept: CachedSecret = { metadata };
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const strings: Record<string, string> = {};
    for (const [key, value] of Object.entries(data)) if (typeof value === 'string') strings[pool.share(key)] = value;
    kept.data = strings;
  }
  return kept;
}
