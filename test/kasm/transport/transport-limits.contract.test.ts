import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTransportFixture, type TransportFixture } from './fixture.js';
import { getGroups, getUsers, waitFor } from './transport-fixtures.js';

/** The per-connection rate limit and priorities, measured by the simulator's own call log. */

let fx: TransportFixture;

beforeAll(async () => {
  fx = await startTransportFixture();
});

afterEach(() => {
  fx.reset();
});

afterAll(async () => {
  await fx.close();
});

describe('rate limit', () => {
  // A bucket allows burst + rate * T in any T seconds; with burst 1 that is "at most 20 in any
  // 1 s window" (half-open), measured on arrival at the simulator.
  it('20 requests/s (burst 1) is never exceeded in any 1 s window over more than 2 s', async () => {
    const transport = fx.connect({ rateLimit: { requestsPerSecond: 20, burst: 1, maxConcurrent: 10 } });
    // Open the connection first, so a TCP handshake does not delay the first measured arrival.
    await transport.call(getGroups, {});
    fx.sim.calls.reset();
    const calls = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? transport.call(getUsers, {}) : transport.call(getGroups, {})));
    await Promise.all(calls);
    const arrivals = fx.sim.calls.log().map((entry) => entry.at);
    expect(arrivals).toHaveLength(50);
    const span = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(2000);
    let busiest = 0;
    for (const start of arrivals) {
      busiest = Math.max(busiest, arrivals.filter((at) => at >= start && at < start + 1000).length);
    }
    expect(busiest).toBeLessThanOrEqual(20);
    // ...and the limit is not grossly undershot either (49 gaps at 20/s = 2.45 s).
    expect(span).toBeLessThan(49 * (1000 / 12));
  });

  it('reports queued calls and the gauge follows them', async () => {
    const registry = new Registry();
    const transport = fx.connect({ name: 'queue-gauge', metrics: registry, rateLimit: { requestsPerSecond: 1000, maxConcurrent: 1 } });
    fx.sim.faults.setLatency(100);
    const calls = Array.from({ length: 4 }, () => transport.call(getUsers, {}));
    await waitFor(() => transport.limiterQueued() === 3, 'three queued calls');
    const gauge = await registry.getSingleMetric('kasm_client_limiter_queued')?.get();
    expect(gauge?.values.find((value) => value.labels.connection === 'queue-gauge')?.value).toBe(3);
    await Promise.all(calls);
    expect(transport.limiterQueued()).toBe(0);
  });
});

describe('priorities', () => {
  it('queued user calls run before queued background calls', async () => {
    const transport = fx.connect({ rateLimit: { requestsPerSecond: 1000, maxConcurrent: 1 } });
    fx.sim.faults.setLatency(100);
    const blocker = transport.call(getUsers, {}, { priority: 'user' });
    const background = Array.from({ length: 3 }, () => transport.call(getGroups, {}));
    const user = Array.from({ length: 2 }, () => transport.call(getUsers, {}, { priority: 'user' }));
    await waitFor(() => transport.limiterQueued() === 5, 'five queued calls');
    await Promise.all([blocker, ...background, ...user]);
    expect(fx.sim.calls.log().map((entry) => entry.endpoint)).toEqual([
      'get_users',
      'get_users',
      'get_users',
      'get_groups',
      'get_groups',
      'get_groups',
    ]);
  });
});
