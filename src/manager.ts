import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { API_VERSION } from './api/group-version.js';
import { kinds } from './api/kinds.js';
import type { Config } from './config.js';
import { InformerClusterReader, type SecretObject } from './controllers/cluster-reader.js';
import { ConnectionRegistry, DEFAULT_CONNECTION_KEY, type ConnectionEntry } from './controllers/connection-registry.js';
import { DependencyIndex, dependencyKey, type DependencyKey } from './controllers/dependency-index.js';
import type { Inventory } from './controllers/inventory.js';
import { KindController, type ReconcileFn } from './controllers/kind-controller.js';
import { managedKinds } from './controllers/kinds/index.js';
import { kasmConnectionReconciler } from './controllers/kinds/kasm-connection.js';
import type { InventoryProvider, ManagedObject, ObservationMode } from './controllers/managed-kind.js';
import type { EventSink, ManagedReconcilerDeps } from './controllers/managed-reconciler.js';
import { KubeMetadataWriter } from './controllers/metadata-writer.js';
import { KubeOutputWriter } from './controllers/owned-outputs.js';
import { WriterStatusSink } from './controllers/status-sink.js';
import { KasmClient } from './kasm/client.js';
import { createKasmTransport, type KasmTransportOptions } from './kasm/transport.js';
import { AheadOfCache } from './runtime/ahead-of-cache.js';
import { EventRecorder } from './runtime/event-recorder.js';
import { HealthServer } from './runtime/health-server.js';
import { secretForCache } from './runtime/cache-compaction.js';
import { createInformer, type ResourceInformer } from './runtime/informer.js';
import { KubeJsonClient } from './runtime/kube-json-client.js';
import type { KubeObject } from './runtime/kube-object.js';
import { coreResources, type KubeResource } from './runtime/kube-resource.js';
import { LeaderElector } from './runtime/leader-election.js';
import { reconcileMetrics, workQueueMetrics } from './runtime/controller-metrics.js';
import type { RetryBackoffOptions } from './runtime/retry-backoff.js';
import { StatusWriter } from './runtime/status-writer.js';
import { TokenBucket } from './runtime/token-bucket.js';
import { WorkQueue, type BackoffOptions } from './runtime/work-queue.js';

/** Timings tests and benchmarks shorten; production uses the defaults. */
export interface ManagerTuning {
  informerWatchdogMs?: number;
  informerBackoff?: RetryBackoffOptions;
  queueBackoff?: BackoffOptions;
  transport?: Pick<KasmTransportOptions, 'retry' | 'breaker'>;
  stalledRetryMs?: number;
  lease?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  /** Repeated identical events within this interval update one Event. */
  eventSeriesIntervalMs?: number;
  /** Global rate of reconciles after failures (client-go: 10/s, burst 100). */
  retryRatePerSecond?: number;
  /** How Kasm objects are observed (default `bulk`); `per-object` exists for the benchmark's comparison. */
  observation?: ObservationMode;
}

export interface ManagerOptions {
  config: Config;
  kubeConfig: KubeConfig;
  logger: Logger;
  registry?: Registry;
  tuning?: ManagerTuning;
  /** Called when this replica loses leadership; the process should exit so it restarts clean. */
  onLostLeadership?: () => void;
}

interface StartedController {
  controller: KindController;
  metadata: KubeMetadataWriter;
  status: StatusWriter<ManagedObject>;
}

/**
 * The composition root: informers, one controller per kind, the Kasm connections, leader
 * election, events and the health/metrics server, started and stopped in the right order.
 */
export class Manager {
  readonly registry: Registry;
  private readonly log: Logger;
  private readonly client: KubeJsonClient;
  private readonly health: HealthServer;
  private readonly index = new DependencyIndex();
  private readonly outputs: KubeOutputWriter;
  private readonly informers = new Map<string, ResourceInformer<ManagedObject>>();
  private secrets: ResourceInformer<SecretObject> | undefined;
  private readonly controllers = new Map<string, StartedController>();
  /** One per Kasm connection, holding its inventories by name. */
  private readonly inventoryProviders = new Map<string, InventoryProvider>();
  private connections: ConnectionRegistry | undefined;
  private events: EventRecorder | undefined;
  private elector: LeaderElector | undefined;
  private electionRun: Promise<void> | undefined;
  private readonly electionAbort = new AbortController();
  private leading = false;
  private stopped = false;
  private boundHealthPort: number | undefined;

  constructor(private readonly options: ManagerOptions) {
    this.registry = options.registry ?? new Registry();
    this.log = options.logger;
    this.client = new KubeJsonClient(options.kubeConfig);
    this.outputs = new KubeOutputWriter(this.client);
    this.health = new HealthServer({ registry: this.registry, logger: this.log });
  }

