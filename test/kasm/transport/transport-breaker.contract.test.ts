import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KasmCircuitOpenError, KasmNotFoundError, KasmServerError } from '../../../src/kasm/errors.js';
import type { KasmTransport } from '../../../src/kasm/transport.js';
import { startTransportFixture, type TransportFixture } from './fixture.js';
import { getUser, getUsers, kasmErrorOf, waitFor } from './transport-fixtures.js';

/** The per-connection circuit breaker against the simulator. */

let fx: TransportFixture;

async function breakerGauge(registry: Registry, connection: string): Promise<number | undefined> {
  const data = await registry.getSingleMetric('kasm_client_circuit_breaker_state')?.get();
  return data?.values.find((value) => value.labels.connection === connection)?.value;
}

async function untilRetryAt(transport: KasmTransport): Promise<void> {
  const retryAt = transport.breakerState().retryAt?.getTime() ?? 0;
  await waitFor(() => Date.now() >= retryAt, 'the end of the open period');
}

beforeAll(async () => {
  fx = await startTransportFixture({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 3, openMs: 400, maxOpenMs: 1000 } });
});

afterEach(() => {
  fx.reset();
});

afterAll(async () => {
  await fx.close();
});

describe('circuit breaker', () => {
  it('opens after 3 failures, fails fast without calling Kasm, probes half-open and closes', async () => {
    const registry = new Registry();
    const transport = fx.connect({ name: 'breaker-a', metrics: registry });
    fx.sim.faults.failEndpoint('*', { mode: 'json500' });
    for (let i = 0; i < 3; i += 1) {
      expect(await kasmErrorOf(transport.call(getUsers, {}))).toBeInstanceOf(KasmServerError);
    }
    expect(transport.breakerState()).toMatchObject({ state: 'open', consecutiveFailures: 3 });
    expect(await breakerGauge(registry, 'breaker-a')).toBe(2);
    expect(fx.sim.calls.count()).toBe(3);

    const snapshot = transport.breakerState();
    for (let i = 0; i < 5; i += 1) {
      const error = await kasmErrorOf(transport.call(getUsers, {}));
      expect(error).toBeInstanceOf(KasmCircuitOpenError);
      expect((error as KasmCircuitOpenError).retryAt.getTime()).toBe(snapshot.retryAt?.getTime());
      expect(error.message).toContain(snapshot.retryAt?.toISOString());
    }
    expect(fx.sim.calls.count()).toBe(3);

    // Kasm recovers but answers slowly, so the probe is observable while in flight.
    fx.sim.faults.clear();
    fx.sim.faults.setLatency(300);
    await untilRetryAt(transport);
    const probe = transport.call(getUsers, {});
    await waitFor(() => transport.breakerState().state === 'half-open', 'the half-open state');
    expect(await breakerGauge(registry, 'breaker-a')).toBe(1);
    const blocked = await kasmErrorOf(transport.call(getUsers, {}));
    expect(blocked).toBeInstanceOf(KasmCircuitOpenError);
    expect(blocked.message).toContain('half-open');
    await probe;
    expect(transport.breakerState()).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(await breakerGauge(registry, 'breaker-a')).toBe(0);
    expect(fx.sim.calls.count()).toBe(4);
    await transport.call(getUsers, {});
    expect(fx.sim.calls.count()).toBe(5);
  });

  it('a failed probe re-opens it for twice as long', async () => {
    const transport = fx.connect();
    fx.sim.faults.failEndpoint('*', { mode: '502' });
    for (let i = 0; i < 3; i += 1) {
      await kasmErrorOf(transport.call(getUsers, {}));
    }
    await untilRetryAt(transport);
    expect(await kasmErrorOf(transport.call(getUsers, {}))).toBeInstanceOf(KasmServerError);
    const reopened = transport.breakerState();
    expect(reopened.state).toBe('open');
    expect((reopened.retryAt?.getTime() ?? 0) - (reopened.openedAt?.getTime() ?? 0)).toBe(800);
    expect(fx.sim.calls.count()).toBe(4);
  });

  it('timeouts and resets count; business answers and a success do not open it', async () => {
    const transport = fx.connect({ timeoutMs: 100 });
    fx.sim.faults.failEndpoint('get_users', { mode: 'hang', times: 1 });
    fx.sim.faults.failEndpoint('get_users', { mode: 'reset', times: 1 });
    await kasmErrorOf(transport.call(getUsers, {}));
    await kasmErrorOf(transport.call(getUsers, {}));
    expect(transport.breakerState()).toEqual({ state: 'closed', consecutiveFailures: 2 });
    // "User not found" is Kasm answering: it neither counts nor resets.
    expect(await kasmErrorOf(transport.call(getUser, { target_user: { username: 'ghost@example.com' } }))).toBeInstanceOf(KasmNotFoundError);
    expect(transport.breakerState().consecutiveFailures).toBe(2);
    await transport.call(getUsers, {});
    expect(transport.breakerState()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a 429 does not count as a failure', async () => {
    const transport = fx.connect({ retry: { maxAttempts: 1 } });
    fx.sim.faults.setRateLimit(1, { burst: 1, retryAfterSeconds: 1 });
    await transport.call(getUsers, {});
    for (let i = 0; i < 4; i += 1) {
      await kasmErrorOf(transport.call(getUsers, {}));
    }
    expect(transport.breakerState()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a refused connection opens it too (Kasm down)', async () => {
    const transport = fx.connect();
    await fx.sim.goDown();
    try {
      for (let i = 0; i < 3; i += 1) {
        await kasmErrorOf(transport.call(getUsers, {}));
      }
      expect(transport.breakerState().state).toBe('open');
      expect(await kasmErrorOf(transport.call(getUsers, {}))).toBeInstanceOf(KasmCircuitOpenError);
    } finally {
      await fx.sim.comeBack();
    }
  });
});
