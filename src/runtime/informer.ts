import { Watch } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { compactForCache } from './cache-compaction.js';
import type { KubeJsonClient } from './kube-json-client.js';
import { KubeApiError } from './kube-json-client.js';
import { kubeListSchema, kubeObjectSchema, kubeStatusSchema, type KubeObject } from './kube-object.js';
import { apiVersionOf, collectionPath, type KubeResource } from './kube-resource.js';
import { objectKey, parseObjectKey } from './resource-key.js';
import { delay, RetryBackoff, type RetryBackoffOptions } from './retry-backoff.js';

/**
 * A list+watch cache of one resource, the TypeScript counterpart of client-go's reflector and
 * informer: list once, then watch from the list's resourceVersion; resume a dropped watch from the
 * last resourceVersion seen (bookmarks advance it); relist on 410 Gone and hand the differences to
 * the handlers as add/update/delete; back off after errors; replace a watch that went silent.
 */
export interface InformerHandlers<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** The last state known: the watch event's object, or the cached one when a relist found it gone. */
  onDelete?(obj: T): void;
}

/** What controllers use; implemented for one namespace, all namespaces, or several namespaces. */
export interface ResourceInformer<T extends KubeObject = KubeObject> {
  readonly resource: KubeResource;
  /** Handlers run synchronously in event order; they should only enqueue keys. Returns an unsubscribe. */
  addEventHandler(handlers: InformerHandlers<T>): () => void;
  get(namespace: string, name: string): T | undefined;
  getByKey(key: string): T | undefined;
  /** Objects of one namespace, or of every namespace watched. A new array; the objects are shared, do not mutate them. */
  list(namespace?: string): T[];
  readonly size: number;
  hasSynced(): boolean;
  /** Resolves once the first list has been delivered; rejects when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  start(): void;
  /** Stops watching and waits for the loop to end. The cache stays readable. */
  stop(): Promise<void>;
}

export interface InformerStats {
  /** Successful full lists (the first sync included). */
  lists: number;
  /** Lists forced by 410 Gone. */
  relists: number;
  /** Watch requests made. */
  watches: number;
  /** Watches replaced because they were silent for longer than watchdogMs. */
  watchdogRestarts: number;
  /** Failed lists or watches. */
  errors: number;
  /** ADDED/MODIFIED/DELETED/BOOKMARK events received. */
  events: number;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  client: KubeJsonClient;
  resource: KubeResource;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replace a watch that delivered nothing (bookmarks count) for this long. Default 5 min. */
  watchdogMs?: number;
  /** Backoff after failed lists and watches. Default 800 ms doubling to 30 s, jitter 0.5. */
  backoff?: RetryBackoffOptions;
  /** A watch that stayed up this long resets the backoff. Default 60 s. */
  healthyResetMs?: number;
  /** List page size (limit/continue). Default 500. */
  pageSize?: number;
  /** Server-side watch timeout, randomised in [min, 2*min] so informers do not reconnect together. Default 300 s. */
  minWatchTimeoutSeconds?: number;
  /**
   * Shapes each object before it is cached, e.g. to drop fields the controller never reads. The
   * default (compactForCache) drops metadata.managedFields, the largest part of most objects, and
   * kubectl's last-applied annotation, and shares the strings that repeat across objects.
   */
  transform?: (obj: KubeObject) => T;
  logger?: Logger;
}

type WatchEnd = 'closed' | 'gone' | 'error' | 'watchdog' | 'stopped';

interface WatchOutcome {
  end: WatchEnd;
  error?: unknown;
  events: number;
  durationMs: number;
  /** How long the watch was established (HTTP 200) before it ended. */
  healthyMs: number;
}

const bookmarkSchema = z.object({ metadata: z.object({ resourceVersion: z.string().min(1) }) });

/** A watch that ended by itself sooner than this with nothing delivered counts as a failure. */
const SHORT_WATCH_MS = 1000;

export class InvalidInformerOptionsError extends Error {
  readonly retryable = false;
  constructor(field: string, fix: string) {
    super(`invalid informer option ${field}: ${fix}`);
    this.name = 'InvalidInformerOptionsError';
  }
}