  /** The health/metrics port actually bound (the configured one may be 0). */
  get healthPort(): number | undefined {
    return this.boundHealthPort;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Writes made to Kubernetes so far, per kind (for the benchmark). */
  kubeWrites(): Record<string, { status: number; metadata: number }> {
    return Object.fromEntries([...this.controllers].map(([kind, c]) => [kind, { status: c.status.stats.writes, metadata: c.metadata.count }]));
  }

  async start(): Promise<void> {
    const { config } = this.options;
    const tuning = this.options.tuning ?? {};
    if (this.options.registry === undefined) collectDefaultMetrics({ register: this.registry });

    this.health.addHealthCheck('ping', () => true);
    this.health.addReadyCheck('informers-synced', () => this.allInformers().every((i) => i.hasSynced()));
    this.boundHealthPort = await this.health.start({ host: config.health.host, port: config.health.port });

    this.connections = new ConnectionRegistry(this.defaultConnection());
    this.events = new EventRecorder({
      client: this.client,
      reportingInstance: config.leaderElection.identity,
      logger: this.log,
      ...(tuning.eventSeriesIntervalMs !== undefined ? { seriesUpdateIntervalMs: tuning.eventSeriesIntervalMs } : {}),
    });
    const events: EventSink = {
      emit: (obj, e) => this.events?.record(obj, { type: e.type, reason: e.reason, action: e.action, note: e.note }),
    };

    const informerOptions = {
      client: this.client,
      namespaces: config.watchNamespaces,
      logger: this.log,
      ...(tuning.informerWatchdogMs !== undefined ? { watchdogMs: tuning.informerWatchdogMs } : {}),
      ...(tuning.informerBackoff !== undefined ? { backoff: tuning.informerBackoff } : {}),
    };
    // The Secrets cache keeps only name, namespace, resourceVersion and data: every Secret of the
    // watched namespaces is cached, referenced or not.
    this.secrets = createInformer<SecretObject>({ ...informerOptions, resource: coreResources.secrets, transform: secretForCache });
    this.secrets.addEventHandler({
      onAdd: (s) => this.requeueDependents(dependencyKey.secret(s.metadata.namespace ?? '', s.metadata.name)),
      onUpdate: (_old, s) => {
        this.outputs.invalidate('Secret', s.metadata.namespace ?? '', s.metadata.name, s.metadata.resourceVersion);
        this.requeueDependents(dependencyKey.secret(s.metadata.namespace ?? '', s.metadata.name));
      },
      onDelete: (s) => {
        this.outputs.invalidate('Secret', s.metadata.namespace ?? '', s.metadata.name);
        this.requeueDependents(dependencyKey.secret(s.metadata.namespace ?? '', s.metadata.name));
      },
    });
    const resources = new Map<string, KubeResource>();
    for (const k of kinds) {
      const resource: KubeResource = { group: k.group, version: API_VERSION, plural: k.plural, kind: k.kind };
      resources.set(k.kind, resource);
      this.informers.set(k.kind, createInformer<ManagedObject>({ ...informerOptions, resource }));
    }
    const cluster = new InformerClusterReader(this.secrets, this.informers);
    const retryBucket = new TokenBucket({ ratePerSecond: tuning.retryRatePerSecond ?? 10, burst: 100 });
    const stalledRetryMs = tuning.stalledRetryMs ?? 5 * 60_000;

    const makeController = (kind: string, reconcile: (metadata: KubeMetadataWriter, status: WriterStatusSink) => ReconcileFn): void => {
      const resource = resources.get(kind);
      const informer = this.informers.get(kind);
      if (!resource || !informer) throw new Error(`no informer for kind ${kind}`);
      // One memory of what both writers wrote per object (a create writes metadata, status, then
      // metadata again), kept only until the cache catches up.
      const ahead = new AheadOfCache();
      const metadata = new KubeMetadataWriter(this.client, resource, ahead);
      const status = new StatusWriter<ManagedObject>({ client: this.client, resource, logger: this.log, aheadOfCache: ahead });
      informer.addEventHandler({
        onUpdate: (_old, obj) => ahead.observe(obj),
        onDelete: (obj) => ahead.forget(obj.metadata.namespace, obj.metadata.name),
      });
      const queue = new WorkQueue({
        name: kind.toLowerCase(),
        workers: config.workers,
        tokenBucket: retryBucket,
        metrics: workQueueMetrics(this.registry, kind.toLowerCase()),
        reconcileMetrics: reconcileMetrics(this.registry, kind.toLowerCase()),
        logger: this.log,
        ...(tuning.queueBackoff ? { backoff: tuning.queueBackoff } : {}),
      });
      const controller = new KindController({
        kind,
        informer,
        queue,
        index: this.index,
        logger: this.log,
        reconcile: reconcile(metadata, new WriterStatusSink(status)),
        onObjectChange: (obj) => this.requeueDependents(dependencyKey.object(kind, obj.metadata.namespace ?? '', obj.metadata.name)),
      });
      this.controllers.set(kind, { controller, metadata, status });
    };

    const connections = this.connections;
    makeController('KasmConnection', (metadata, status) =>
      kasmConnectionReconciler({
        registry: connections,
        cluster,
        metadata,
        status,
        events,
        logger: this.log,
        metrics: this.registry,
        pollIntervalMs: config.pollIntervalMs,
        stalledRetryMs,
        usersOf: (ns, name) => this.index.lookup(dependencyKey.object('KasmConnection', ns, name)).length,
        ...(tuning.transport ? { transportDefaults: tuning.transport } : {}),
      }),
    );
    for (const managed of managedKinds) {
      makeController(managed.kind, (metadata, status) => {
        const deps: ManagedReconcilerDeps = {
          metadata,
          status,
          events,
          connections,
          cluster,
          outputs: this.outputs,
          inventoriesFor: (key) => this.inventoryProvider(key),
          logger: this.log,
          pollIntervalMs: config.pollIntervalMs,
          stalledRetryMs,
          ...(tuning.observation !== undefined ? { observation: tuning.observation } : {}),
        };
        return managed.reconciler(deps);
      });
    }

    for (const i of this.allInformers()) i.start();
    await Promise.all(this.allInformers().map((i) => i.waitForSync()));
    this.log.info({ kinds: [...this.informers.keys()], namespaces: config.watchNamespaces.length ? config.watchNamespaces : 'all' }, 'caches synced');

    if (!config.leaderElection.enabled) {
      this.startControllers();
      return;
    }
    this.elector = new LeaderElector({
      client: this.client,
      namespace: config.leaderElection.namespace,
      name: config.leaderElection.id,
      identity: config.leaderElection.identity,
      registry: this.registry,
      logger: this.log,
      ...(tuning.lease ?? {}),
      onStartedLeading: () => this.startControllers(),
      onStoppedLeading: () => {
        if (!this.leading) return;
        this.leading = false;
        this.log.warn('leadership lost; stopping reconciliation');
        void this.stopControllers(0).finally(() => this.options.onLostLeadership?.());
      },
    });
    this.electionRun = this.elector.run(this.electionAbort.signal);
  }

  /** Stops taking work, lets reconciles in flight finish within the deadline, releases the Lease. */
  async stop(deadlineMs = this.options.config.shutdownTimeoutMs): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopControllers(deadlineMs);
    this.electionAbort.abort();
    await this.electionRun;
    await Promise.all(this.allInformers().map((i) => i.stop()));
    await this.events?.close();
    await this.connections?.closeAll();
    await this.health.close();
  }

