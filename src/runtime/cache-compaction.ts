import type { KubeObject } from './kube-object.js';

/**
 * What an informer cache keeps of each object. The caches hold every object of every watched kind
 * (10,000 users and their password Secrets: most of the operator's memory), so fields nothing
 * reads are dropped and the strings that repeat from object to object are held once:
 * - `metadata.managedFields` and kubectl's last-applied annotation (a second copy of the spec);
 * - values under keys whose values repeat (condition types, statuses, reasons and messages,
 *   apiVersion, kind, namespace, finalizers, policies, Secret types) share one string each.
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

function shareIn(value: unknown, pool: StringPool, repeating: boolean): unknown {
  if (typeof value === 'string') return repeating ? pool.share(value) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = shareIn(value[i], pool, repeating);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = shareIn(record[key], pool, REPEATING.has(key));
  }
  return value;
}

/** The object as a cache keeps it (changed in place: the informer owns the parsed object). */
export function compactForCache<T extends KubeObject>(obj: T, pool: StringPool = sharedPool): T {
  const meta = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  if ('managedFields' in meta) delete meta.managedFields;
  if (meta.annotations && LAST_APPLIED in meta.annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = meta.annotations;
    meta.annotations = rest;
  }
  return shareIn(obj, pool, false) as T;
}
