/**
 * The controller work queue (design section 8). Keys are deduplicated; a key is never processed by
 * two workers at once (one added while processing waits and runs once afterwards); failures back off
 * per key, exponentially with jitter, and through a token bucket shared by all keys; delayed adds wait
 * on one timer over a heap, however many keys are waiting.
 */
import type { Logger } from 'pino';
import { backoffDelay, checkBackoffPolicy, type BackoffPolicy } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import type { ReconcileMetrics, ReconcileResult, WorkQueueMetrics } from './controller-metrics.js';
import { DelayHeap } from './delay-heap.js';
import { TokenBucket } from './token-bucket.js';

/**
 * A handler that already logged and reported its failure throws an error with `reported: true`;
 * the queue then only backs off, without logging the failure a second time.
 */
function isReported(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { reported?: unknown }).reported === true;
}

/**
 * What a handler asks for next. `requeueAfterMs`: process again after that delay (a poll), backoff
 * forgotten. `requeue`: process again through the rate limiter (backoff grows). Nothing: done.
 */
export type ProcessResult = { requeueAfterMs?: number; requeue?: boolean } | void;
export type ProcessFn = (key: string, signal: AbortSignal) => Promise<ProcessResult>;

export interface BackoffOptions {
  /** Delay after the first failure. Default 1 s. */
  baseMs?: number;
  /** Largest delay, jitter included. Default 5 min. */
  maxMs?: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. Default 0.1. */
  jitter?: number;
}

export interface WorkQueueOptions {
  name: string;
  /** Keys processed at once. Default 1. */
  workers?: number;
  backoff?: BackoffOptions;
  /** Shared limit on rate-limited adds. Default 10 per second, burst 100. */
  tokenBucket?: TokenBucket;
  metrics?: WorkQueueMetrics;
  /** Per-controller reconcile metrics, recorded from each handler's outcome. */
  reconcileMetrics?: ReconcileMetrics;
  clock?: Clock;
  logger?: Logger;
  /** Source of jitter, in [0, 1). */
  random?: () => number;
}

export interface ShutDownOptions {
  /** How long in-flight handlers may run before their signal is aborted. Default: no limit. */
  deadlineMs?: number;
}

const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.1 } as const;

interface InFlight {
  startedAt: number;
  abort: AbortController;
}

export class WorkQueue {
  readonly name: string;
  readonly workers: number;
  private readonly backoff: BackoffPolicy;
  private readonly tokenBucket: TokenBucket;
  private readonly metrics: WorkQueueMetrics | undefined;
  private readonly reconcileMetrics: ReconcileMetrics | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly random: () => number;

  // FIFO of waiting keys: an array with a moving head, compacted now and then.
  private fifo: string[] = [];
  private head = 0;
  /** Keys waiting to be processed, including ones that wait for their in-flight run to end. */
  private readonly dirty = new Set<string>();
  private readonly enqueuedAt = new Map<string, number>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new DelayHeap();
  private delayTimer: TimerHandle | undefined;
  private delayTimerDue: number | undefined;

