/** Conditions as the reconciler states them; the status writer adds observedGeneration and keeps lastTransitionTime. */
export interface ConditionInput {
  type: 'Ready' | 'Synced' | 'Stalled';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

interface StoredCondition {
  type?: unknown;
  status?: unknown;
  observedGeneration?: unknown;
}

/** The generation whose spec was last applied without error (Synced True), if any. */
export function syncedAt(status: Record<string, unknown> | undefined): number | undefined {
  const list = Array.isArray(status?.conditions) ? (status.conditions as StoredCondition[]) : [];
  const synced = list.find((c) => c.type === 'Synced');
  return synced?.status === 'True' && typeof synced.observedGeneration === 'number' ? synced.observedGeneration : undefined;
}

/** True when the last reconcile ended in an error (Synced False, pause aside). */
export function lastSyncFailed(status: Record<string, unknown> | undefined): boolean {
  const list = Array.isArray(status?.conditions) ? (status.conditions as (StoredCondition & { reason?: unknown })[]) : [];
  const synced = list.find((c) => c.type === 'Synced');
  return synced?.status === 'False' && synced.reason !== 'Paused';
}
