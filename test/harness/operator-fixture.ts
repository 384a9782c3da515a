import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EventsV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { API_GROUP_VERSION } from '../../src/api/group-version.js';
import { isConfigErrors, parseConfig, type Config } from '../../src/config.js';
import { KasmClient } from '../../src/kasm/client.js';
import { createKasmTransport, type KasmTransport } from '../../src/kasm/transport.js';
import { Manager, type ManagerTuning } from '../../src/manager.js';
import { createLogger } from '../../src/runtime/logger.js';
import { startKasmSimulator, type KasmSimulator, type KasmSimulatorOptions } from './kasm-sim/index.js';
import { connectKubeTarget, type KubeTarget } from './kube-target.js';

/**
 * Everything an end-to-end test of the operator needs: the Kasm simulator, a Kubernetes API (the
 * in-process test server, or a real cluster through E2E_KUBECONFIG), a namespace of its own, and
 * operator instances running in this process against both, with short timings. Objects are
 * written and read through @kubernetes/client-node, as a user's tools would.
 */
export const crdDir = fileURLToPath(new URL('../../deploy/crds', import.meta.url));

/** The apiVersion of every kasm.io object. */
export const API_VERSION = API_GROUP_VERSION;

/** Timings short enough for tests, long enough for a loaded 2-core machine. */
export const testTuning: ManagerTuning = {
  informerWatchdogMs: 20_000,
  informerBackoff: { initialMs: 100, maxMs: 2_000 },
  queueBackoff: { baseMs: 200, maxMs: 3_000 },
  transport: { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 }, breaker: { failureThreshold: 5, openMs: 1_000, maxOpenMs: 4_000 } },
  stalledRetryMs: 3_000,
  lease: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
  eventSeriesIntervalMs: 200,
  retryRatePerSecond: 1000,
};

export interface OperatorInstance {
  manager: Manager;
  config: Config;
  /** Everything the operator logged, one JSON object per line. */
  logs: string[];
  stop(deadlineMs?: number): Promise<void>;
}

export interface OperatorFixture {
  sim: KasmSimulator;
  kube: KubeTarget;
  namespace: string;
  objects: KubernetesObjectApi;
  /** Starts an operator instance; `env` overrides the test defaults. */
  startOperator(env?: Record<string, string>, tuning?: ManagerTuning): Promise<OperatorInstance>;
  apply<T extends KubernetesObject>(obj: T): Promise<T>;
  get(kind: string, name: string): Promise<ManagedResource | undefined>;
  mergePatch(kind: string, name: string, patch: Record<string, unknown>): Promise<void>;
  remove(kind: string, name: string): Promise<void>;
  /** Deletes the object and waits until the API server has let it go (finalizers done). */
  removeAndWait(kind: string, name: string): Promise<void>;
  /** Events in the namespace (events.k8s.io/v1), flattened for assertions. */
  events(): Promise<RecordedEvent[]>;
  /** The events on object `name` with `reason`, once there is at least one. */
  waitForEvents(name: string, reason: string, timeoutMs?: number): Promise<RecordedEvent[]>;
  /** Calls the simulator has received to any of `endpoints`. */
  kasmCalls(endpoints: Iterable<string>): number;
  /** Polls the object until `predicate` holds; fails with the last seen object after the deadline. */
  waitFor(kind: string, name: string, predicate: (obj: ManagedResource | undefined) => boolean, timeoutMs?: number): Promise<ManagedResource | undefined>;
  /** A KasmClient with the simulator's admin key, to set up and inspect Kasm behind the operator's back; closed with the fixture. */
  kasmClient(): KasmClient;
  close(): Promise<void>;
}

export interface RecordedEvent {
  regardingKind: string | undefined;
  regardingName: string | undefined;
  type: string | undefined;
  reason: string | undefined;
  note: string | undefined;
  count: number;
}

export interface ManagedResource extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string; observedGeneration?: number }[];
    observedGeneration?: number;
    externalId?: string;
    atProvider?: Record<string, unknown>;
    drift?: { field: string; desired?: string; observed?: string }[];
    [key: string]: unknown;
  };
}

export function condition(obj: ManagedResource | undefined, type: string): { status: string; reason?: string; message?: string } | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

export const isReady = (obj: ManagedResource | undefined): boolean => condition(obj, 'Ready')?.status === 'True';

/** Ready, with the status written for the current generation. */
export const isCurrent = (obj: ManagedResource | undefined): boolean => isReady(obj) && obj?.status?.observedGeneration === obj?.metadata?.generation;

export const readyReason = (obj: ManagedResource | undefined): string | undefined => condition(obj, 'Ready')?.reason;

