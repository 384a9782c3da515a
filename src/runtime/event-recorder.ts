import { pino, type Logger } from 'pino';
import { isAlreadyExists, isNotFound, contentTypes, type KubeRequester } from './kube-json-client.js';
import type { KubeObject } from './kube-object.js';
import { coreResources, collectionPath, objectPath } from './kube-resource.js';
import { formatKubeTime, formatMicroTime } from './kube-time.js';
import { objectRefOf, refIdentity, type ObjectReference } from './object-ref.js';

/**
 * Kubernetes Events for what the operator decided, written through events.k8s.io/v1 (core v1 when
 * that API is not served). Repeats of the same event are folded into one Event object whose
 * `series` counts them, written at most once per `seriesUpdateIntervalMs`; each object gets a
 * small budget of distinct events so a flapping object cannot flood the API. Recording never
 * throws and never waits: failures are logged and counted.
 */
export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  /** Why, in UpperCamelCase: `Created`, `ReconcileError`. At most 128 characters. */
  reason: string;
  /** What the operator did or failed to do: `Create`, `Reconcile`. At most 128 characters. */
  action: string;
  /** Human-readable detail, truncated to 1 KiB. Must not contain secrets. */
  note?: string;
  related?: ObjectReference;
}

export interface EventRecorderOptions {
  client: KubeRequester;
  /** This replica, usually the pod name. */
  reportingInstance: string;
  reportingController?: string;
  /** Repeats within this window join the same Event. Default 10 min. */
  aggregationWindowMs?: number;
  /** Least time between two writes of the same Event (a burst becomes one write). Default 30 s. */
  seriesUpdateIntervalMs?: number;
  /** How many distinct recent events are remembered for aggregation. Default 4096. */
  cacheSize?: number;
  /** Distinct new events each object may emit at once. Default 25. */
  perObjectBurst?: number;
  /** One more distinct event per object every this many ms. Default 10 s. */
  perObjectRefillMs?: number;
  /** Event writes in flight at once. Default 4. */
  maxConcurrentWrites?: number;
  /** Events waiting to be written before new ones are dropped. Default 1000. */
  maxPending?: number;
  /** 'auto' tries events.k8s.io/v1 and falls back to core v1 when it is not served. */
  api?: 'auto' | 'events.k8s.io/v1' | 'v1';
  logger?: Logger;
}

export interface EventRecorderStats {
  created: number;
  updated: number;
  /** Occurrences not written: per-object budget exhausted, queue full, or recorder closed. */
  dropped: number;
  failed: number;
}

interface Aggregate {
  key: string;
  ref: ObjectReference;
  namespace: string;
  input: EventInput & { note: string };
  count: number;
  firstAt: number;
  lastAt: number;
  /** Set once the Event exists on the server. */
  eventName: string | undefined;
  writtenCount: number;
  lastWriteAt: number;
  writing: boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

export const NOTE_MAX_BYTES = 1024;
const FIELD_MAX_CHARS = 128;
const NAME_MAX = 253;

/** Cuts `text` to at most `maxBytes` of UTF-8, on a character boundary, marking the cut with an ellipsis. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const ellipsis = '…'; // 3 bytes
  let end = Math.max(0, maxBytes - 3);
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + ellipsis;
}

/** The aggregation key: same object, type, reason and note. */
export function eventAggregationKey(ref: ObjectReference, input: Pick<EventInput, 'type' | 'reason' | 'note'>): string {
  return [refIdentity(ref), input.type, input.reason, input.note ?? ''].join('\u0000');
}

function isKubeObject(x: ObjectReference | KubeObject): x is KubeObject {
  return 'metadata' in x;
}

export class EventRecorder {
  readonly stats: EventRecorderStats = { created: 0, updated: 0, dropped: 0, failed: 0 };

  private readonly client: KubeRequester;
  private readonly reportingController: string;
  private readonly reportingInstance: string;
  private readonly windowMs: number;
  private readonly intervalMs: number;
  private readonly cacheSize: number;
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly maxConcurrent: number;
  private readonly maxPending: number;
  private readonly log: Logger;
  private api: 'events.k8s.io/v1' | 'v1' | 'auto';

  /** Recent aggregates, least recently used first. */
  private readonly recent = new Map<string, Aggregate>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly due = new Set<Aggregate>();
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  private flushing = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private nameCounter = 0;

