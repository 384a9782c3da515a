import type { Logger } from 'pino';
import type { ResourceInformer } from '../runtime/informer.js';
import { objectKey } from '../runtime/resource-key.js';
import type { ProcessResult, WorkQueue } from '../runtime/work-queue.js';
import { RecordingTracker, type DependencyIndex } from './dependency-index.js';
import type { ManagedObject } from './managed-kind.js';

export type ReconcileFn = (obj: ManagedObject, tracker: RecordingTracker, signal: AbortSignal) => Promise<ProcessResult>;

export interface KindControllerOptions {
  kind: string;
  informer: ResourceInformer<ManagedObject>;
  queue: WorkQueue;
  index: DependencyIndex;
  reconcile: ReconcileFn;
  logger: Logger;
  /** Called after every change of an object of this kind (status included), to requeue what depends on it. */
  onObjectChange(obj: ManagedObject): void;
}

/**
 * Only changes that can alter what the operator should do start a reconcile: a new generation
 * (spec), annotations (pause, adoption id, poll interval), labels, and the start of deletion. The
 * operator's own status and finalizer writes do not, so a write does not echo back as work.
 */
export function needsReconcile(before: ManagedObject, after: ManagedObject): boolean {
  const a = before.metadata;
  const b = after.metadata;
  if (a.generation !== b.generation) return true;
  if ((a.deletionTimestamp === undefined) !== (b.deletionTimestamp === undefined)) return true;
  if (JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {})) return true;
  if (JSON.stringify(a.labels ?? {}) !== JSON.stringify(b.labels ?? {})) return true;
  // A finalizer removed by someone else while deleting: look again.
  if (b.deletionTimestamp !== undefined && (a.finalizers ?? []).length !== (b.finalizers ?? []).length) return true;
  return false;
}

/** One kind's loop: informer events become keys, keys become reconciles, reconciles record dependencies. */
export class KindController {
  private started = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: KindControllerOptions) {
    const { informer } = options;
    this.unsubscribe = informer.addEventHandler({
      onAdd: (obj) => {
        this.enqueueObject(obj);
        options.onObjectChange(obj);
      },
      onUpdate: (before, after) => {
        if (needsReconcile(before, after)) this.enqueueObject(after);
        options.onObjectChange(after);
      },
      onDelete: (obj) => {
        options.index.clear({ kind: options.kind, key: objectKey(obj.metadata.namespace, obj.metadata.name) });
        options.onObjectChange(obj);
      },
    });
  }

  get kind(): string {
    return this.options.kind;
  }

  enqueue(key: string): void {
    if (this.started) this.options.queue.add(key);
  }

  /** Starts the workers and queues every object already in the cache. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.queue.start((key, signal) => this.process(key, signal));
    for (const obj of this.options.informer.list()) this.enqueueObject(obj);
  }

  async stop(deadlineMs: number): Promise<void> {
    this.unsubscribe();
    if (this.started) await this.options.queue.shutDown({ deadlineMs });
  }

  private enqueueObject(obj: ManagedObject): void {
    this.enqueue(objectKey(obj.metadata.namespace, obj.metadata.name));
  }

  private async process(key: string, signal: AbortSignal): Promise<ProcessResult> {
    const obj = this.options.informer.getByKey(key);
    const dependent = { kind: this.options.kind, key };
    if (!obj) {
      this.options.index.clear(dependent);
      return;
    }
    const tracker = new RecordingTracker();
    try {
      return await this.options.reconcile(obj, tracker, signal);
    } finally {
      this.options.index.set(dependent, tracker.keys);
    }
  }
}