  private startControllers(): void {
    if (this.stopped) return;
    this.leading = true;
    this.log.info({ identity: this.options.config.leaderElection.identity }, 'starting controllers');
    for (const { controller } of this.controllers.values()) controller.start();
  }

  private async stopControllers(deadlineMs: number): Promise<void> {
    await Promise.all([...this.controllers.values()].map(({ controller }) => controller.stop(deadlineMs)));
  }

  private allInformers(): ResourceInformer<KubeObject>[] {
    return [...(this.secrets ? [this.secrets] : []), ...this.informers.values()];
  }

  private requeueDependents(key: DependencyKey): void {
    for (const d of this.index.lookup(key)) this.controllers.get(d.kind)?.controller.enqueue(d.key);
  }

  private inventoryProvider(connectionKey: string): InventoryProvider {
    const known = this.inventoryProviders.get(connectionKey);
    if (known) return known;
    const inventories = new Map<string, Inventory<unknown>>();
    const provider: InventoryProvider = {
      get: <T>(name: string, create: () => Inventory<T>): Inventory<T> => {
        const existing = inventories.get(name);
        if (existing) return existing as Inventory<T>;
        const inventory = create();
        // Drift found at a refresh requeues only the objects that read the changed records.
        inventory.onChange((change) => {
          for (const id of change.ids) this.requeueDependents(dependencyKey.kasm(connectionKey, name, id));
          for (const k of change.naturalKeys) this.requeueDependents(dependencyKey.kasm(connectionKey, name, k));
        });
        inventories.set(name, inventory);
        return inventory;
      },
    };
    this.inventoryProviders.set(connectionKey, provider);
    return provider;
  }

  private defaultConnection(): ConnectionEntry | undefined {
    const { kasm } = this.options.config;
    const conn = kasm.defaultConnection;
    if (!conn) return undefined;
    const transport = createKasmTransport({
      ...this.options.tuning?.transport,
      name: DEFAULT_CONNECTION_KEY,
      baseUrl: conn.baseUrl,
      apiKey: conn.apiKey.reveal(),
      apiSecret: conn.apiSecret.reveal(),
      timeoutMs: kasm.timeoutMs,
      tls: { ...(kasm.caFile ? { caPem: readFileSync(kasm.caFile, 'utf8') } : {}), insecureSkipVerify: kasm.insecureSkipTlsVerify },
      rateLimit: { requestsPerSecond: kasm.rateLimitPerSecond, burst: kasm.rateBurst, maxConcurrent: kasm.maxConcurrent },
      logger: this.log,
      metrics: this.registry,
    });
    return { key: DEFAULT_CONNECTION_KEY, kasm: new KasmClient(transport), transport, fingerprint: '' };
  }
}