  constructor(options: EventRecorderOptions) {
    if (!options.reportingInstance) throw new Error('event recorder: reportingInstance is required (the pod name, e.g. from the POD_NAME env var)');
    this.client = options.client;
    this.reportingController = (options.reportingController ?? 'kasm.io/kasm-operator').slice(0, FIELD_MAX_CHARS);
    this.reportingInstance = options.reportingInstance.slice(0, FIELD_MAX_CHARS);
    this.windowMs = options.aggregationWindowMs ?? 600_000;
    this.intervalMs = options.seriesUpdateIntervalMs ?? 30_000;
    this.cacheSize = options.cacheSize ?? 4096;
    this.burst = options.perObjectBurst ?? 25;
    this.refillMs = options.perObjectRefillMs ?? 10_000;
    this.maxConcurrent = options.maxConcurrentWrites ?? 4;
    this.maxPending = options.maxPending ?? 1000;
    this.api = options.api ?? 'auto';
    this.log = options.logger ?? pino({ enabled: false });
  }

  normal(regarding: ObjectReference | KubeObject, reason: string, action: string, note?: string): void {
    this.record(regarding, { type: 'Normal', reason, action, note });
  }

  warning(regarding: ObjectReference | KubeObject, reason: string, action: string, note?: string): void {
    this.record(regarding, { type: 'Warning', reason, action, note });
  }

  /** Records one occurrence. Never throws; the write happens in the background. */
  record(regarding: ObjectReference | KubeObject, input: EventInput): void {
    try {
      if (this.closed) {
        this.stats.dropped += 1;
        return;
      }
      const ref = isKubeObject(regarding) ? objectRefOf(regarding) : regarding;
      const note = truncateUtf8(input.note ?? '', NOTE_MAX_BYTES);
      const normalized = { ...input, reason: input.reason.slice(0, FIELD_MAX_CHARS), action: input.action.slice(0, FIELD_MAX_CHARS), note };
      const key = eventAggregationKey(ref, normalized);
      const now = Date.now();

      const existing = this.recent.get(key);
      if (existing && now - existing.lastAt <= this.windowMs) {
        existing.count += 1;
        existing.lastAt = now;
        this.touch(key, existing);
        this.markDue(existing);
        return;
      }
      if (this.due.size >= this.maxPending || !this.takeToken(refIdentity(ref), now)) {
        this.stats.dropped += 1;
        this.log.debug({ reason: input.reason, object: ref.name }, 'event dropped by rate limit');
        return;
      }
      const agg: Aggregate = {
        key,
        ref,
        namespace: ref.namespace || 'default',
        input: normalized,
        count: 1,
        firstAt: now,
        lastAt: now,
        eventName: undefined,
        writtenCount: 0,
        lastWriteAt: 0,
        writing: false,
      };
      this.touch(key, agg);
      this.markDue(agg);
    } catch (err) {
      this.log.warn({ err }, 'could not record event');
    }
  }

  /** Writes everything pending now, ignoring the series interval; resolves when done or after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<void> {
    this.flushing += 1;
    try {
      const idle = new Promise<void>((resolve) => {
        if (this.due.size === 0 && this.inFlight === 0) resolve();
        else this.idleWaiters.push(resolve);
      });
      this.pump();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([idle, timeout]);
      clearTimeout(timer);
    } finally {
      this.flushing -= 1;
    }
  }

  /** Flushes, then drops whatever is still pending and stops accepting events. */
  async close(timeoutMs = 5_000): Promise<void> {
    await this.flush(timeoutMs);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
  }

  private touch(key: string, agg: Aggregate): void {
    this.recent.delete(key);
    this.recent.set(key, agg);
    while (this.recent.size > this.cacheSize) {
      const oldest = this.recent.keys().next();
      if (oldest.done) break;
      this.recent.delete(oldest.value);
    }
  }

  private takeToken(identity: string, now: number): boolean {
    let bucket = this.buckets.get(identity);
    if (bucket) {
      const refill = Math.floor((now - bucket.at) / this.refillMs);
      if (refill > 0) {
        bucket.tokens = Math.min(this.burst, bucket.tokens + refill);
        bucket.at += refill * this.refillMs;
      }
      this.buckets.delete(identity);
    } else {
      bucket = { tokens: this.burst, at: now };
    }
    this.buckets.set(identity, bucket);
    while (this.buckets.size > this.cacheSize) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
    if (bucket.tokens < 1) return false;
    if (bucket.tokens === this.burst) bucket.at = now; // a full bucket does not bank refill time
    bucket.tokens -= 1;
    return true;
  }

  private markDue(agg: Aggregate): void {
    this.due.add(agg);
    this.pump();
  }

  private dueAt(agg: Aggregate): number {
    if (agg.eventName === undefined || this.flushing > 0) return 0;
    return agg.lastWriteAt + this.intervalMs;
  }

