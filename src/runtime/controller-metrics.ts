/**
 * Prometheus metrics under the names and labels controller-runtime uses, so dashboards and alerts
 * written for Go operators work unchanged. Every function is get-or-create on the registry it is
 * given: several controllers and queues share one metric family, told apart by label.
 */
import { Counter, Gauge, Histogram, exponentialBuckets, type Registry } from 'prom-client';

export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

/** What the work queue reports about itself. */
export interface WorkQueueMetrics {
  /** A key entered the queue (deduplicated adds do not count). */
  added(): void;
  depth(length: number): void;
  /** Seconds a key waited in the queue before a worker took it. */
  queued(seconds: number): void;
  /** Seconds a worker spent on a key. */
  worked(seconds: number): void;
  /** A key was re-added through the rate limiter. */
  retried(): void;
  /** Read the in-flight figures at scrape time; returns a function that stops reading. */
  trackInFlight(read: () => InFlightWork): () => void;
}

export interface InFlightWork {
  /** Sum of how long every in-flight item has run so far. */
  unfinishedSeconds: number;
  /** How long the oldest in-flight item has run. */
  longestRunningSeconds: number;
}

/** What a controller reports about its reconciles. */
export interface ReconcileMetrics {
  reconciled(result: ReconcileResult, seconds: number): void;
  maxConcurrent(workers: number): void;
  activeWorkers(count: number): void;
}

export interface LeaderElectionMetrics {
  leading(isLeader: boolean): void;
}

// Durations from 10 ns to 1000 s, as client-go's workqueue metrics use.
const QUEUE_BUCKETS = exponentialBuckets(10e-9, 10, 12);
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5,
  4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

type MetricClass = typeof Counter | typeof Gauge | typeof Histogram;

function getOrCreate<C extends MetricClass>(registry: Registry, type: C, name: string, create: () => InstanceType<C>): InstanceType<C> {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (existing instanceof type) return existing as InstanceType<C>;
  throw new Error(`metric ${name} is already registered with a different type; pick another registry or metric name`);
}

