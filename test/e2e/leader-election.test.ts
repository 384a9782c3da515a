import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, eventually, isReady, startOperatorFixture, type OperatorFixture } from '../harness/operator-fixture.js';

/** Two replicas with leader election: one reconciles, the other takes over when the first stops. */
let fx: OperatorFixture;

beforeAll(async () => {
  fx = await startOperatorFixture();
});
afterAll(async () => {
  await fx?.close();
});

describe('two operator instances', () => {
  it('elect one leader, and fail over when it stops', async () => {
    const env = { LEADER_ELECT: 'true', LEADER_ELECTION_ID: 'kasm-operator-e2e' };
    // A long lease: a takeover well inside it proves the first replica released it on shutdown.
    const tuning = { lease: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 300 } };
    const a = await fx.startOperator({ ...env, POD_NAME: 'replica-a' }, tuning);
    await eventually(() => a.manager.isLeader(), 20_000, 'replica-a leading');
    const b = await fx.startOperator({ ...env, POD_NAME: 'replica-b' }, tuning);
    expect(b.manager.isLeader()).toBe(false);

    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'olga' }, spec: { username: 'olga@example.com' } });
    await fx.waitFor('KasmUser', 'olga', isReady);
    expect(b.manager.isLeader()).toBe(false);
    // Only the leader reconciled: the standby's queue never ran a reconcile.
    const standbyReconciles = await b.manager.registry.getSingleMetric('controller_runtime_reconcile_total')?.get();
    expect((standbyReconciles?.values ?? []).reduce((sum, v) => sum + v.value, 0)).toBe(0);

    const stoppedAt = Date.now();
    await a.stop();
    await eventually(() => b.manager.isLeader(), 20_000, 'replica-b taking over');
    // Released on shutdown, so the standby does not wait out the 15 s lease.
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);

    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'pete' }, spec: { username: 'pete@example.com' } });
    await fx.waitFor('KasmUser', 'pete', isReady);
    expect([...fx.sim.state.users.values()].some((u) => u.username === 'pete@example.com')).toBe(true);
  });
});
