import type { KasmTransport, KasmTransportOptions } from '../../../src/kasm/transport.js';
import { startKasmSimulator } from '../../harness/kasm-sim/index.js';
import type { ApiKeyPair, KasmSimulator } from '../../harness/kasm-sim/index.js';
import { testTransport } from './transport-fixtures.js';

/**
 * One Kasm simulator per contract-test file and the transports made against it. Start it in
 * beforeAll, `reset` it in afterEach (faults off, call log empty), `close` it in afterAll: that
 * ends every transport it made, then the simulator.
 */
export interface TransportFixture {
  readonly sim: KasmSimulator;
  /**
   * A transport to the simulator with the short test delays of `testTransport`, the file's
   * defaults, then `extra` (each top-level option replaces the default one). `key` defaults to the
   * admin key.
   */
  connect(extra?: Partial<KasmTransportOptions>, key?: ApiKeyPair): KasmTransport;
  reset(): void;
  close(): Promise<void>;
}

export async function startTransportFixture(defaults: Partial<KasmTransportOptions> = {}): Promise<TransportFixture> {
  const sim = await startKasmSimulator();
  const transports: KasmTransport[] = [];
  return {
    sim,
    connect(extra = {}, key = sim.adminKey) {
      const transport = testTransport({ baseUrl: sim.url, apiKey: key.apiKey, apiSecret: key.apiSecret, ...defaults, ...extra });
      transports.push(transport);
      return transport;
    },
    reset() {
      sim.faults.clear();
      sim.calls.reset();
    },
    async close() {
      await Promise.all(transports.map((transport) => transport.close()));
      await sim.close();
    },
  };
}
