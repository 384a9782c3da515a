import { ApiException } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { API_VERSION, condition, eventually, isReady, readyReason, startOperatorWithKasm, testTuning, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';

const testTuningFailureThreshold = testTuning.transport?.breaker?.failureThreshold ?? 5;

/** Bad input and a misbehaving world: invalid specs, missing Secrets, a weak API key, Kasm down, dropped watches. */
let fx: OperatorFixture;
let operator: OperatorInstance;

beforeAll(async () => {
  ({ fx, operator } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

describe('invalid input', () => {
  it('is rejected by the CRD schema before the operator sees it', async () => {
    const err = await fx
      .apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'bad' }, spec: { username: '', deletionPolicy: 'Sometimes' } })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    const api = err as ApiException<unknown>;
    expect(api.code).toBe(422);
    const body = typeof api.body === 'string' ? api.body : JSON.stringify(api.body);
    expect(body).toContain('spec.deletionPolicy');
    expect(body).toContain('spec.username');
  });

  it('a missing Secret key stalls the object with a message that names the fix, and a fixed Secret unstalls it', async () => {
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kim-password' }, stringData: { wrong: 'Sup3r-Secret' } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmUser',
      metadata: { name: 'kim' },
      spec: { username: 'kim@example.com', passwordSecretRef: { name: 'kim-password', key: 'password' } },
    });
    const stalled = await fx.waitFor('KasmUser', 'kim', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(condition(stalled, 'Ready')).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    expect(condition(stalled, 'Stalled')?.message).toContain('has no key "password"');
    expect(condition(stalled, 'Stalled')?.message).toContain('add the key');
    await fx.mergePatch('Secret', 'kim-password', { stringData: { password: 'Sup3r-Secret' } });
    const ready = await fx.waitFor('KasmUser', 'kim', isReady);
    expect(condition(ready, 'Stalled')?.status).toBe('False');
  });
});

describe('a KasmConnection whose API key lacks a permission', () => {
  it('reports the connection, and stalls objects with the missing permission named', async () => {
    const key = fx.sim.createApiKey({ permissions: ['Users View', 'System View', 'Groups View'] });
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'weak-key' }, stringData: { apiKey: key.apiKey, apiSecret: key.apiSecret } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmConnection',
      metadata: { name: 'weak' },
      spec: { baseUrl: fx.sim.url, credentialsSecretRef: { name: 'weak-key' } },
    });
    const conn = await fx.waitFor('KasmConnection', 'weak', isReady);
    expect(conn?.status?.authenticated).toBe(true);
    expect((conn?.status?.zones as unknown[] | undefined)?.length).toBeGreaterThan(0);

    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'lena' }, spec: { username: 'lena@example.com', connectionRef: { name: 'weak' } } });
    const stalled = await fx.waitFor('KasmUser', 'lena', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(condition(stalled, 'Ready')?.reason).toBe('PermissionDenied');
    expect(condition(stalled, 'Stalled')?.message).toContain('create_user');
    expect(condition(stalled, 'Stalled')?.message).toContain('Users Create');
    expect(JSON.stringify(stalled)).not.toContain(key.apiSecret);
    expect(operator.logs.join('\n')).not.toContain(key.apiSecret);
  });

  it('reports wrong credentials as AuthenticationFailed', async () => {
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-key' }, stringData: { apiKey: 'nokey', apiSecret: 'not-the-secret-at-all' } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmConnection',
      metadata: { name: 'wrong' },
      spec: { baseUrl: fx.sim.url, credentialsSecretRef: { name: 'wrong-key' } },
    });
    const conn = await fx.waitFor('KasmConnection', 'wrong', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(condition(conn, 'Ready')?.reason).toBe('AuthenticationFailed');
    expect(conn?.status?.authenticated).toBe(false);
  });
});

describe('Kasm down', () => {
  it('shows KasmUnavailable, backs off without a retry storm, and recovers when Kasm returns', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'mike' }, spec: { username: 'mike@example.com' } });
    await fx.waitFor('KasmUser', 'mike', isReady);
    await fx.sim.goDown();
    onTestFinished(() => fx.sim.comeBack());
    await fx.mergePatch('KasmUser', 'mike', { spec: { firstName: 'Michael' } });
    await fx.waitFor('KasmUser', 'mike', (o) => readyReason(o) === 'KasmUnavailable');
    // Refused connections never reach the simulator's log: count the operator's own attempts.
    const failedAttempts = async (): Promise<number> => {
      const metric = operator.manager.registry.getSingleMetric('kasm_client_requests_total');
      const data = metric ? await metric.get() : { values: [] };
      return data.values.filter((v) => v.labels.outcome === 'Transport').reduce((sum, v) => sum + v.value, 0);
    };
    const breakerState = async (): Promise<number | undefined> => {
      const metric = operator.manager.registry.getSingleMetric('kasm_client_circuit_breaker_state');
      return metric ? (await metric.get()).values.find((v) => v.labels.connection === 'default')?.value : undefined;
    };
    // The breaker opens after a few consecutive failures; from then on calls fail fast without touching the network.
    await eventually(async () => (await breakerState()) === 2, 20_000, 'circuit breaker open');
    // Calls already in flight when it opens may add a few more, but not a storm.
    expect(await failedAttempts()).toBeLessThanOrEqual(2 * testTuningFailureThreshold + 4);
    await fx.sim.comeBack();
    await fx.waitFor('KasmUser', 'mike', (o) => isReady(o) && o?.status?.atProvider?.firstName === 'Michael', 30_000);
  });
});

describe('a watch dropped by the API server', () => {
  it('still reconciles changes made while it was down', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'nina' }, spec: { username: 'nina@example.com' } });
    await fx.waitFor('KasmUser', 'nina', isReady);
    if (!fx.kube.server) return;
    fx.kube.server.dropWatches();
    await fx.mergePatch('KasmUser', 'nina', { spec: { organization: 'Night Shift' } });
    await eventually(() => [...fx.sim.state.users.values()].find((u) => u.username === 'nina@example.com')?.organization === 'Night Shift', 20_000, 'change reconciled');
  });
});
