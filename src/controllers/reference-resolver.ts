import type { AdapterContext, ManagedObject } from './managed-kind.js';
import { ListReferencesNotReadyError, ReferenceNotReadyError } from './reconcile-errors.js';

interface ConditionLike {
  type?: unknown;
  status?: unknown;
}

function isReady(obj: ManagedObject): boolean {
  const conditions = Array.isArray(obj.status?.conditions) ? (obj.status.conditions as ConditionLike[]) : [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** An entry that cannot be resolved yet, and why (`KasmUser "bob" is not Ready yet`). */
export interface Waiting {
  readonly waiting: string;
}

const isWaiting = (v: unknown): v is Waiting => typeof v === 'object' && v !== null && 'waiting' in v && typeof v.waiting === 'string';

/** The referenced object's Kasm id, or why it cannot be used yet; records the dependency. */
function refState(ctx: AdapterContext, kind: string, name: string): { id: string } | { detail: string } {
  ctx.deps.dependOnObject(kind, ctx.namespace, name);
  const target = ctx.cluster.getObject(kind, ctx.namespace, name);
  if (!target) return { detail: `does not exist in namespace "${ctx.namespace}" yet` };
  if (target.metadata.deletionTimestamp) return { detail: 'is being deleted' };
  const id = target.status?.externalId;
  if (!isReady(target) || typeof id !== 'string' || id === '') return { detail: 'is not Ready yet' };
  return { id };
}

/**
 * The Kasm id of a referenced managed object in the object's namespace. Waits (ReferenceNotReady)
 * until the object exists, is Ready and has an id; records the dependency so its change requeues
 * the referrer.
 */
export function resolveManagedRef(ctx: AdapterContext, kind: string, name: string): string {
  const state = refState(ctx, kind, name);
  if ('detail' in state) throw new ReferenceNotReadyError(kind, name, state.detail);
  return state.id;
}

/** resolveManagedRef for entries of a list (resolveEach): the wait is returned, not thrown. */
export function managedRefOrWaiting(ctx: AdapterContext, kind: string, name: string): string | Waiting {
  const state = refState(ctx, kind, name);
  return 'detail' in state ? { waiting: `${kind} "${name}" ${state.detail}` } : state.id;
}

/**
 * Resolves every entry of a list field, going on past the entries that wait (returned as Waiting,
 * or thrown as ReferenceNotReadyError) rather than stopping at the first, so that each waiting
 * reference is recorded as a dependency and the wait is reported once for the whole field
 * (ListReferencesNotReadyError) instead of entry by entry.
 */
export async function resolveEach<E, T>(
  field: string,
  entries: readonly E[],
  label: (entry: E) => string,
  resolveOne: (entry: E) => T | Waiting | Promise<T | Waiting>,
): Promise<T[]> {
  const resolved: T[] = [];
  const waiting: string[] = [];
  for (const entry of entries) {
    try {
      const value = await resolveOne(entry);
      if (isWaiting(value)) waiting.push(value.waiting);
      else resolved.push(value);
    } catch (err) {
      if (!(err instanceof ReferenceNotReadyError)) throw err;
      waiting.push(err.message);
    }
  }
  if (waiting.length > 0) throw new ListReferencesNotReadyError(field, entries.map(label), waiting);
  return resolved;
}