  private process: ProcessFn | undefined;
  private pumpScheduled = false;
  private shuttingDown = false;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;
  private resolveShutdown: (() => void) | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly untrackInFlight: (() => void) | undefined;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.workers = options.workers ?? 1;
    if (!Number.isInteger(this.workers) || this.workers < 1) throw new RangeError(`WorkQueue ${options.name}: workers must be an integer >= 1, got ${this.workers}`);
    // Retries spread around the nominal delay, so the mean retry rate stays as configured.
    this.backoff = { ...DEFAULT_BACKOFF, ...stripUndefined(options.backoff ?? {}), factor: 2, spread: 'around' };
    checkBackoffPolicy(this.backoff, { names: { baseMs: 'backoff.baseMs', maxMs: 'backoff.maxMs', jitter: 'backoff.jitter' }, where: `WorkQueue ${options.name}` });
    this.clock = options.clock ?? systemClock;
    this.tokenBucket = options.tokenBucket ?? new TokenBucket({ ratePerSecond: 10, burst: 100, clock: this.clock });
    this.metrics = options.metrics;
    this.reconcileMetrics = options.reconcileMetrics;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.untrackInFlight = this.metrics?.trackInFlight(() => this.inFlightFigures());
    this.reconcileMetrics?.maxConcurrent(this.workers);
  }

  /** Queue `key` now. A key already waiting is not queued twice; one in flight runs again once it ends. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.enqueuedAt.set(key, this.clock.now());
    this.metrics?.added();
    if (this.inFlight.has(key)) return;
    this.push(key);
  }

  /** Queue `key` after `delayMs`. If it already waits for an earlier time, the earlier time stands. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    if (this.delayed.schedule(key, this.clock.now() + delayMs)) this.armDelayTimer();
  }

  /** Queue `key` after its backoff (which grows with each call until `forget`) or the shared bucket's wait, whichever is longer. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.max(backoffDelay(failures, this.backoff, this.random), this.tokenBucket.reserve());
    this.metrics?.retried();
    this.addAfter(key, delay);
  }

  /** Reset the key's backoff (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Rate-limited adds since the last `forget`. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * Start the workers. A handler that throws is retried with backoff and logged; one that returns
   * `{ requeueAfterMs }` runs again after that delay; one that returns nothing is done.
   */
  start(process: ProcessFn): void {
    if (this.process !== undefined) throw new Error(`WorkQueue ${this.name} is already started`);
    if (this.shuttingDown) throw new Error(`WorkQueue ${this.name} is shut down and cannot start`);
    this.process = process;
    this.schedulePump();
  }

  /** Keys waiting for a worker (not counting delayed ones or keys in flight). */
  len(): number {
    return this.fifo.length - this.head;
  }

  /** Keys being processed right now. */
  processing(): number {
    return this.inFlight.size;
  }

  /** Keys waiting for a due time. */
  delayedCount(): number {
    return this.delayed.size;
  }

  /**
   * Stop taking work: queued and delayed keys are dropped, later adds ignored. In-flight handlers
   * run on; after `deadlineMs` their signals are aborted. Resolves when none is left in flight.
   */
  shutDown(options: ShutDownOptions = {}): Promise<void> {
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    this.shuttingDown = true;
    this.disarmDelayTimer();
    this.delayed.clear();
    this.fifo = [];
    this.head = 0;
    this.dirty.clear();
    this.enqueuedAt.clear();
    this.metrics?.depth(0);
    this.shutdownPromise = new Promise<void>((resolve) => {
      this.resolveShutdown = resolve;
    });
    const deadlineMs = options.deadlineMs;
    if (deadlineMs !== undefined && Number.isFinite(deadlineMs) && this.inFlight.size > 0) {
      this.deadlineTimer = this.clock.setTimeout(() => this.abortInFlight(deadlineMs), Math.max(0, deadlineMs));
    }
    this.checkStopped();
    return this.shutdownPromise;
  }

  /** Resolves when nothing is queued, due or in flight (or the queue has stopped). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private push(key: string): void {
    this.fifo.push(key);
    this.metrics?.depth(this.len());
    this.schedulePump();
  }

  private shift(): string | undefined {
    if (this.head >= this.fifo.length) return undefined;
    const key = this.fifo[this.head++];
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  // Workers start from a microtask, so a burst of synchronous adds is deduplicated before any runs
  // and a handler that adds keys never re-enters the dispatch loop.
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const process = this.process;
    while (process !== undefined && !this.shuttingDown && this.inFlight.size < this.workers) {
      const key = this.shift();
      if (key === undefined) break;
      this.dirty.delete(key);
      const now = this.clock.now();
      const enqueuedAt = this.enqueuedAt.get(key);
      this.enqueuedAt.delete(key);
      if (enqueuedAt !== undefined) this.metrics?.queued(Math.max(0, now - enqueuedAt) / 1000);
      const entry: InFlight = { startedAt: now, abort: new AbortController() };
      this.inFlight.set(key, entry);
      this.reconcileMetrics?.activeWorkers(this.inFlight.size);
      void this.run(process, key, entry);
    }
    this.metrics?.depth(this.len());
    this.checkIdle();
  }

  // Never rejects: every outcome, thrown or returned, becomes a queue decision.
  private async run(process: ProcessFn, key: string, entry: InFlight): Promise<void> {
    let outcome: ReconcileResult;
    try {
      const result = await process(key, entry.abort.signal);
      if (result?.requeue === true) {
        outcome = 'requeue';
        this.addRateLimited(key);
      } else if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        outcome = 'requeue_after';
        this.forget(key);
        this.addAfter(key, result.requeueAfterMs);
      } else {
        outcome = 'success';
        this.forget(key);
      }
    } catch (err: unknown) {
      outcome = 'error';
      if (entry.abort.signal.aborted) this.logger?.debug({ err, key, queue: this.name }, 'handler stopped by shutdown');
      else if (isReported(err)) this.logger?.debug({ key, queue: this.name, retries: this.numRequeues(key) }, 'retrying with backoff');
      else this.logger?.error({ err, key, queue: this.name, retries: this.numRequeues(key) }, 'handler failed; retrying with backoff');
      this.addRateLimited(key);
    }
    const seconds = Math.max(0, this.clock.now() - entry.startedAt) / 1000;
    this.metrics?.worked(seconds);
    this.reconcileMetrics?.reconciled(outcome, seconds);
    this.done(key);
  }

  private done(key: string): void {
    this.inFlight.delete(key);
    this.reconcileMetrics?.activeWorkers(this.inFlight.size);
    if (this.shuttingDown) {
      this.checkStopped();
      return;
    }
    if (this.dirty.has(key)) this.push(key);
    this.schedulePump();
    this.checkIdle();
  }

  private abortInFlight(deadlineMs: number): void {
    this.deadlineTimer = undefined;
    if (this.inFlight.size === 0) return;
    this.logger?.warn({ queue: this.name, inFlight: [...this.inFlight.keys()], deadlineMs }, 'shutdown deadline passed; aborting in-flight handlers');
    for (const entry of this.inFlight.values()) entry.abort.abort(new Error(`work queue ${this.name} shut down`));
  }

  private checkStopped(): void {
    if (!this.shuttingDown || this.stopped || this.inFlight.size > 0) return;
    this.stopped = true;
    if (this.deadlineTimer !== undefined) this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.untrackInFlight?.();
    this.resolveShutdown?.();
    this.checkIdle();
  }

  private armDelayTimer(): void {
    const due = this.delayed.peekDue();
    if (due === undefined || due === this.delayTimerDue) return;
    this.disarmDelayTimer();
    this.delayTimerDue = due;
    this.delayTimer = this.clock.setTimeout(() => this.fireDelayed(), due - this.clock.now());
    this.delayTimer.unref?.();
  }

  private disarmDelayTimer(): void {
    if (this.delayTimer !== undefined) this.clock.clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    this.delayTimerDue = undefined;
  }

  private fireDelayed(): void {
    this.delayTimer = undefined;
    this.delayTimerDue = undefined;
    for (const key of this.delayed.popDue(this.clock.now())) this.add(key);
    // A timer that fires a little early finds nothing due and simply re-arms.
    this.armDelayTimer();
    this.checkIdle();
  }

  private isIdle(): boolean {
    if (this.stopped) return true;
    const nextDue = this.delayed.peekDue();
    return this.len() === 0 && this.inFlight.size === 0 && (nextDue === undefined || nextDue > this.clock.now());
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private inFlightFigures(): { unfinishedSeconds: number; longestRunningSeconds: number } {
    const now = this.clock.now();
    let unfinishedSeconds = 0;
    let longestRunningSeconds = 0;
    for (const entry of this.inFlight.values()) {
      const seconds = Math.max(0, now - entry.startedAt) / 1000;
      unfinishedSeconds += seconds;
      longestRunningSeconds = Math.max(longestRunningSeconds, seconds);
    }
    return { unfinishedSeconds, longestRunningSeconds };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
