import { setTimeout as delay } from 'node:timers/promises';
import type { SessionRef, KasmSessionStatus } from '../../src/kasm/areas/sessions.js';
import { KasmClient } from '../../src/kasm/client.js';
import { KasmPendingError } from '../../src/kasm/errors.js';
import { createKasmTransport } from '../../src/kasm/transport.js';
import type { KasmTransport, KasmTransportOptions } from '../../src/kasm/transport.js';
import { startKasmSimulator } from './kasm-sim/index.js';
import type { KasmSimulator, KasmSimulatorOptions } from './kasm-sim/index.js';

/**
 * A Kasm simulator on a loopback port with a real transport and KasmClient pointed at it. Tests
 * start one in beforeAll and close it in afterAll; `close` ends every transport it made, then the
 * simulator.
 */

/** Transport settings for tests: quick retries, no rate limit worth waiting for. */
export type FixtureTransportOptions = Partial<Omit<KasmTransportOptions, 'baseUrl' | 'apiKey' | 'apiSecret'>>;

export interface KasmClientFixtureOptions extends KasmSimulatorOptions {
  transport?: FixtureTransportOptions;
}

export interface ConnectedClient {
  readonly client: KasmClient;
  readonly transport: KasmTransport;
}

export interface KasmClientFixture extends ConnectedClient {
  readonly sim: KasmSimulator;
  /** A client over a fresh API key with only these permissions; closed with the fixture. */
  clientWithPermissions(permissions: readonly string[], options?: { readOnly?: boolean }): ConnectedClient;
  /** A client over the given credentials (e.g. a wrong secret); closed with the fixture. */
  clientWithKey(apiKey: string, apiSecret: string, transport?: FixtureTransportOptions): ConnectedClient;
  close(): Promise<void>;
}

const testTransportDefaults: FixtureTransportOptions = {
  timeoutMs: 15_000,
  rateLimit: { requestsPerSecond: 10_000, maxConcurrent: 20 },
  retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
};

export async function startKasmClientFixture(options: KasmClientFixtureOptions = {}): Promise<KasmClientFixture> {
  const { transport: transportOptions, ...simOptions } = options;
  const sim = await startKasmSimulator(simOptions);
  const transports: KasmTransport[] = [];

  function connect(apiKey: string, apiSecret: string, extra: FixtureTransportOptions = {}): ConnectedClient {
    const transport = createKasmTransport({
      ...testTransportDefaults,
      ...transportOptions,
      ...extra,
      name: extra.name ?? transportOptions?.name ?? `sim-${transports.length}`,
      baseUrl: sim.url,
      apiKey,
      apiSecret,
    });
    transports.push(transport);
    return { transport, client: new KasmClient(transport) };
  }

  const admin = connect(sim.adminKey.apiKey, sim.adminKey.apiSecret);
  let closed = false;

  return {
    sim,
    client: admin.client,
    transport: admin.transport,
    clientWithPermissions(permissions, keyOptions = {}) {
      const key = sim.createApiKey({ permissions: [...permissions], readOnly: keyOptions.readOnly ?? false });
      return connect(key.apiKey, key.apiSecret);
    },
    clientWithKey(apiKey, apiSecret, transport) {
      return connect(apiKey, apiSecret, transport);
    },
    async close() {
      if (closed) return;
      closed = true;
      const results = await Promise.allSettled(transports.map((transport) => transport.close()));
      await sim.close();
      const failed = results.find((result) => result.status === 'rejected');
      if (failed !== undefined) {
        throw failed.reason;
      }
    },
  };
}

/**
 * Polls get_kasm_status until the session runs (KasmPendingError means "not yet"); any other error
 * ends the wait. Fails after `timeoutMs`.
 */
export async function waitForSessionRunning(
  client: KasmClient,
  ref: SessionRef,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<KasmSessionStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.sessions.status(ref);
    } catch (error) {
      if (!(error instanceof KasmPendingError) || Date.now() > deadline) {
        throw error;
      }
    }
    await delay(intervalMs);
  }
}
