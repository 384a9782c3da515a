import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KasmRateLimitedError, KasmServerError, KasmTransportError } from '../../../src/kasm/errors.js';
import { startTransportFixture, type TransportFixture } from './fixture.js';
import { capturedLogger, createUser, getUsers, kasmErrorOf, waitFor } from './transport-fixtures.js';

/** How many times the transport sends a request, as the simulator counts it. */

let fx: TransportFixture;
const password = 'Tr0ub4dor&3-long';
let userCounter = 0;

function newUsername(): string {
  userCounter += 1;
  return `retry-user-${userCounter}@example.com`;
}

function usersNamed(username: string): number {
  return [...fx.sim.state.users.values()].filter((user) => user.username === username).length;
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const data = await metric?.get();
  const match = data?.values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted));
  return match?.value ?? 0;
}

beforeAll(async () => {
  fx = await startTransportFixture();
});

afterEach(() => {
  fx.reset();
});

afterAll(async () => {
  await fx.close();
});

describe('reads', () => {
  it.each(['json500', 'html500', '502', '503', 'reset'] as const)('are retried up to maxAttempts on %s', async (mode) => {
    fx.sim.faults.failEndpoint('get_users', { mode });
    const error = await kasmErrorOf(fx.connect({ retry: { maxAttempts: 4 } }).call(getUsers, {}));
    expect(error.retryable).toBe(true);
    expect(fx.sim.calls.count('get_users')).toBe(4);
  });

  it('are retried after a timeout (hang)', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'hang' });
    const error = await kasmErrorOf(fx.connect({ retry: { maxAttempts: 3 }, timeoutMs: 100 }).call(getUsers, {}));
    expect((error as KasmTransportError).failure).toBe('timeout');
    expect(fx.sim.calls.count('get_users')).toBe(3);
  });

  it('succeed when a transient failure clears, with one warn line per retry', async () => {
    const log = capturedLogger();
    fx.sim.faults.failEndpoint('get_users', { mode: '502', times: 2 });
    const reply = await fx.connect({ logger: log.logger }).call(getUsers, {});
    expect(reply.users.length).toBeGreaterThan(0);
    expect(fx.sim.calls.log().map((entry) => entry.status)).toEqual([502, 502, 200]);
    const records = log.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.filter((record) => record.level === 40 && record.msg === 'Kasm request failed; retrying')).toHaveLength(2);
    const debug = records.filter((record) => record.level === 20 && record.msg === 'Kasm request');
    expect(debug.map((record) => [record.endpoint, record.status, record.attempt])).toEqual([
      ['get_users', 502, 1],
      ['get_users', 502, 2],
      ['get_users', 200, 3],
    ]);
    expect(debug.every((record) => typeof record.durationMs === 'number')).toBe(true);
  });
});

describe('writes', () => {
  it.each(['json500', '502', 'reset'] as const)('are NOT retried on %s after Kasm processed them: exactly one create_user', async (mode) => {
    fx.sim.faults.failEndpoint('create_user', { mode, afterProcessing: true });
    const username = newUsername();
    const error = await kasmErrorOf(fx.connect().call(createUser, { target_user: { username, password } }));
    expect(error).toBeInstanceOf(mode === 'reset' ? KasmTransportError : KasmServerError);
    expect(fx.sim.calls.count('create_user')).toBe(1);
    // The write took effect; a retry would have met "Username already exists" or made a duplicate.
    expect(usersNamed(username)).toBe(1);
  });

  it('are NOT retried on a timeout', async () => {
    fx.sim.faults.failEndpoint('create_user', { mode: 'hang' });
    const error = await kasmErrorOf(fx.connect({ timeoutMs: 100 }).call(createUser, { target_user: { username: newUsername(), password } }));
    expect((error as KasmTransportError).failure).toBe('timeout');
    expect(fx.sim.calls.count('create_user')).toBe(1);
  });

  it('are retried on 503 (not processed) and succeed once it clears', async () => {
    fx.sim.faults.failEndpoint('create_user', { mode: '503', times: 2 });
    const username = newUsername();
    const reply = await fx.connect().call(createUser, { target_user: { username, password } });
    expect(reply.user.username).toBe(username);
    expect(fx.sim.calls.log().map((entry) => entry.status)).toEqual([503, 503, 200]);
    expect(usersNamed(username)).toBe(1);
  });

  it('are retried while the connection is refused and go through once Kasm is back', async () => {
    const registry = new Registry();
    const log = capturedLogger();
    const transport = fx.connect({
      name: 'refused-write',
      metrics: registry,
      logger: log.logger,
      retry: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 200 },
    });
    await fx.sim.goDown();
    const username = newUsername();
    const pending = transport.call(createUser, { target_user: { username, password } });
    try {
      await waitFor(() => log.lines.some((line) => line.includes('retrying')), 'a retry of the refused create_user');
    } finally {
      await fx.sim.comeBack();
    }
    const reply = await pending;
    expect(reply.user.username).toBe(username);
    expect(fx.sim.calls.count('create_user')).toBe(1);
    expect(await metricValue(registry, 'kasm_client_requests_total', { endpoint: 'create_user', outcome: 'Transport' })).toBeGreaterThanOrEqual(1);
    expect(await metricValue(registry, 'kasm_client_requests_total', { endpoint: 'create_user', outcome: 'success' })).toBe(1);
    expect(await metricValue(registry, 'kasm_client_retries_total', { connection: 'refused-write', endpoint: 'create_user' })).toBeGreaterThanOrEqual(1);
  });
});

