import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube-apiserver/index.js';
import type { KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import { LeaderElector, type LeaderElectionOptions } from '../../../src/runtime/leader-election.js';
import { ensureNamespace, eventually, testClient } from './support.js';

const NS = 'kasm-system';
const LEASE = 'kasm-operator';
const timings = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

interface Lease {
  metadata: { resourceVersion: string };
  spec: { holderIdentity?: string | null; leaseTransitions?: number; leaseDurationSeconds?: number; renewTime?: string };
}

interface Candidate {
  elector: LeaderElector;
  stop: AbortController;
  done: Promise<void>;
  started: AbortSignal[];
  stopped: number;
}

describe('LeaderElector against the API test server', () => {
  let server: KubeApiServer;
  let client: KubeJsonClient;
  const candidates: Candidate[] = [];

  async function setup(): Promise<void> {
    server = await startKubeApiServer();
    client = testClient(server, { timeoutMs: 2_000 });
    await ensureNamespace(client, NS);
  }

  function candidate(identity: string, extra: Partial<LeaderElectionOptions> = {}): Candidate {
    const c: Candidate = { elector: undefined as unknown as LeaderElector, stop: new AbortController(), done: Promise.resolve(), started: [], stopped: 0 };
    c.elector = new LeaderElector({
      client,
      namespace: NS,
      name: LEASE,
      identity,
      ...timings,
      onStartedLeading: (signal) => {
        c.started.push(signal);
      },
      onStoppedLeading: () => {
        c.stopped += 1;
      },
      ...extra,
    });
    c.done = c.elector.run(c.stop.signal);
    candidates.push(c);
    return c;
  }

  const readLease = (): Promise<Lease> => client.request({ method: 'GET', path: `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${LEASE}` }) as Promise<Lease>;

  afterEach(async () => {
    for (const c of candidates) c.stop.abort();
    await Promise.all(candidates.map((c) => c.done));
    candidates.length = 0;
    await server?.close();
  });

  it('elects exactly one leader and keeps renewing its lease', async () => {
    await setup();
    const registry = new Registry();
    const a = candidate('replica-a', { registry });
    const b = candidate('replica-b');
    const leader = await eventually(() => [a, b].find((c) => c.elector.isLeader()), 'a leader');
    const other = leader === a ? b : a;
    const lease = await readLease();
    expect(lease.spec.holderIdentity).toBe(leader.elector.identity);
    expect(lease.spec.leaseDurationSeconds).toBe(2);
    expect(lease.spec.renewTime).toMatch(/\.\d{6}Z$/);
    expect(leader.started).toHaveLength(1);
    expect(other.started).toHaveLength(0);

    // Several renewals later, still one leader, and the same one.
    const renewTimes = new Set<string>();
    await eventually(async () => {
      const l = await readLease();
      if (l.spec.holderIdentity !== leader.elector.identity) throw new Error(`holder changed to ${String(l.spec.holderIdentity)}`);
      renewTimes.add(l.spec.renewTime ?? '');
      return renewTimes.size >= 4;
    }, 'renewals');
    expect(leader.elector.isLeader()).toBe(true);
    expect(other.elector.isLeader()).toBe(false);
    expect(other.elector.currentLeader).toBe(leader.elector.identity);

    const metrics = await registry.getSingleMetricAsString('leader_election_master_status');
    expect(metrics).toContain(`leader_election_master_status{name="${LEASE}"} ${a === leader ? 1 : 0}`);
  });

  it('releases the lease on shutdown so the standby takes over within about one retry period', async () => {
    await setup();
    const a = candidate('replica-a');
    await eventually(() => a.elector.isLeader(), 'a leads');
    const b = candidate('replica-b');
    await eventually(() => b.elector.currentLeader === 'replica-a', 'b sees a');
    const transitions = (await readLease()).spec.leaseTransitions ?? 0;

    const stoppedAt = Date.now();
    a.stop.abort();
    await a.done;
    expect(a.elector.isLeader()).toBe(false);
    expect(a.started[0]?.aborted).toBe(true);
    expect(a.stopped).toBe(1);

    await eventually(() => b.elector.isLeader(), 'b takes over', 5_000);
    // A released lease is taken on the next attempt, well before the 1.5 s lease would expire.
    expect(Date.now() - stoppedAt).toBeLessThan(1_400);
    const lease = await readLease();
    expect(lease.spec.holderIdentity).toBe('replica-b');
    expect(lease.spec.leaseTransitions).toBe(transitions + 1);
  });

  it('takes over an expired lease left by a crashed leader', async () => {
    await setup();
    const a = candidate('replica-a', { releaseOnCancel: false });
    await eventually(() => a.elector.isLeader(), 'a leads');
    a.stop.abort(); // stops renewing without releasing: like a crash
    await a.done;
    expect((await readLease()).spec.holderIdentity).toBe('replica-a');
    const b = candidate('replica-b');
    await eventually(() => b.elector.isLeader(), 'b takes over after expiry', 10_000);
    expect((await readLease()).spec.leaseTransitions).toBe(1);
  });

  it('stops leading within the renew deadline when the API is lost, and leads again after', async () => {
    await setup();
    const a = candidate('replica-a');
    await eventually(() => a.elector.isLeader(), 'a leads');
    const lostAt = Date.now();
    server.failRequests({ status: 503, durationMs: 3_000, match: { resource: 'leases' } });
    await eventually(() => !a.elector.isLeader(), 'a stops leading', 5_000);
    const tookMs = Date.now() - lostAt;
    // Renew deadline 1 s, plus one retry period and scheduling slack on a loaded machine.
    expect(tookMs).toBeLessThan(2_500);
    expect(a.started[0]?.aborted).toBe(true);
    expect(a.stopped).toBe(1);
    await eventually(() => a.elector.isLeader(), 'a leads again once the API is back', 15_000);
    expect(a.started).toHaveLength(2);
    expect(a.started[1]?.aborted).toBe(false);
  });
});
