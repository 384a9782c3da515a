import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { conditionSchema, mergeConditions, type Condition } from './conditions-merge.js';
import { contentTypes, type KubeRequester } from './kube-json-client.js';
import { kubeObjectSchema, type KubeObject } from './kube-object.js';
import { objectPath, type KubeResource } from './kube-resource.js';
import { createReplacingMergePatch, jsonEqual } from './json-merge-patch.js';
import { AheadOfCache } from './ahead-of-cache.js';
import { objectKey } from './resource-key.js';

/**
 * Writes an object's status through the status subresource, and only when it changed. Each write
 * stamps `observedGeneration` (on the status and on conditions that lack one) and keeps each
 * condition's lastTransitionTime unless its status flipped, so re-reporting the same state costs
 * no API call. Writes are counted per object for the benchmark.
 */
export type StatusObject = Record<string, unknown>;

export interface StatusWriterOptions {
  client: KubeRequester;
  resource: KubeResource;
  logger?: Logger;
  /** Recorded as the field manager of the writes. Default 'kasm-operator'. */
  fieldManager?: string;
  /** Wall clock for lastTransitionTime; for tests. */
  now?: () => number;
  /** What the kind's writers wrote ahead of the cache, shared with its metadata writer; its own when absent. */
  aheadOfCache?: AheadOfCache;
}

export interface StatusWriteOptions {
  /**
   * 'merge' (default): JSON merge patch on /status, which needs no resourceVersion.
   * 'update': PUT on /status with the object's resourceVersion; a stale object fails with 409.
   */
  mode?: 'merge' | 'update';
  signal?: AbortSignal;
}

export interface StatusWriteResult<T extends KubeObject> {
  written: boolean;
  /** The object as the server returned it after the write, or the given object when nothing was written. */
  object: T;
  /** The status as compared and (if written) sent. */
  status: StatusObject;
}

export interface StatusWriterStats {
  writes: number;
  skipped: number;
}

const conditionsSchema = z.array(conditionSchema);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A merge patch stores a null field as "absent", so a status that carries nulls would never equal
 * what the server keeps and would be written again on every reconcile. Null object fields are
 * dropped before comparing and writing (arrays are replaced whole by a merge patch and kept as is).
 */
export function withoutNullFields(value: StatusObject): StatusObject {
  const out: StatusObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[key] = isRecord(v) ? withoutNullFields(v) : v;
  }
  return out;
}

export class InvalidStatusError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStatusError';
  }
}

export class StatusWriter<T extends KubeObject = KubeObject> {
  private readonly client: KubeRequester;
  private readonly resource: KubeResource;
  private readonly fieldManager: string;
  private readonly now: () => number;
  private readonly log: Logger;
  private writes = 0;
  private skipped = 0;
  /** What was written, until the caller's copy of the object catches up with it. */
  private readonly lastWrites: AheadOfCache;

  constructor(options: StatusWriterOptions) {
    this.client = options.client;
    this.resource = options.resource;
    this.fieldManager = options.fieldManager ?? 'kasm-operator';
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? pino({ enabled: false });
    this.lastWrites = options.aheadOfCache ?? new AheadOfCache();
  }

  get stats(): StatusWriterStats {
    return { writes: this.writes, skipped: this.skipped };
  }

  /** Drops what is remembered about an object (call when it is deleted). */
  forget(namespace: string | undefined, name: string): void {
    this.lastWrites.forget(namespace, name);
  }

  /**
   * Tells the writer which version of an object its cache now holds (informer update events): what
   * it remembers of its writes is dropped once the cache has caught up with them or moved elsewhere.
   * Without this, every object written and not reconciled since kept a second copy of its status.
   */
  observe(obj: T): void {
    this.lastWrites.observe(obj);
  }

  /**
   * The status that would be written for `obj`, and whether it differs from what the object
   * has: a pure computation, no API call.
   */
  prepare(obj: T, status: StatusObject): { status: StatusObject; changed: boolean; baseline: StatusObject | undefined } {
    const baseline = this.knownStatus(obj);
    const generation = obj.metadata.generation;
    const desired: StatusObject = withoutNullFields(status);
    if (desired.conditions !== undefined) {
      const parsed = conditionsSchema.safeParse(desired.conditions);
      if (!parsed.success) {
        throw new InvalidStatusError(`status.conditions of ${this.describe(obj)} is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'} (each needs type and status True|False|Unknown)`);
      }
      const next: Condition[] = parsed.data.map((c) => (c.observedGeneration === undefined && generation !== undefined ? { ...c, observedGeneration: generation } : c));
      const old = conditionsSchema.safeParse(baseline?.conditions);
      desired.conditions = mergeConditions(old.success ? old.data : [], next, this.now());
    }
    if (generation !== undefined) desired.observedGeneration = generation;
    return { status: desired, changed: !jsonEqual(baseline ?? {}, desired), baseline };
  }

  /** Writes the status if it changed; resolves with whether it wrote. API errors are thrown (KubeApiError). */
  async write(obj: T, status: StatusObject, options: StatusWriteOptions = {}): Promise<StatusWriteResult<T>> {
    const { status: desired, changed, baseline } = this.prepare(obj, status);
    if (!changed) {
      this.skipped += 1;
      return { written: false, object: obj, status: desired };
    }
    const path = objectPath(this.resource, obj.metadata.namespace, obj.metadata.name, 'status');
    const pending = this.lastWrites.begin(obj, 'status');
    let reply: KubeObject;
    try {
      reply =
        options.mode === 'update'
          ? await this.client.requestParsed(
              { method: 'PUT', path, query: { fieldManager: this.fieldManager }, body: { ...obj, status: desired }, signal: options.signal },
              kubeObjectSchema,
            )
          : await this.client.requestParsed(
              {
                method: 'PATCH',
                path,
                query: { fieldManager: this.fieldManager },
                body: { status: createReplacingMergePatch(baseline, desired) },
                contentType: contentTypes.mergePatch,
                signal: options.signal,
              },
              kubeObjectSchema,
            );
    } catch (error) {
      pending.failed();
      throw error;
    }
    this.writes += 1;
    pending.landed(desired, reply.metadata.resourceVersion);
    this.log.debug({ object: objectKey(obj.metadata.namespace, obj.metadata.name), resourceVersion: reply.metadata.resourceVersion }, 'status written');
    return { written: true, object: reply as T, status: desired };
  }

  /**
   * The object's status as this writer last knows it, and what a write compares against: the
   * object's own status, unless the object is the very version a write of ours was based on (an
   * informer cache that has not caught up yet), then what we wrote.
   */
  knownStatus(obj: T): StatusObject | undefined {
    return this.lastWrites.over(obj, 'status') ?? (isRecord(obj.status) ? obj.status : undefined);
  }

  private describe(obj: T): string {
    return `${this.resource.kind ?? this.resource.plural} ${objectKey(obj.metadata.namespace, obj.metadata.name)}`;
  }
}