/** A Secret's data, decoded from base64. */
export function decodeSecret(secret: KubernetesObject & { data?: Record<string, string> }): Record<string, string> {
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** The create, update and delete endpoints of Kasm records: `cast_config` → create_cast_config, update_…, delete_…. */
export const writeEndpoints = (...records: string[]): string[] => records.flatMap((r) => ['create', 'update', 'delete'].map((verb) => `${verb}_${r}`));

/** Resolves when `check` returns a value other than undefined/false; bounded by the deadline. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function captureLogger(level: Config['logLevel'], lines: string[]): Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line);
      cb();
    },
  });
  return createLogger({ level, destination: stream });
}

/** The core kinds tests read and write next to the kasm.io ones. */
const CORE_KINDS = new Set(['Secret', 'ConfigMap']);

export async function startOperatorFixture(options: { sim?: KasmSimulatorOptions } = {}): Promise<OperatorFixture> {
  const sim = await startKasmSimulator({ sessionStartMs: 200, ...options.sim });
  const kube = await connectKubeTarget({ crdDir });
  const namespace = await kube.createNamespace();
  const kc: KubeConfig = kube.kubeConfig;
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const events = kc.makeApiClient(EventsV1Api);
  const instances: OperatorInstance[] = [];
  let admin: { transport: KasmTransport; client: KasmClient } | undefined;

  const header = (kind: string, name: string) => ({
    apiVersion: CORE_KINDS.has(kind) ? 'v1' : API_VERSION,
    kind,
    metadata: { name, namespace },
  });

  const fixture: OperatorFixture = {
    sim,
    kube,
    namespace,
    objects,
    async startOperator(env = {}, tuning = {}) {
      const parsed = parseConfig([], {
        KASM_BASE_URL: sim.url,
        KASM_API_KEY: sim.adminKey.apiKey,
        KASM_API_SECRET: sim.adminKey.apiSecret,
        WATCH_NAMESPACES: namespace,
        HEALTH_HOST: '127.0.0.1',
        HEALTH_PORT: '0',
        POLL_INTERVAL: '2s',
        WORKERS: '4',
        LOG_LEVEL: 'debug',
        SHUTDOWN_TIMEOUT: '5s',
        LEADER_ELECTION_NAMESPACE: namespace,
        ...env,
      });
      if (isConfigErrors(parsed)) throw new Error(`test config invalid: ${parsed.map((e) => `${e.option}: ${e.message}`).join('; ')}`);
      const logs: string[] = [];
      const manager = new Manager({
        config: parsed,
        kubeConfig: kc,
        logger: captureLogger(parsed.logLevel, logs),
        tuning: { ...testTuning, ...tuning },
      });
      await manager.start();
      const instance: OperatorInstance = {
        manager,
        config: parsed,
        logs,
        stop: async (deadlineMs = 2_000) => {
          await manager.stop(deadlineMs);
          instances.splice(instances.indexOf(instance), 1);
        },
      };
      instances.push(instance);
      return instance;
    },
    async apply(obj) {
      const withNs = { ...obj, metadata: { ...obj.metadata, namespace } };
      return objects.create(withNs);
    },
    async get(kind, name) {
      try {
        // client-node turns timestamps into Date objects; tests and tools read the wire form.
        return JSON.parse(JSON.stringify(await objects.read<ManagedResource>(header(kind, name)))) as ManagedResource;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
    async mergePatch(kind, name, patch) {
      const base = header(kind, name);
      const metadata = { ...base.metadata, ...(patch.metadata as Record<string, unknown> | undefined) };
      await objects.patch({ ...base, ...patch, metadata }, undefined, undefined, 'e2e-test', undefined, PatchStrategy.MergePatch);
    },
    async remove(kind, name) {
      await objects.delete(header(kind, name));
    },
    async removeAndWait(kind, name) {
      await fixture.remove(kind, name);
      await fixture.waitFor(kind, name, (o) => o === undefined);
    },
    async events() {
      const list = await events.listNamespacedEvent({ namespace });
      return list.items.map((e) => ({
        regardingKind: e.regarding?.kind,
        regardingName: e.regarding?.name,
        type: e.type,
        reason: e.reason,
        note: e.note,
        count: e.series?.count ?? 1,
      }));
    },
    async waitForEvents(name, reason, timeoutMs = 20_000) {
      return eventually(async () => {
        const found = (await fixture.events()).filter((e) => e.regardingName === name && e.reason === reason);
        return found.length > 0 ? found : undefined;
      }, timeoutMs, `${reason} event on ${name}`);
    },
    kasmCalls(endpoints) {
      let n = 0;
      for (const endpoint of endpoints) n += sim.calls.count(endpoint);
      return n;
    },
    async waitFor(kind, name, predicate, timeoutMs = 20_000) {
      let last: ManagedResource | undefined;
      try {
        await eventually(async () => {
          last = await fixture.get(kind, name);
          return predicate(last);
        }, timeoutMs, `${kind} ${name}`);
      } catch (err) {
        throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last?.status ?? last ?? null)}`, { cause: err });
      }
      return last;
    },
    kasmClient() {
      if (!admin) {
        const transport = createKasmTransport({ baseUrl: sim.url, apiKey: sim.adminKey.apiKey, apiSecret: sim.adminKey.apiSecret });
        admin = { transport, client: new KasmClient(transport) };
      }
      return admin.client;
    },
    async close() {
      await admin?.transport.close();
      for (const i of [...instances]) await i.stop(0);
      await kube.close();
      await sim.close();
    },
  };
  return fixture;
}

export interface OperatorWithKasm {
  fx: OperatorFixture;
  operator: OperatorInstance;
  /** fx.kasmClient(). */
  kasm: KasmClient;
}

/** The usual e2e start: a fixture, one operator on it (`env` overrides the test defaults) and the admin KasmClient. */
export async function startOperatorWithKasm(options: { sim?: KasmSimulatorOptions; env?: Record<string, string> } = {}): Promise<OperatorWithKasm> {
  const fx = await startOperatorFixture(options.sim ? { sim: options.sim } : {});
  try {
    const operator = await fx.startOperator(options.env);
    return { fx, operator, kasm: fx.kasmClient() };
  } catch (err) {
    // The caller never gets the fixture to close.
    await fx.close();
    throw err;
  }
}