describe('Retry-After', () => {
  it('the next attempt comes at least Retry-After after the 429', async () => {
    const transport = fx.connect({ retry: { maxAttempts: 3 } });
    fx.sim.faults.setRateLimit(1, { burst: 1, retryAfterSeconds: 1 });
    await transport.call(getUsers, {});
    await transport.call(getUsers, {});
    const log = fx.sim.calls.log();
    const statuses = log.map((entry) => entry.status);
    expect(statuses).toEqual([200, 429, 200]);
    const [, limited, next] = log;
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('a write is retried after a 429 (it was not processed)', async () => {
    const transport = fx.connect();
    fx.sim.faults.setRateLimit(1, { burst: 1, retryAfterSeconds: 1 });
    await transport.call(getUsers, {});
    const username = newUsername();
    await transport.call(createUser, { target_user: { username, password } });
    expect(fx.sim.calls.log().map((entry) => [entry.endpoint, entry.status])).toEqual([
      ['get_users', 200],
      ['create_user', 429],
      ['create_user', 200],
    ]);
    expect(usersNamed(username)).toBe(1);
  });

  it('a Retry-After beyond maxRetryAfterMs fails at once with the RateLimited error', async () => {
    const transport = fx.connect({ retry: { maxRetryAfterMs: 2000 } });
    fx.sim.faults.setRateLimit(1, { burst: 1, retryAfterSeconds: 30 });
    await transport.call(getUsers, {});
    const started = performance.now();
    const error = await kasmErrorOf(transport.call(getUsers, {}));
    expect(error).toBeInstanceOf(KasmRateLimitedError);
    expect((error as KasmRateLimitedError).retryAfterMs).toBe(30_000);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fx.sim.calls.count('get_users')).toBe(2);
  });

  it('an abort cancels the wait', async () => {
    const transport = fx.connect();
    fx.sim.faults.setRateLimit(1, { burst: 1, retryAfterSeconds: 30 });
    await transport.call(getUsers, {});
    const controller = new AbortController();
    const pending = kasmErrorOf(transport.call(getUsers, {}, { signal: controller.signal }));
    await waitFor(() => fx.sim.calls.log().some((entry) => entry.status === 429), 'the 429');
    controller.abort();
    const error = await pending;
    expect((error as KasmTransportError).failure).toBe('aborted');
    expect(fx.sim.calls.count('get_users')).toBe(2);
  });
});

describe('close()', () => {
  it('cancels a call in flight', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'hang' });
    // Closed here; the fixture's second close at the end is a no-op.
    const transport = fx.connect({ timeoutMs: 20_000 });
    const pending = kasmErrorOf(transport.call(getUsers, {}));
    await waitFor(() => fx.sim.calls.count('get_users') === 1, 'the request to arrive');
    await transport.close();
    const error = await pending;
    expect((error as KasmTransportError).failure).toBe('aborted');
    expect(error.message).toContain('closed');
    const after = await kasmErrorOf(transport.call(getUsers, {}));
    expect((after as KasmTransportError).failure).toBe('aborted');
  });
});
