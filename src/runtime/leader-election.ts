import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { leaderElectionMetrics, type LeaderElectionMetrics } from './controller-metrics.js';
import { isConflict, isNotFound, type KubeRequester } from './kube-json-client.js';
import { objectMetaSchema } from './kube-object.js';
import { coreResources, collectionPath, objectPath } from './kube-resource.js';
import { formatMicroTime, parseKubeTime } from './kube-time.js';
import { delay } from './retry-backoff.js';

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: take the lease
 * when it is absent, expired or already ours; renew it every retry period; stop leading when no
 * renewal succeeded within the renew deadline (shorter than the lease, so a standby can only take
 * over after this replica has stopped); release it on shutdown so a standby takes over at once.
 */
const leaseSpecSchema = z.looseObject({
  holderIdentity: z.string().nullish(),
  leaseDurationSeconds: z.number().int().nullish(),
  acquireTime: z.string().nullish(),
  renewTime: z.string().nullish(),
  leaseTransitions: z.number().int().nullish(),
});
const leaseSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: leaseSpecSchema.nullish(),
});
type Lease = z.infer<typeof leaseSchema>;
type LeaseSpec = z.infer<typeof leaseSpecSchema>;

export interface LeaderElectionOptions {
  client: KubeRequester;
  /** Namespace of the Lease (usually the operator's own). */
  namespace: string;
  /** Lease name; also the `name` label of leader_election_master_status. */
  name: string;
  /** Unique per replica, e.g. the pod name plus a random suffix. */
  identity: string;
  /** How long a lease stays valid without renewal. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leading. Default 10 s. */
  renewDeadlineMs?: number;
  /** Interval between acquire and renew attempts. Default 2 s. */
  retryPeriodMs?: number;
  /** Give the lease up when `run`'s signal aborts. Default true. */
  releaseOnCancel?: boolean;
  /** Registry for leader_election_master_status{name}. */
  registry?: Registry;
  logger?: Logger;
  /** Called on becoming leader; `signal` aborts when leadership ends. May return a promise (not awaited). */
  onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  /** Called after leadership ended, whether lost or given up. */
  onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to this replica). */
  onNewLeader?: (identity: string) => void;
}

export class InvalidLeaderElectionOptionsError extends Error {
  readonly retryable = false;
  constructor(field: string, fix: string) {
    super(`invalid leader election option ${field}: ${fix}`);
    this.name = 'InvalidLeaderElectionOptionsError';
  }
}

export class LeaderElector {
  private readonly client: KubeRequester;
  private readonly namespace: string;
  private readonly name: string;
  readonly identity: string;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly releaseOnCancel: boolean;
  private readonly metrics: LeaderElectionMetrics | undefined;
  private readonly log: Logger;
  private readonly options: LeaderElectionOptions;
  private readonly path: string;

  private leading = false;
  private running = false;
  private observedHolder: string | undefined;
  /** When the lease record last changed as seen from here; guards against a clock behind the leader's. */
  private observedRecord = '';
  private observedAt = 0;

  constructor(options: LeaderElectionOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!options.namespace) throw new InvalidLeaderElectionOptionsError('namespace', 'name the namespace that holds the Lease');
    if (!options.name) throw new InvalidLeaderElectionOptionsError('name', 'name the Lease');
    if (!options.identity) throw new InvalidLeaderElectionOptionsError('identity', 'set a unique identity per replica, e.g. the pod name');
    if (!(retryPeriodMs > 0)) throw new InvalidLeaderElectionOptionsError('retryPeriodMs', 'use a positive number of milliseconds');
    if (!(renewDeadlineMs > retryPeriodMs)) throw new InvalidLeaderElectionOptionsError('renewDeadlineMs', `must exceed retryPeriodMs (${retryPeriodMs})`);
    if (!(leaseDurationMs > renewDeadlineMs)) throw new InvalidLeaderElectionOptionsError('leaseDurationMs', `must exceed renewDeadlineMs (${renewDeadlineMs})`);
    this.options = options;
    this.client = options.client;
    this.namespace = options.namespace;
    this.name = options.name;
    this.identity = options.identity;
    this.leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
    this.renewDeadlineMs = renewDeadlineMs;
    this.retryPeriodMs = retryPeriodMs;
    this.releaseOnCancel = options.releaseOnCancel ?? true;
    this.metrics = options.registry ? leaderElectionMetrics(options.registry, options.name) : undefined;
    this.log = (options.logger ?? pino({ enabled: false })).child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.path = objectPath(coreResources.leases, options.namespace, options.name);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last seen on the Lease ('' when released), undefined before the first read. */
  get currentLeader(): string | undefined {
    return this.observedHolder;
  }

