/**
 * kstatus, the status computation Flux (kustomize-controller `wait`, helm-controller) and
 * `kubectl`-based tools use to decide whether an applied object has converged, restated for
 * custom resources (sigs.k8s.io/cli-utils pkg/kstatus/status, generic rules; the built-in kinds'
 * own rules are left out). In order:
 *
 * 1. no object: NotFound;
 * 2. metadata.deletionTimestamp set: Terminating;
 * 3. status.observedGeneration present and different from metadata.generation: InProgress;
 * 4. the first condition that is Reconciling=True (InProgress) or Stalled=True (Failed) decides;
 * 5. a Ready condition: True is Current, False or Unknown is InProgress;
 * 6. otherwise Current, also for an object with no status at all: a tool that waits right after
 *    applying sees a new object as Current until its controller writes observedGeneration.
 *
 * Fields of the wrong type make kstatus fail to compute, reported here as Unknown.
 */

export type KstatusStatus = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

export interface KstatusResult {
  status: KstatusStatus;
  message: string;
}

interface KstatusCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

class KstatusError extends Error {}

function field(obj: Record<string, unknown>, ...path: string[]): unknown {
  let current: unknown = obj;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

function integerField(obj: Record<string, unknown>, ...path: string[]): number | undefined {
  const value = field(obj, ...path);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new KstatusError(`${path.join('.')} is not an integer: ${JSON.stringify(value)}`);
  return value;
}

function conditionsOf(obj: Record<string, unknown>): KstatusCondition[] {
  const list = field(obj, 'status', 'conditions');
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KstatusError('status.conditions is not a list');
  return list.map((item: unknown, index) => {
    if (!isRecord(item)) throw new KstatusError(`status.conditions[${index}] is not an object`);
    const text = (key: string): string => {
      const value = item[key];
      if (value === undefined || value === null) return '';
      if (typeof value !== 'string') throw new KstatusError(`status.conditions[${index}].${key} is not a string`);
      return value;
    };
    return { type: text('type'), status: text('status'), reason: text('reason'), message: text('message') };
  });
}

function compute(obj: Record<string, unknown>): KstatusResult {
  const deletionTimestamp = field(obj, 'metadata', 'deletionTimestamp');
  if (typeof deletionTimestamp === 'string' && deletionTimestamp !== '') return { status: 'Terminating', message: 'Resource scheduled for deletion' };

  const generation = integerField(obj, 'metadata', 'generation');
  if (generation !== undefined) {
    const observed = integerField(obj, 'status', 'observedGeneration');
    if (observed !== undefined && observed !== generation) {
      const kind = typeof obj.kind === 'string' ? obj.kind : '';
      return { status: 'InProgress', message: `${kind} generation is ${generation}, but latest observed generation is ${observed}` };
    }
  }

  const conditions = conditionsOf(obj);
  for (const condition of conditions) {
    if (condition.type === 'Reconciling' && condition.status === 'True') return { status: 'InProgress', message: condition.message };
    if (condition.type === 'Stalled' && condition.status === 'True') return { status: 'Failed', message: condition.message };
  }

  for (const condition of conditions) {
    if (condition.type !== 'Ready') continue;
    if (condition.status === 'True') return { status: 'Current', message: 'Resource is Ready' };
    if (condition.status === 'False' || condition.status === 'Unknown') return { status: 'InProgress', message: condition.message };
  }
  return { status: 'Current', message: 'Resource is current' };
}

/** The kstatus of an object as read from the API server; undefined or null for an object that does not exist. */
export function computeKstatus(obj: unknown): KstatusResult {
  if (obj === undefined || obj === null) return { status: 'NotFound', message: 'Resource not found' };
  if (!isRecord(obj)) return { status: 'Unknown', message: 'not an object' };
  try {
    return compute(obj);
  } catch (err) {
    if (err instanceof KstatusError) return { status: 'Unknown', message: err.message };
    throw err;
  }
}
