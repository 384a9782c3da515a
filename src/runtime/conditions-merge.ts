import { z } from 'zod';
import { formatKubeTime } from './kube-time.js';

/** metav1.Condition as the generic runtime handles it. */
export const conditionSchema = z.looseObject({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  observedGeneration: z.number().int().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

export interface MergeConditionsOptions {
  /** Keep old conditions whose type is not in `next`. Default false: `next` is the whole set. */
  keepMissing?: boolean;
}

/**
 * The conditions to write, following the Kubernetes convention: lastTransitionTime moves only when
 * a condition's status changes, so re-reporting the same state (even with a new reason or message)
 * does not churn the status or make a watcher think something transitioned.
 */
export function mergeConditions(
  old: readonly Condition[] | undefined,
  next: readonly Condition[],
  now: number | Date,
  options: MergeConditionsOptions = {},
): Condition[] {
  const nowText = formatKubeTime(typeof now === 'number' ? now : now.getTime());
  const oldByType = new Map((old ?? []).map((c) => [c.type, c]));
  const merged = next.map((c): Condition => {
    const prev = oldByType.get(c.type);
    if (prev && prev.status === c.status && prev.lastTransitionTime) return { ...c, lastTransitionTime: prev.lastTransitionTime };
    return { ...c, lastTransitionTime: c.lastTransitionTime ?? nowText };
  });
  if (options.keepMissing) {
    const nextTypes = new Set(next.map((c) => c.type));
    for (const c of old ?? []) if (!nextTypes.has(c.type)) merged.push(c);
  }
  return merged;
}

/** The condition of a type, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