function httpStatusOf(err: unknown): number | undefined {
  if (err instanceof KubeApiError) return err.status;
  if (typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number') return err.statusCode;
  return undefined;
}

export class Informer<T extends KubeObject = KubeObject> implements ResourceInformer<T> {
  readonly resource: KubeResource;
  readonly namespace: string | undefined;
  readonly stats: InformerStats = { lists: 0, relists: 0, watches: 0, watchdogRestarts: 0, errors: 0, events: 0 };

  private readonly client: KubeJsonClient;
  private readonly watcher: Watch;
  private readonly path: string;
  private readonly what: string;
  private readonly labelSelector: string | undefined;
  private readonly fieldSelector: string | undefined;
  private readonly watchdogMs: number;
  private readonly healthyResetMs: number;
  private readonly pageSize: number;
  private readonly minWatchTimeoutSeconds: number;
  private readonly transform: (obj: KubeObject) => T;
  private readonly log: Logger;
  private readonly backoff: RetryBackoff;
  private readonly handlers = new Set<InformerHandlers<T>>();

  /** namespace → name → object; namespace '' holds cluster-scoped objects. */
  private cache = new Map<string, Map<string, T>>();
  private count = 0;
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private lastResourceVersion = '';
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: InformerOptions<T>) {
    const { resource, namespace } = options;
    if (namespace !== undefined && namespace.trim() === '') throw new InvalidInformerOptionsError('namespace', 'omit it to watch all namespaces, or name one');
    if (!resource.plural || !resource.version) throw new InvalidInformerOptionsError('resource', 'set version and plural (and group, "" for core resources)');
    const watchdogMs = options.watchdogMs ?? 300_000;
    if (!(watchdogMs > 0)) throw new InvalidInformerOptionsError('watchdogMs', 'use a positive number of milliseconds');
    const pageSize = options.pageSize ?? 500;
    if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new InvalidInformerOptionsError('pageSize', 'use a positive integer');
    this.client = options.client;
    this.resource = resource;
    this.namespace = resource.namespaced === false ? undefined : namespace;
    this.path = collectionPath(resource, this.namespace);
    this.what = `${resource.plural}.${apiVersionOf(resource)}${this.namespace ? ` in ${this.namespace}` : ''}`;
    this.labelSelector = options.labelSelector;
    this.fieldSelector = options.fieldSelector;
    this.watchdogMs = watchdogMs;
    this.healthyResetMs = options.healthyResetMs ?? 60_000;
    this.pageSize = pageSize;
    this.minWatchTimeoutSeconds = options.minWatchTimeoutSeconds ?? 300;
    this.transform = options.transform ?? ((obj) => compactForCache(obj) as T);
    this.log = options.logger ?? pino({ enabled: false });
    this.backoff = new RetryBackoff(options.backoff ?? { initialMs: 800, maxMs: 30_000 });
    this.watcher = new Watch(options.client.kubeConfig);
    // client-node aborts a watch after 30 s without data; the watchdog owns that decision here,
    // otherwise quiet resources would reconnect every 30 s whatever watchdogMs says.
    if (typeof Reflect.get(this.watcher, 'requestTimeoutMs') === 'number') Reflect.set(this.watcher, 'requestTimeoutMs', watchdogMs + 5_000);
  }

  addEventHandler(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }

  get(namespace: string, name: string): T | undefined {
    return this.cache.get(this.resource.namespaced === false ? '' : namespace)?.get(name);
  }

  getByKey(key: string): T | undefined {
    const { namespace, name } = parseObjectKey(key);
    return this.get(namespace, name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.cache.get(namespace)?.values() ?? [])];
    const all: T[] = [];
    for (const byName of this.cache.values()) for (const obj of byName.values()) all.push(obj);
    return all;
  }

  get size(): number {
    return this.count;
  }

  /** The resourceVersion the next watch resumes from. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(new Error(`stopped waiting for ${this.what} to sync`));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        reject(new Error(`stopped waiting for ${this.what} to sync`));
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.run(abort.signal).catch((err: unknown) => {
      this.log.error({ err, resource: this.what }, 'informer loop crashed');
    });
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
    this.abort = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      if (needList) {
        try {
          await this.relist(signal);
          needList = false;
        } catch (err) {
          if (signal.aborted) break;
          this.stats.errors += 1;
          // A continue token that expired mid-pagination: start the list over, at once the first time.
          const free = httpStatusOf(err) === 410 && this.backoff.attempts === 0;
          const wait = this.backoff.next();
          this.log.warn({ err, resource: this.what, retryInMs: free ? 0 : wait }, 'list failed');
          if (!free && !(await delay(wait, signal))) break;
          continue;
        }
      }

      const outcome = await this.watchOnce(signal);
      if (outcome.end === 'stopped' || signal.aborted) break;
      if (outcome.healthyMs >= this.healthyResetMs) this.backoff.reset();

      let end = outcome.end;
      if (end === 'closed' && outcome.events === 0 && outcome.durationMs < SHORT_WATCH_MS) end = 'error';
      if (end === 'closed') continue; // server-side timeout: resume from the last resourceVersion

      // The first gone or silent watch after a healthy spell is replaced at once; repeats back off.
      const free = (end === 'gone' || end === 'watchdog') && this.backoff.attempts === 0;
      const wait = this.backoff.next();
      if (end === 'gone') {
        needList = true;
        this.stats.relists += 1;
        this.log.info({ resource: this.what, resourceVersion: this.lastResourceVersion }, 'watch expired (410 Gone), relisting');
      } else if (end === 'watchdog') {
        this.stats.watchdogRestarts += 1;
        this.log.warn({ resource: this.what, silentForMs: this.watchdogMs }, 'watch silent, restarting');
      } else {
        this.stats.errors += 1;
        this.log.warn({ err: outcome.error, resource: this.what, retryInMs: wait }, 'watch failed');
      }
      if (!free && !(await delay(wait, signal))) break;
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      const page = await this.client.requestParsed(
        {
          method: 'GET',
          path: this.path,
          query: { limit: this.pageSize, continue: cont, labelSelector: this.labelSelector, fieldSelector: this.fieldSelector },
          signal,
        },
        kubeListSchema,
      );
      for (const raw of page.items ?? []) {
        const obj = this.accept(raw);
        if (obj) items.push(obj);
      }
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    if (!resourceVersion) throw new Error(`list of ${this.what} returned no metadata.resourceVersion; cannot watch from it`);
    this.stats.lists += 1;
    this.replace(items, resourceVersion);
  }

  /** Swaps in a fresh list and tells the handlers what changed since the cache was last right. */
  private replace(items: T[], resourceVersion: string): void {
    const next = new Map<string, Map<string, T>>();
    for (const obj of items) {
      const ns = obj.metadata.namespace ?? '';
      let byName = next.get(ns);
      if (!byName) next.set(ns, (byName = new Map<string, T>()));
      byName.set(obj.metadata.name, obj);
    }
    const previous = this.cache;
    this.cache = next;
    this.count = items.length;
    this.lastResourceVersion = resourceVersion;
    for (const obj of items) {
      const old = previous.get(obj.metadata.namespace ?? '')?.get(obj.metadata.name);
      if (!old) this.emit('add', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj, old);
    }
    for (const [ns, byName] of previous) {
      const now = next.get(ns);
      for (const [name, old] of byName) if (!now?.has(name)) this.emit('delete', old);
    }
    this.log.debug({ resource: this.what, objects: items.length, resourceVersion }, 'listed');
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  private watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const startedAt = Date.now();
    let lastActivity = startedAt;
    let events = 0;
    let establishedAt: number | undefined;
    let finished = false;
    let controller: AbortController | undefined;
    this.stats.watches += 1;

    return new Promise<WatchOutcome>((resolve) => {
      const finish = (end: WatchEnd, error?: unknown): void => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        const endedAt = Date.now();
        resolve({ end, error, events, durationMs: endedAt - startedAt, healthyMs: establishedAt === undefined ? 0 : endedAt - establishedAt });
      };
      const onAbort = (): void => finish('stopped');
      signal.addEventListener('abort', onAbort, { once: true });
      // One ticker per informer, not per object: 10,000 cached objects cost no timers.
      const watchdog = setInterval(
        () => {
          if (Date.now() - lastActivity > this.watchdogMs) finish('watchdog');
        },
        Math.max(20, Math.min(this.watchdogMs / 4, 5_000)),
      );
      watchdog.unref();

      const timeoutSeconds = this.minWatchTimeoutSeconds + Math.floor(Math.random() * (this.minWatchTimeoutSeconds + 1));
      this.watcher
        .watch(
          this.path,
          {
            resourceVersion: this.lastResourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            labelSelector: this.labelSelector,
            fieldSelector: this.fieldSelector,
          },
          (type: string, obj: unknown) => {
            if (finished) return;
            lastActivity = Date.now();
            events += 1;
            const failure = this.onWatchEvent(type, obj);
            if (failure) finish(failure.end, failure.error);
          },
          (err: unknown) => {
            if (err === null || err === undefined) finish('closed');
            else finish(httpStatusOf(err) === 410 ? 'gone' : 'error', err);
          },
        )
        .then(
          (c) => {
            controller = c;
            if (finished) c.abort();
            else establishedAt ??= Date.now();
          },
          (err: unknown) => finish('error', err),
        );
    });
  }

  /** Applies one watch event; returns how the watch must end, if it must. */
  private onWatchEvent(type: string, raw: unknown): { end: 'gone' | 'error'; error: unknown } | undefined {
    switch (type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        this.stats.events += 1;
        const obj = this.accept(raw);
        if (!obj) return undefined;
        if (obj.metadata.resourceVersion) this.lastResourceVersion = obj.metadata.resourceVersion;
        if (type === 'DELETED') this.remove(obj);
        else this.upsert(obj);
        return undefined;
      }
      case 'BOOKMARK': {
        this.stats.events += 1;
        const rv = bookmarkSchema.safeParse(raw);
        if (rv.success) this.lastResourceVersion = rv.data.metadata.resourceVersion;
        return undefined;
      }
      case 'ERROR': {
        const status = kubeStatusSchema.safeParse(raw);
        const code = status.success ? status.data.code : undefined;
        if (code === 410) return { end: 'gone', error: undefined };
        const message = status.success ? (status.data.message ?? status.data.reason ?? 'unknown') : 'malformed ERROR event';
        return { end: 'error', error: new Error(`watch of ${this.what} reported an error (code ${code ?? 'none'}): ${message}`) };
      }
      default:
        this.log.debug({ resource: this.what, type }, 'ignoring unknown watch event type');
        return undefined;
    }
  }

  private accept(raw: unknown): T | undefined {
    const parsed = kubeObjectSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({ resource: this.what, issues: parsed.error.issues.slice(0, 3) }, 'skipping object without valid metadata');
      return undefined;
    }
    try {
      return this.transform(parsed.data);
    } catch (err) {
      this.log.warn({ err, resource: this.what, name: parsed.data.metadata.name }, 'transform failed; object skipped');
      return undefined;
    }
  }

  private upsert(obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    let byName = this.cache.get(ns);
    if (!byName) this.cache.set(ns, (byName = new Map<string, T>()));
    const old = byName.get(obj.metadata.name);
    byName.set(obj.metadata.name, obj);
    if (old) this.emit('update', obj, old);
    else {
      this.count += 1;
      this.emit('add', obj);
    }
  }

  private remove(obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    const byName = this.cache.get(ns);
    if (byName?.delete(obj.metadata.name)) {
      this.count -= 1;
      if (byName.size === 0) this.cache.delete(ns);
    }
    this.emit('delete', obj);
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.onAdd?.(obj);
        else if (kind === 'update') h.onUpdate?.(old ?? obj, obj);
        else h.onDelete?.(obj);
      } catch (err) {
        this.log.error({ err, resource: this.what, key: objectKey(obj.metadata.namespace, obj.metadata.name), event: kind }, 'informer handler threw');
      }
    }
  }
}

