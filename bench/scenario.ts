/**
 * One benchmark run: the Kasm simulator (rate limited to R requests/s), the Kubernetes API test
 * server and the operator in this process; N objects applied, then creation, steady state and a
 * restart measured from the simulator's call log and the test server's request counter.
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { isConfigErrors, parseConfig } from '../src/config.js';
import type { ObservationMode } from '../src/controllers/managed-kind.js';
import { Manager } from '../src/manager.js';
import { createLogger } from '../src/runtime/logger.js';
import { startKasmSimulator, type KasmSimulator } from '../test/harness/kasm-sim/index.js';
import { startKubeApiServer, type KubeApiServer } from '../test/harness/kube-apiserver/index.js';
import { peak429PerSecond, perObject, round, summarizeCalls } from './kasm-calls.js';
import { PLURALS, diffKube, snapshotKube, type BenchKind, type KubeSnapshot } from './kube-counts.js';
import { LoopDelay, MemoryPeak, memoryNow, type LoopDelayFigures, type MemoryFigures } from './process-sampler.js';
import { ReconcileProbe, useReconcileProbe } from './reconcile-probe.js';
import { buildWorkload, floorCalls, managedObjectCount, type Workload } from './workload.js';

const crdDir = fileURLToPath(new URL('../deploy/crds', import.meta.url));
const NAMESPACE = 'kasm-bench';
const READY_POLL_MS = 500;
const APPLY_CONCURRENCY = 16;

export interface ScenarioOptions {
  objects: number;
  kasmRps: number;
  mode: ObservationMode;
  pollMs: number;
  /** Poll intervals waited after all-Ready before the steady-state window. */
  settlePolls: number;
}

export interface ScenarioResult {
  objects: number;
  kasmRps: number;
  mode: ObservationMode;
  pollMs: number;
  mix: { users: number; passwordSecrets: number; groups: number; memberships: number; membershipEntries: number; managedObjects: number };
  floor: { calls: number; seconds: number };
  creation: {
    allReady: boolean;
    ready: Record<BenchKind, number>;
    timeToReadyS: number;
    ratioToFloor: number;
    kasmCalls: number;
    kasmCallsPerObject: number;
    kasmCallsPerObjectByEndpoint: Record<string, number>;
    kasmCallsByEndpoint: Record<string, number>;
    rateLimited429: number;
    peak429PerSecond: number;
    statusWritesPerObject: number;
    metadataWritesPerObject: number;
    perKind: Record<BenchKind, { objects: number; statusWrites: number; metadataWrites: number }>;
    managerKubeWrites: Record<string, { status: number; metadata: number }>;
    loopDelay: LoopDelayFigures;
  };
  steady: {
    settlePolls: number;
    windowS: number;
    pollIntervals: number;
    kasmCallsPerPoll: number;
    kasmCallsPerPollByEndpoint: Record<string, number>;
    /** True when the calls filled the client's rate limit: demand was higher than what was measured. */
    rateLimitBound: boolean;
    rateLimited429: number;
    kasmWrites: number;
    statusWritesPerPoll: number;
    statusWritesPerPollByKind: Record<BenchKind, number>;
    metadataWritesPerPoll: number;
  };
  restart: {
    confirmed: boolean;
    confirmedObjects: number;
    timeToConfirmS: number;
    kasmCalls: number;
    kasmCallsByEndpoint: Record<string, number>;
    kasmWrites: number;
    writesWindowS: number;
    statusWrites: number;
    metadataWrites: number;
    stillReady: boolean;
    method: string;
  };
  memory: { baseline: MemoryFigures; peak: MemoryFigures; note: string };
  operatorWarnings: { count: number; sample: string[] };
}

interface Ready {
  all: boolean;
  perKind: Record<BenchKind, number>;
}

async function readyCounts(kube: KubeApiServer, w: Workload): Promise<Ready> {
  const want: Record<BenchKind, number> = { KasmUser: w.users, KasmGroup: w.groups, KasmGroupMembership: w.memberships };
  const perKind = { KasmUser: 0, KasmGroup: 0, KasmGroupMembership: 0 };
  for (const [kind, plural] of Object.entries(PLURALS) as [BenchKind, string][]) {
    const res = await fetch(`${kube.url}/apis/kasm.io/v1alpha1/namespaces/${NAMESPACE}/${plural}`);
    if (!res.ok) throw new Error(`listing ${plural}: HTTP ${res.status}`);
    const list = (await res.json()) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
    perKind[kind] = list.items.filter((o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  }
  return { all: (Object.keys(want) as BenchKind[]).every((k) => perKind[k] >= want[k]), perKind };
}

async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(intervalMs);
  }
}

async function applyAll(api: KubernetesObjectApi, objects: readonly KubernetesObject[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const obj = objects[next++];
      if (obj) await api.create(obj);
    }
  };
  await Promise.all(Array.from({ length: APPLY_CONCURRENCY }, worker));
}