  /** Starts every write that is due and arms one timer for the next. */
  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    let next = Infinity;
    for (const agg of this.due) {
      if (agg.writing) continue;
      const at = this.dueAt(agg);
      if (at <= now) {
        if (this.inFlight >= this.maxConcurrent) {
          next = Math.min(next, now);
          continue;
        }
        this.startWrite(agg);
      } else {
        next = Math.min(next, at);
      }
    }
    if (next !== Infinity && this.inFlight < this.maxConcurrent && next < this.timerAt) {
      if (this.timer) clearTimeout(this.timer);
      this.timerAt = next;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      }, next - now);
      this.timer.unref();
    }
    if (this.due.size === 0 && this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private startWrite(agg: Aggregate): void {
    agg.writing = true;
    this.inFlight += 1;
    const count = agg.count;
    const lastAt = agg.lastAt;
    this.write(agg, count, lastAt)
      .then(
        () => {
          agg.writtenCount = count;
        },
        (err: unknown) => {
          this.stats.failed += 1;
          // Give this batch up: events are best effort, and the next occurrence tries again.
          agg.writtenCount = count;
          this.log.warn({ err, reason: agg.input.reason, object: agg.ref.name }, 'event write failed');
        },
      )
      .finally(() => {
        agg.writing = false;
        agg.lastWriteAt = Date.now();
        this.inFlight -= 1;
        if (agg.count <= agg.writtenCount) this.due.delete(agg);
        this.pump();
      });
  }

  private async write(agg: Aggregate, count: number, lastAt: number): Promise<void> {
    if (agg.eventName !== undefined) {
      try {
        await this.patchSeries(agg, count, lastAt);
        this.stats.updated += 1;
        return;
      } catch (err) {
        // The Event expired (TTL) or was deleted: start a new one carrying the count so far.
        if (!isNotFound(err)) throw err;
        agg.eventName = undefined;
      }
    }
    await this.create(agg, count, lastAt);
    this.stats.created += 1;
  }

  private async create(agg: Aggregate, count: number, lastAt: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const name = this.eventName(agg.ref.name);
      try {
        if (this.api === 'v1') await this.createCore(agg, name, count, lastAt);
        else await this.createEventsV1(agg, name, count, lastAt);
        agg.eventName = name;
        return;
      } catch (err) {
        if (isAlreadyExists(err) && attempt === 0) continue;
        if (this.api === 'auto' && isNotFound(err) && !(await this.eventsV1Served())) {
          this.api = 'v1';
          this.log.info('events.k8s.io/v1 is not served; writing core v1 Events');
          continue;
        }
        throw err;
      }
    }
  }

  private eventName(objectName: string): string {
    this.nameCounter = (this.nameCounter + 1) % 4096;
    const suffix = (Date.now() * 4096 + this.nameCounter).toString(16);
    return `${objectName.slice(0, NAME_MAX - suffix.length - 1)}.${suffix}`;
  }

  private async createEventsV1(agg: Aggregate, name: string, count: number, lastAt: number): Promise<void> {
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace: agg.namespace },
      eventTime: formatMicroTime(agg.firstAt),
      reportingController: this.reportingController,
      reportingInstance: this.reportingInstance,
      action: agg.input.action,
      reason: agg.input.reason,
      note: agg.input.note,
      type: agg.input.type,
      regarding: agg.ref,
      ...(agg.input.related ? { related: agg.input.related } : {}),
      ...(count > 1 ? { series: { count, lastObservedTime: formatMicroTime(lastAt) } } : {}),
    };
    await this.client.request({ method: 'POST', path: collectionPath(coreResources.eventsV1, agg.namespace), body });
    if (this.api === 'auto') this.api = 'events.k8s.io/v1';
  }

  private async createCore(agg: Aggregate, name: string, count: number, lastAt: number): Promise<void> {
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: agg.namespace },
      involvedObject: agg.ref,
      ...(agg.input.related ? { related: agg.input.related } : {}),
      reason: agg.input.reason,
      message: agg.input.note,
      type: agg.input.type,
      action: agg.input.action,
      count,
      firstTimestamp: formatKubeTime(agg.firstAt),
      lastTimestamp: formatKubeTime(lastAt),
      source: { component: this.reportingController },
      reportingComponent: this.reportingController,
      reportingInstance: this.reportingInstance,
    };
    await this.client.request({ method: 'POST', path: collectionPath(coreResources.events, agg.namespace), body });
  }

  private async patchSeries(agg: Aggregate, count: number, lastAt: number): Promise<void> {
    const name = agg.eventName ?? '';
    if (this.api === 'v1') {
      await this.client.request({
        method: 'PATCH',
        path: objectPath(coreResources.events, agg.namespace, name),
        body: { count, lastTimestamp: formatKubeTime(lastAt) },
        contentType: contentTypes.mergePatch,
      });
      return;
    }
    await this.client.request({
      method: 'PATCH',
      path: objectPath(coreResources.eventsV1, agg.namespace, name),
      body: { series: { count, lastObservedTime: formatMicroTime(lastAt) } },
      contentType: contentTypes.mergePatch,
    });
  }

  private async eventsV1Served(): Promise<boolean> {
    try {
      await this.client.request({ method: 'GET', path: '/apis/events.k8s.io/v1' });
      return true;
    } catch (err) {
      return !isNotFound(err);
    }
  }
}
