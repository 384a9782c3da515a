import type { StatusWriter } from '../runtime/status-writer.js';
import type { ConditionInput } from './conditions.js';
import type { ManagedObject } from './managed-kind.js';
import type { StatusSink } from './managed-reconciler.js';

interface TypedCondition {
  type: string;
}

/**
 * Puts the reconciler's conditions into the whole status and hands it to the status writer,
 * which skips unchanged writes and keeps lastTransitionTime. Condition types the reconciler did
 * not mention keep their current value (a pause reports Synced but leaves Ready as it was).
 */
export class WriterStatusSink implements StatusSink {
  constructor(private readonly writer: StatusWriter<ManagedObject>) {}

  known(obj: ManagedObject): Record<string, unknown> | undefined {
    return this.writer.knownStatus(obj);
  }

  async write(obj: ManagedObject, status: Record<string, unknown>, conditions: ConditionInput[]): Promise<ManagedObject> {
    const given = new Set<string>(conditions.map((c) => c.type));
    const known = this.known(obj);
    const current = Array.isArray(known?.conditions) ? (known.conditions as TypedCondition[]) : [];
    const kept = current.filter((c) => !given.has(c.type));
    const order: string[] = ['Ready', 'Synced', 'Stalled'];
    const all = [...conditions, ...kept].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const { conditions: _ignored, ...rest } = status;
    const result = await this.writer.write(obj, { ...rest, conditions: all });
    return result.object;
  }
}