  /**
   * Campaigns, leads, and campaigns again after losing the lease, until `signal` aborts; then
   * releases the lease (if held) and resolves. Abort the signal after the leader's work has drained.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`leader elector ${this.identity} is already running`);
    this.running = true;
    this.metrics?.leading(false);
    try {
      while (!signal.aborted) {
        if (!(await this.acquire(signal))) break;
        const lost = await this.lead(signal);
        if (!lost) break;
      }
    } finally {
      this.running = false;
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.debug('campaigning for the lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal, this.renewDeadlineMs)) return true;
      // Up to 20 % jitter so standbys do not hit the API in step.
      if (!(await delay(this.retryPeriodMs * (1 + 0.2 * Math.random()), signal))) return false;
    }
    return false;
  }

  /** Leads until the lease is lost (returns true) or `signal` aborts (returns false). */
  private async lead(signal: AbortSignal): Promise<boolean> {
    const leadership = new AbortController();
    this.leading = true;
    this.metrics?.leading(true);
    this.log.info('became leader');
    this.startCallback(leadership.signal);

    let lastRenew = Date.now();
    let lost = false;
    while (!signal.aborted) {
      if (!(await delay(this.retryPeriodMs, signal))) break;
      const remaining = lastRenew + this.renewDeadlineMs - Date.now();
      if (remaining > 0 && (await this.tryAcquireOrRenew(signal, remaining))) {
        lastRenew = Date.now();
        continue;
      }
      if (signal.aborted) break;
      const takenBy = this.observedHolder && this.observedHolder !== this.identity ? this.observedHolder : undefined;
      if (takenBy !== undefined || Date.now() - lastRenew >= this.renewDeadlineMs) {
        lost = true;
        this.log.warn({ takenBy, sinceLastRenewMs: Date.now() - lastRenew }, 'lost leadership: lease not renewed within the renew deadline');
        break;
      }
    }

    // Stop the leader's work before anything else: from here on this replica must not act as leader.
    leadership.abort();
    this.leading = false;
    this.metrics?.leading(false);
    if (!lost && this.releaseOnCancel) await this.release();
    try {
      this.options.onStoppedLeading?.();
    } catch (err) {
      this.log.error({ err }, 'onStoppedLeading threw');
    }
    return lost;
  }

  private startCallback(signal: AbortSignal): void {
    try {
      const result = this.options.onStartedLeading?.(signal);
      if (result instanceof Promise) result.catch((err: unknown) => this.log.error({ err }, 'onStartedLeading failed'));
    } catch (err) {
      this.log.error({ err }, 'onStartedLeading threw');
    }
  }

  /** One attempt (two on a resourceVersion conflict) to take or renew the lease within `timeoutMs`. */
  private async tryAcquireOrRenew(signal: AbortSignal, timeoutMs: number): Promise<boolean> {
    const reqSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, timeoutMs))]);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await this.acquireOrRenewOnce(reqSignal);
      } catch (err) {
        if (isConflict(err) && attempt === 0 && !reqSignal.aborted) continue;
        if (!signal.aborted) this.log.debug({ err }, isConflict(err) ? 'lease changed under us' : 'lease request failed');
        return false;
      }
    }
    return false;
  }

  private async acquireOrRenewOnce(signal: AbortSignal): Promise<boolean> {
    const now = Date.now();
    const lease = await this.readLease(signal);
    if (lease === undefined) {
      const created: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.name, namespace: this.namespace },
        spec: {
          holderIdentity: this.identity,
          leaseDurationSeconds: this.leaseDurationSeconds,
          acquireTime: formatMicroTime(now),
          renewTime: formatMicroTime(now),
          leaseTransitions: 0,
        },
      };
      await this.client.request({ method: 'POST', path: collectionPath(coreResources.leases, this.namespace), body: created, signal });
      this.observe(created.spec ?? {}, now);
      return true;
    }

    const spec: LeaseSpec = lease.spec ?? {};
    this.observe(spec, now);
    const holder = spec.holderIdentity ?? '';
    if (holder !== '' && holder !== this.identity && !this.expired(spec, now)) return false;

    const takeover = holder !== this.identity;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.leaseDurationSeconds,
        renewTime: formatMicroTime(now),
        acquireTime: takeover || !spec.acquireTime ? formatMicroTime(now) : spec.acquireTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takeover ? 1 : 0),
      },
    };
    // PUT carries metadata.resourceVersion: a concurrent writer makes it fail with 409.
    await this.client.request({ method: 'PUT', path: this.path, body: next, signal });
    if (takeover) this.log.info({ previousHolder: holder || undefined }, 'took over the lease');
    this.observe(next.spec ?? {}, now);
    return true;
  }

  private expired(spec: LeaseSpec, now: number): boolean {
    const durationMs = (spec.leaseDurationSeconds ?? this.leaseDurationSeconds) * 1000;
    const renewedAt = parseKubeTime(spec.renewTime);
    if (renewedAt === undefined || renewedAt + durationMs < now) return true;
    return this.observedAt + durationMs < now;
  }

  private observe(spec: LeaseSpec, now: number): void {
    const holder = spec.holderIdentity ?? '';
    const record = `${holder}|${spec.renewTime ?? ''}|${spec.leaseTransitions ?? 0}`;
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder !== '') {
        this.log.info({ leader: holder }, 'leader observed');
        try {
          this.options.onNewLeader?.(holder);
        } catch (err) {
          this.log.error({ err }, 'onNewLeader threw');
        }
      }
    }
  }

  private async readLease(signal: AbortSignal): Promise<Lease | undefined> {
    try {
      return await this.client.requestParsed({ method: 'GET', path: this.path, signal }, leaseSchema);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Empties the holder and shortens the lease so a standby acquires it on its next attempt. */
  private async release(): Promise<void> {
    const signal = AbortSignal.timeout(this.renewDeadlineMs);
    try {
      const lease = await this.readLease(signal);
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const now = Date.now();
      const released: Lease = {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: formatMicroTime(now), acquireTime: formatMicroTime(now) },
      };
      await this.client.request({ method: 'PUT', path: this.path, body: released, signal });
      this.observe(released.spec ?? {}, now);
      this.log.info('released the lease');
    } catch (err) {
      this.log.warn({ err }, 'could not release the lease; a standby takes over when it expires');
    }
  }
}
