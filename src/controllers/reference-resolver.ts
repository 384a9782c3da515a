import type { AdapterContext, ManagedObject } from './managed-kind.js';
import { ReferenceNotReadyError } from './reconcile-errors.js';

interface ConditionLike {
  type?: unknown;
  status?: unknown;
}

function isReady(obj: ManagedObject): boolean {
  const conditions = Array.isArray(obj.status?.conditions) ? (obj.status.conditions as ConditionLike[]) : [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The Kasm id of a referenced managed object in the object's namespace. Waits (ReferenceNotReady)
 * until the object exists, is Ready and has an id; records the dependency so its change requeues
 * the referrer.
 */
export function resolveManagedRef(ctx: AdapterContext, kind: string, name: string): string {
  ctx.deps.dependOnObject(kind, ctx.namespace, name);
  const target = ctx.cluster.getObject(kind, ctx.namespace, name);
  if (!target) throw new ReferenceNotReadyError(kind, name, `does not exist in namespace "${ctx.namespace}" yet`);
  if (target.metadata.deletionTimestamp) throw new ReferenceNotReadyError(kind, name, 'is being deleted');
  const id = target.status?.externalId;
  if (!isReady(target) || typeof id !== 'string' || id === '') throw new ReferenceNotReadyError(kind, name, 'is not Ready yet');
  return id;
}