function counter(registry: Registry, name: string, help: string, labelNames: readonly string[]): Counter {
  return getOrCreate(registry, Counter, name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}

function gauge(registry: Registry, name: string, help: string, labelNames: readonly string[]): Gauge {
  return getOrCreate(registry, Gauge, name, () => new Gauge({ name, help, labelNames, registers: [registry] }));
}

function histogram(registry: Registry, name: string, help: string, labelNames: readonly string[], buckets: number[]): Histogram {
  return getOrCreate(registry, Histogram, name, () => new Histogram({ name, help, labelNames, buckets, registers: [registry] }));
}

// In-flight figures are read at scrape time rather than pushed on a ticker; one reader set per registry and queue name.
const inFlightReaders = new WeakMap<Registry, Map<string, Set<() => InFlightWork>>>();

function inFlightGauges(registry: Registry): Map<string, Set<() => InFlightWork>> {
  const existing = inFlightReaders.get(registry);
  if (existing !== undefined) return existing;
  const byName = new Map<string, Set<() => InFlightWork>>();
  inFlightReaders.set(registry, byName);
  const read = (name: string): InFlightWork => {
    let unfinishedSeconds = 0;
    let longestRunningSeconds = 0;
    for (const reader of byName.get(name) ?? []) {
      const figures = reader();
      unfinishedSeconds += figures.unfinishedSeconds;
      longestRunningSeconds = Math.max(longestRunningSeconds, figures.longestRunningSeconds);
    }
    return { unfinishedSeconds, longestRunningSeconds };
  };
  getOrCreate(
    registry,
    Gauge,
    'workqueue_unfinished_work_seconds',
    () =>
      new Gauge({
        name: 'workqueue_unfinished_work_seconds',
        help: 'Seconds spent so far on items still being processed; a value that keeps growing points at a stuck handler.',
        labelNames: ['name'],
        registers: [registry],
        collect() {
          for (const name of byName.keys()) this.set({ name }, read(name).unfinishedSeconds);
        },
      }),
  );
  getOrCreate(
    registry,
    Gauge,
    'workqueue_longest_running_processor_seconds',
    () =>
      new Gauge({
        name: 'workqueue_longest_running_processor_seconds',
        help: 'Seconds the oldest item still being processed has run.',
        labelNames: ['name'],
        registers: [registry],
        collect() {
          for (const name of byName.keys()) this.set({ name }, read(name).longestRunningSeconds);
        },
      }),
  );
  return byName;
}

export function workQueueMetrics(registry: Registry, name: string): WorkQueueMetrics {
  const labels = { name };
  const depth = gauge(registry, 'workqueue_depth', 'Keys waiting in the work queue.', ['name']);
  const adds = counter(registry, 'workqueue_adds_total', 'Keys added to the work queue (duplicates of queued keys excluded).', ['name']);
  const queueDuration = histogram(
    registry,
    'workqueue_queue_duration_seconds',
    'Seconds a key waited in the work queue before a worker took it.',
    ['name'],
    QUEUE_BUCKETS,
  );
  const workDuration = histogram(registry, 'workqueue_work_duration_seconds', 'Seconds a worker spent processing one key.', ['name'], QUEUE_BUCKETS);
  const retries = counter(registry, 'workqueue_retries_total', 'Keys re-added to the work queue with backoff.', ['name']);
  const readers = inFlightGauges(registry);
  if (!readers.has(name)) readers.set(name, new Set());
  depth.set(labels, 0);
  adds.inc(labels, 0);
  retries.inc(labels, 0);
  return {
    added: () => adds.inc(labels),
    depth: (length) => depth.set(labels, length),
    queued: (seconds) => queueDuration.observe(labels, seconds),
    worked: (seconds) => workDuration.observe(labels, seconds),
    retried: () => retries.inc(labels),
    trackInFlight: (read) => {
      const set = readers.get(name) ?? new Set();
      readers.set(name, set);
      set.add(read);
      return () => set.delete(read);
    },
  };
}

export function reconcileMetrics(registry: Registry, controller: string): ReconcileMetrics {
  const labels = { controller };
  const total = counter(registry, 'controller_runtime_reconcile_total', 'Reconciles per controller and result.', ['controller', 'result']);
  const errors = counter(registry, 'controller_runtime_reconcile_errors_total', 'Reconciles that failed, per controller.', ['controller']);
  const time = histogram(registry, 'controller_runtime_reconcile_time_seconds', 'Seconds per reconcile, per controller.', ['controller'], RECONCILE_BUCKETS);
  const maxConcurrent = gauge(registry, 'controller_runtime_max_concurrent_reconciles', 'Workers a controller runs at most at once.', ['controller']);
  const active = gauge(registry, 'controller_runtime_active_workers', 'Workers busy with a reconcile right now.', ['controller']);
  // Zero series from the start, so rate() and absent() behave before the first reconcile.
  for (const result of ['success', 'error', 'requeue', 'requeue_after'] as const) total.inc({ controller, result }, 0);
  errors.inc(labels, 0);
  active.set(labels, 0);
  return {
    reconciled: (result, seconds) => {
      total.inc({ controller, result });
      if (result === 'error') errors.inc(labels);
      time.observe(labels, seconds);
    },
    maxConcurrent: (workers) => maxConcurrent.set(labels, workers),
    activeWorkers: (count) => active.set(labels, count),
  };
}

export function leaderElectionMetrics(registry: Registry, name: string): LeaderElectionMetrics {
  const status = gauge(registry, 'leader_election_master_status', '1 while this replica holds the leader lease, 0 while it stands by.', ['name']);
  status.set({ name }, 0);
  return { leading: (isLeader) => status.set({ name }, isLeader ? 1 : 0) };
}