/** One informer per namespace behind the single-informer interface. */
export class MultiNamespaceInformer<T extends KubeObject = KubeObject> implements ResourceInformer<T> {
  readonly resource: KubeResource;
  private readonly informers: Map<string, Informer<T>>;

  constructor(options: Omit<InformerOptions<T>, 'namespace'> & { namespaces: readonly string[] }) {
    const unique = [...new Set(options.namespaces)];
    if (unique.length === 0) throw new InvalidInformerOptionsError('namespaces', 'name at least one namespace, or use Informer without a namespace to watch all');
    const { namespaces: _ignored, ...rest } = options;
    this.resource = options.resource;
    this.informers = new Map(unique.map((ns) => [ns, new Informer<T>({ ...rest, namespace: ns })]));
  }

  /** The informer of each namespace, e.g. for its stats. */
  perNamespace(): ReadonlyMap<string, Informer<T>> {
    return this.informers;
  }

  addEventHandler(handlers: InformerHandlers<T>): () => void {
    const removers = [...this.informers.values()].map((i) => i.addEventHandler(handlers));
    return () => removers.forEach((r) => r());
  }

  get(namespace: string, name: string): T | undefined {
    return this.informers.get(namespace)?.get(namespace, name);
  }

  getByKey(key: string): T | undefined {
    const { namespace, name } = parseObjectKey(key);
    return this.get(namespace, name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return this.informers.get(namespace)?.list(namespace) ?? [];
    return [...this.informers.values()].flatMap((i) => i.list());
  }

  get size(): number {
    let n = 0;
    for (const i of this.informers.values()) n += i.size;
    return n;
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }

  start(): void {
    for (const i of this.informers.values()) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/** An informer over all namespaces (no `namespaces`, or an empty list), one namespace, or several. */
export function createInformer<T extends KubeObject = KubeObject>(
  options: Omit<InformerOptions<T>, 'namespace'> & { namespaces?: readonly string[] },
): ResourceInformer<T> {
  const { namespaces, ...rest } = options;
  const unique = [...new Set(namespaces ?? [])];
  if (unique.length <= 1 || options.resource.namespaced === false) {
    return new Informer<T>(unique[0] === undefined ? rest : { ...rest, namespace: unique[0] });
  }
  return new MultiNamespaceInformer<T>({ ...rest, namespaces: unique });
}