class WarningLog {
  count = 0;
  readonly sample: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.count++;
        if (this.sample.length < 10) this.sample.push(line.slice(0, 400));
      }
      cb();
    },
  });
}

async function startOperator(sim: KasmSimulator, kubeConfig: KubeConfig, options: ScenarioOptions, warnings: WarningLog): Promise<Manager> {
  const config = parseConfig([], {
    KASM_BASE_URL: sim.url,
    KASM_API_KEY: sim.adminKey.apiKey,
    KASM_API_SECRET: sim.adminKey.apiSecret,
    KASM_RATE_LIMIT: String(options.kasmRps),
    WATCH_NAMESPACES: NAMESPACE,
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    POLL_INTERVAL: `${options.pollMs}ms`,
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT: '10s',
  });
  if (isConfigErrors(config)) throw new Error(`benchmark config invalid: ${config.map((e) => `${e.option}: ${e.message}`).join('; ')}`);
  const manager = new Manager({ config, kubeConfig, logger: createLogger({ level: config.logLevel, destination: warnings.stream }), tuning: { observation: options.mode } });
  await manager.start();
  return manager;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

export async function runScenario(options: ScenarioOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const { kasmRps: rps, pollMs, mode } = options;
  const w = buildWorkload(options.objects, NAMESPACE);
  const objectCount = managedObjectCount(w);
  const floor = floorCalls(w);
  const floorSeconds = floor / rps;
  const label = `N=${options.objects} R=${rps} ${mode}`;

  const sim = await startKasmSimulator({});
  sim.faults.setRateLimit(rps);
  const kube = await startKubeApiServer({ crdDir, watchWindow: Math.max(1000, 10 * (objectCount + w.secrets.length)) });
  const kubeConfig = kube.kubeConfig();
  const warnings = new WarningLog();
  let manager: Manager | undefined;
  try {
    await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    const api = KubernetesObjectApi.makeApiClient(kubeConfig);
    const baseline = memoryNow();
    const memory = new MemoryPeak();

    // Creation.
    const probe = new ReconcileProbe();
    useReconcileProbe(probe);
    manager = await startOperator(sim, kubeConfig, options, warnings);
    const kubeBefore = snapshotKube(kube);
    const loop = new LoopDelay();
    loop.start();
    const t0 = Date.now();
    log(`${label}: applying ${w.users} users (+${w.secrets.length} Secrets), ${w.groups} groups, ${w.memberships} memberships; floor ${floor} calls = ${round(floorSeconds, 1)} s`);
    await applyAll(api, w.secrets);
    await applyAll(api, w.groupObjects);
    await applyAll(api, w.userObjects);
    await applyAll(api, w.membershipObjects);
    const createTimeoutMs = 60_000 + floorSeconds * 8_000;
    let lastReady: Ready | undefined;
    const ready = await waitUntil(
      async () => {
        lastReady = await readyCounts(kube, w);
        return lastReady.all ? lastReady : undefined;
      },
      createTimeoutMs,
      READY_POLL_MS,
    );
    const tReady = Date.now();
    const loopDelay = loop.stop();
    const kubeAfterCreate = snapshotKube(kube);
    const creationKube = diffKube(kubeAfterCreate, kubeBefore);
    const calls = sim.calls.log();
    const created = summarizeCalls(calls, t0, tReady + 1);
    const timeToReadyS = (tReady - t0) / 1000;
    log(`${label}: ${ready ? 'all Ready' : 'NOT all Ready'} after ${round(timeToReadyS, 1)} s (${round(timeToReadyS / floorSeconds)} x floor), ${created.total} Kasm calls, ${created.rateLimited} 429s`);
    const perKindCreation = Object.fromEntries(
      (Object.keys(PLURALS) as BenchKind[]).map((k) => [
        k,
        { objects: k === 'KasmUser' ? w.users : k === 'KasmGroup' ? w.groups : w.memberships, ...creationKube.perKind[k] },
      ]),
    ) as ScenarioResult['creation']['perKind'];
    const statusWrites = sum(Object.values(creationKube.perKind).map((k) => k.statusWrites));
    const metadataWrites = sum(Object.values(creationKube.perKind).map((k) => k.metadataWrites));
    const managerKubeWrites = manager.kubeWrites();

    // Steady state: settle (objects Ready early still take in changes made by later ones), then three intervals measured.
    await sleep(options.settlePolls * pollMs);
    const steadyBefore: KubeSnapshot = snapshotKube(kube);
    const s0 = Date.now();
    await sleep(3 * pollMs);
    const s1 = Date.now();
    const steadyKube = diffKube(snapshotKube(kube), steadyBefore);
    const steady = summarizeCalls(sim.calls.log(), s0, s1);
    const polls = (s1 - s0) / pollMs;
    const callsPerPoll = steady.total / polls;
    log(`${label}: steady state ${round(callsPerPoll, 1)} Kasm calls per poll interval`);

    // Restart with everything in sync.
    await manager.stop(10_000);
    manager = undefined;
    const restartProbe = new ReconcileProbe();
    useReconcileProbe(restartProbe);
    const restartKubeBefore = snapshotKube(kube);
    const r0 = Date.now();
    manager = await startOperator(sim, kubeConfig, options, warnings);
    const confirmed = await waitUntil(async () => (restartProbe.firstSuccess.size >= objectCount ? true : undefined), 60_000 + floorSeconds * 4_000, 100);
    const confirmedAt = restartProbe.firstSuccess.size > 0 ? Math.max(...restartProbe.firstSuccess.values()) : Date.now();
    // Writes are watched one poll interval longer than the confirmation, for late ones.
    await sleep(pollMs);
    const writesUntil = Date.now();
    const restartKube = diffKube(snapshotKube(kube), restartKubeBefore);
    const restartLog = sim.calls.log();
    const restartCalls = summarizeCalls(restartLog, r0, confirmedAt + 1);
    const restartWrites = summarizeCalls(restartLog, r0, writesUntil);
    const stillReady = (await readyCounts(kube, w)).all;
    log(`${label}: restart confirmed ${restartProbe.firstSuccess.size}/${objectCount} in ${round((confirmedAt - r0) / 1000, 1)} s, ${restartCalls.total} Kasm calls, ${restartWrites.writes} Kasm writes`);

    const peak = memory.stop();
    return {
      objects: options.objects,
      kasmRps: rps,
      mode,
      pollMs,
      mix: { users: w.users, passwordSecrets: w.secrets.length, groups: w.groups, memberships: w.memberships, membershipEntries: w.membershipEntries, managedObjects: objectCount },
      floor: { calls: floor, seconds: round(floorSeconds) },
      creation: {
        allReady: ready !== undefined,
        ready: (ready ?? lastReady)?.perKind ?? { KasmUser: 0, KasmGroup: 0, KasmGroupMembership: 0 },
        timeToReadyS: round(timeToReadyS),
        ratioToFloor: round(timeToReadyS / floorSeconds, 3),
        kasmCalls: created.total,
        kasmCallsPerObject: round(created.total / objectCount, 3),
        kasmCallsPerObjectByEndpoint: perObject(created.byEndpoint, objectCount),
        kasmCallsByEndpoint: created.byEndpoint,
        rateLimited429: created.rateLimited,
        peak429PerSecond: peak429PerSecond(calls, t0, tReady + 1),
        statusWritesPerObject: round(statusWrites / objectCount, 3),
        metadataWritesPerObject: round(metadataWrites / objectCount, 3),
        perKind: perKindCreation,
        managerKubeWrites,
        loopDelay,
      },
      steady: {
        settlePolls: options.settlePolls,
        windowS: round((s1 - s0) / 1000),
        pollIntervals: round(polls),
        kasmCallsPerPoll: round(callsPerPoll, 1),
        kasmCallsPerPollByEndpoint: perObject(steady.byEndpoint, polls),
        rateLimitBound: steady.total >= 0.9 * rps * ((s1 - s0) / 1000),
        rateLimited429: steady.rateLimited,
        kasmWrites: steady.writes,
        statusWritesPerPoll: round(sum(Object.values(steadyKube.perKind).map((k) => k.statusWrites)) / polls, 2),
        statusWritesPerPollByKind: Object.fromEntries((Object.keys(PLURALS) as BenchKind[]).map((k) => [k, round(steadyKube.perKind[k].statusWrites / polls, 2)])) as Record<BenchKind, number>,
        metadataWritesPerPoll: round(sum(Object.values(steadyKube.perKind).map((k) => k.metadataWrites)) / polls, 2),
      },
      restart: {
        confirmed: confirmed === true,
        confirmedObjects: restartProbe.firstSuccess.size,
        timeToConfirmS: round((confirmedAt - r0) / 1000),
        kasmCalls: restartCalls.total,
        kasmCallsByEndpoint: restartCalls.byEndpoint,
        kasmWrites: restartWrites.writes,
        writesWindowS: round((writesUntil - r0) / 1000),
        statusWrites: sum(Object.values(restartKube.perKind).map((k) => k.statusWrites)),
        metadataWrites: sum(Object.values(restartKube.perKind).map((k) => k.metadataWrites)),
        stillReady,
        method:
          'time from the new Manager.start() until every object had a successful reconcile in the new process ' +
          '(a wrapper around the managed kinds\' reconcilers records each object once); Kasm writes counted until one poll interval after that',
      },
      memory: {
        baseline,
        peak,
        note: 'one process holds the Kasm simulator, the Kubernetes API test server (with every object), the benchmark and the operator; baseline is after both harnesses started, before the operator',
      },
      operatorWarnings: { count: warnings.count, sample: warnings.sample },
    };
  } finally {
    useReconcileProbe(undefined);
    // Bounded: a harness that does not close in time must not keep the run from reporting.
    const closing = (async () => {
      await manager?.stop(2_000);
      await kube.close();
      await sim.close();
    })();
    await Promise.race([closing, sleep(15_000, undefined, { ref: false })]);
  }
}
