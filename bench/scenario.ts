/**
 * One benchmark run: the Kasm simulator (rate limited to R requests/s) and the Kubernetes API test
 * server in this process, the operator in a child process of its own (bench/operator-child.ts) so
 * its memory and event loop are measured alone; N objects applied, then creation, steady state
 * and a restart measured from the simulator's call log and the test server's request counter.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { ObservationMode } from '../src/controllers/managed-kind.js';
import { startKasmSimulator, type KasmSimulator } from '../test/harness/kasm-sim/index.js';
import { startKubeApiServer, type KubeApiServer } from '../test/harness/kube-apiserver/index.js';
import { peak429PerSecond, perObject, round, summarizeCalls, type CallSummary } from './kasm-calls.js';
import { BENCH_KINDS, diffKube, snapshotKube, type BenchKind, type KubeSnapshot } from './kube-counts.js';
import type { BenchOptions } from './cli-options.js';
import { OperatorProcess, type OperatorBuild } from './operator-process.js';
import type { ChildStopped, ProcessMemory } from './operator-protocol.js';
import type { LoopDelayFigures, MemoryFigures } from './process-sampler.js';
import { ReadyTracker } from './ready-tracker.js';
import { LIST_ENDPOINTS, buildWorkload, floorCalls, managedObjectCount, objectsPerKind, perObjectReadsPerPoll, type Workload } from './workload.js';

const crdDir = fileURLToPath(new URL('../deploy/crds', import.meta.url));
const NAMESPACE = 'kasm-bench';
const APPLY_CONCURRENCY = 16;

/** One (N, mode) of the command line's options; `operatorBuild` is recorded with the results. */
export interface ScenarioOptions extends Pick<BenchOptions, 'kasmRps' | 'pollMs' | 'settlePolls' | 'steadyPolls' | 'workers' | 'operatorNodeOptions' | 'operatorEnv' | 'operatorBuild'> {
  objects: number;
  mode: ObservationMode;
  /**
   * `bulk`: a per-object run whose objects are created by a bulk-mode operator, then measured from
   * the restart of a per-object one (its creation would take too long at large N).
   */
  createWith: BenchOptions['perObjectCreateWith'];
  /** The compiled operator child (compileOperator()). */
  operatorScript: string;
}

export interface ScenarioResult {
  objects: number;
  kasmRps: number;
  mode: ObservationMode;
  pollMs: number;
  /** The operator's WORKERS (reconciles in parallel per kind). */
  workers: number;
  /** Node options the operator process ran with ('' for Node's defaults). */
  operatorNodeOptions: string;
  /** Environment variables of the operator process that change its memory use (MALLOC_ARENA_MAX). */
  operatorEnv?: Record<string, string>;
  operatorBuild: OperatorBuild;
  mix: Record<BenchKind, number> & { passwordSecrets: number; membershipEntries: number; managedObjects: number };
  floor: { calls: number; seconds: number };
  creation: {
    /** The mode of the operator that created the objects (bulk in a per-object run with createWith bulk). */
    by: ObservationMode;
    allReady: boolean;
    ready: Record<BenchKind, number>;
    timeToReadyS: number;
    ratioToFloor: number;
    kasmCalls: number;
    kasmCallsPerObject: number;
    kasmCallsPerObjectByEndpoint: Record<string, number>;
    kasmCallsByEndpoint: Record<string, number>;
    /** The most Kasm calls that arrived within any one second (the limiter must keep it at R or below). */
    peakCallsPerSecond: number;
    rateLimited429: number;
    peak429PerSecond: number;
    /** Until all Ready. */
    statusWritesPerObject: number;
    metadataWritesPerObject: number;
    /** Until the steady-state window starts (the creation's late effects included: users reporting the group a membership added them to). */
    statusWritesPerObjectSettled: number;
    perKind: Record<BenchKind, { objects: number; statusWrites: number; metadataWrites: number; statusWritesSettled: number }>;
    managerKubeWrites: Record<string, { status: number; metadata: number }>;
    loopDelay: LoopDelayFigures;
    /** What the creation ran against: for reading the figures, not targets. */
    diagnostics: {
      /** CPU seconds the operator process used during creation, and the benchmark process (simulator, API server, applies). */
      operatorCpuS: number;
      harnessCpuS: number;
      /** The machine's 1-minute load average at the start and end of creation (2 cores here; other work on the machine shows). */
      loadAverage: [number, number];
      /** Kasm calls ÷ (R × time to Ready): how busy the operator kept the rate limit. */
      rateLimitUse: number;
      /** Seconds from the first apply until every object of each kind was Ready. */
      kindAllReadyS: Partial<Record<BenchKind, number>>;
      /** Kasm calls arriving in each second from the first apply. */
      callsPerSecond: number[];
    };
  };
  steady: {
    /** The mode measured (per-object with createWith bulk: after the per-object operator's restart). */
    settlePolls: number;
    windowS: number;
    pollIntervals: number;
    kasmCallsPerPoll: number;
    /** Calls to the list endpoints (get_users, get_groups, get_images). */
    listCallsPerPoll: number;
    /** Every other read: the per-object reads of data without a list endpoint (bulk) or of every object (per-object). */
    otherCallsPerPoll: number;
    kasmCallsPerPollByEndpoint: Record<string, number>;
    /** True when the calls filled the client's rate limit: demand was higher than what was measured. */
    rateLimitBound: boolean;
    /** Per-object mode: the reads per poll the design needs (perObjectReadsPerPoll), for rate-bound runs. */
    perObjectDemandPerPoll?: number;
    rateLimited429: number;
    kasmWrites: number;
    statusWritesPerPoll: number;
    statusWritesPerPollByKind: Record<BenchKind, number>;
    metadataWritesPerPoll: number;
  };
  restart: {
    confirmed: boolean;
    confirmedObjects: number;
    /** From the new Manager.start() (informer sync included) until every object had a successful reconcile. */
    timeToConfirmS: number;
    /** The same from the spawn of the new process (Node start and module loading included). */
    timeToConfirmFromSpawnS: number;
    /** Poll intervals timeToConfirmS amounts to (target: at most 2). */
    pollIntervals: number;
    kasmCalls: number;
    kasmCallsByEndpoint: Record<string, number>;
    kasmWrites: number;
    writesWindowS: number;
    statusWrites: number;
    metadataWrites: number;
    stillReady: boolean;
    method: string;
  };
  memory: {
    /** The operator process that created the objects and ran the steady state. */
    operator: ProcessMemory & { steady: MemoryFigures; retainedAfterGc: MemoryFigures };
    /** The restarted operator process (every object in sync at start). */
    restarted: ProcessMemory & { retainedAfterGc: MemoryFigures };
    /** Highest RSS of either operator process. */
    peakRssMb: number;
    note: string;
  };
  operatorWarnings: { count: number; sample: string[] };
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

async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(intervalMs);
  }
}

/** Calls arriving in each second of [from, to). */
function callsPerSecond(log: readonly { at: number }[], from: number, to: number): number[] {
  const series = new Array<number>(Math.max(0, Math.ceil((to - from) / 1000))).fill(0);
  for (const c of log) if (c.at >= from && c.at < to) series[Math.floor((c.at - from) / 1000)]! += 1;
  return series;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
const statusWritesOf = (s: KubeSnapshot): number => sum(Object.values(s.perKind).map((k) => k.statusWrites));
const metadataWritesOf = (s: KubeSnapshot): number => sum(Object.values(s.perKind).map((k) => k.metadataWrites));

function listAndOther(summary: CallSummary): { list: number; other: number } {
  let list = 0;
  for (const [endpoint, n] of Object.entries(summary.byEndpoint)) if (LIST_ENDPOINTS.has(endpoint)) list += n;
  return { list, other: summary.total - list };
}

export async function runScenario(options: ScenarioOptions, log: (line: string) => void): Promise<ScenarioResult> {
  const { kasmRps: rps, pollMs, mode } = options;
  const w: Workload = buildWorkload(options.objects, NAMESPACE);
  const perKindCount = objectsPerKind(w);
  const objectCount = managedObjectCount(w);
  const floor = floorCalls(w);
  const floorSeconds = floor / rps;
  const createMode: ObservationMode = options.createWith === 'bulk' ? 'bulk' : mode;
  const label = `N=${options.objects} R=${rps} ${mode}${options.createWith === 'bulk' ? ' (created by bulk)' : ''}`;

  const sim: KasmSimulator = await startKasmSimulator({});
  sim.faults.setRateLimit(rps);
  const kube: KubeApiServer = await startKubeApiServer({ crdDir, watchWindow: Math.max(1000, 10 * (objectCount + w.secrets.length)) });
  const kubeConfig = kube.kubeConfig();
  const tracker = new ReadyTracker(kubeConfig, NAMESPACE, perKindCount);
  const running = new Set<OperatorProcess>();
  const startOperator = async (observation: ObservationMode): Promise<OperatorProcess> => {
    const op = await OperatorProcess.start(options.operatorScript, options.operatorNodeOptions, options.operatorEnv, {
      kasmUrl: sim.url,
      apiKey: sim.adminKey.apiKey,
      apiSecret: sim.adminKey.apiSecret,
      kasmRps: rps,
      namespace: NAMESPACE,
      pollMs,
      mode: observation,
      kubeconfigYaml: kube.kubeconfigYaml,
      workers: options.workers,
    });
    running.add(op);
    return op;
  };
  const stopOperator = async (op: OperatorProcess): Promise<ChildStopped> => {
    const stopped = await op.stop(10_000);
    running.delete(op);
    return stopped;
  };
  try {
    await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    await tracker.start();
    const api = KubernetesObjectApi.makeApiClient(kubeConfig);

    // Creation.
    let op = await startOperator(createMode);
    const workers = op.workers;
    const kubeBefore = snapshotKube(kube);
    await op.loopStart();
    const cpuBefore = (await op.stats()).cpuMs;
    const harnessCpuBefore = process.cpuUsage();
    const loadBefore = loadavg()[0] ?? 0;
    const t0 = Date.now();
    log(
      `${label}: applying ${w.users} users (+${w.secrets.length} Secrets), ${w.groups} groups, ${w.images} images, ${w.memberships} memberships, ${w.groupImages} group images; ` +
        `floor ${floor} calls = ${round(floorSeconds, 1)} s`,
    );
    await applyAll(api, w.secrets);
    await applyAll(api, w.groupObjects);
    await applyAll(api, w.imageObjects);
    await applyAll(api, w.userObjects);
    await applyAll(api, w.membershipObjects);
    await applyAll(api, w.groupImageObjects);
    const readyAt = await op.whileRunning(tracker.waitAllReady(60_000 + floorSeconds * 8_000));
    const tReady = readyAt ?? Date.now();
    const loopDelay = await op.loopStop();
    const creationKube = diffKube(snapshotKube(kube), kubeBefore);
    const harnessCpu = process.cpuUsage(harnessCpuBefore);
    const loadAfter = loadavg()[0] ?? 0;
    const afterCreation = await op.stats();
    const managerKubeWrites = afterCreation.kubeWrites;
    const creationLog = sim.calls.log();
    const created = summarizeCalls(creationLog, t0, tReady + 1);
    const timeToReadyS = (tReady - t0) / 1000;
    const perSecond = callsPerSecond(creationLog, t0, tReady + 1);
    const readyCounts = tracker.counts();
    log(`${label}: ${readyAt !== undefined ? 'all Ready' : `NOT all Ready (${JSON.stringify(readyCounts)})`} after ${round(timeToReadyS, 1)} s (${round(timeToReadyS / floorSeconds)} x floor), ${created.total} Kasm calls, ${created.rateLimited} 429s`);

    // Settle: users Ready early still take in the groups later memberships add them to.
    await sleep(options.settlePolls * pollMs);
    const settledKube = diffKube(snapshotKube(kube), kubeBefore);

    let creatorMemory: { stopped: ChildStopped; steady: MemoryFigures; retained: MemoryFigures } | undefined;
    let restartOp: OperatorProcess | undefined;
    const measureSteady = async (target: OperatorProcess) => {
      const before = snapshotKube(kube);
      const s0 = Date.now();
      await sleep(options.steadyPolls * pollMs);
      const s1 = Date.now();
      const steadyKube = diffKube(snapshotKube(kube), before);
      const calls = summarizeCalls(sim.calls.log(), s0, s1);
      const polls = (s1 - s0) / pollMs;
      const split = listAndOther(calls);
      const memoryNow = (await target.stats()).memoryNow;
      log(`${label}: steady state ${round(calls.total / polls, 1)} Kasm calls per poll interval (${round(split.list / polls, 1)} list calls)`);
      return { calls, steadyKube, polls, s0, s1, split, memoryNow };
    };

    const restart = async () => {
      const restartKubeBefore = snapshotKube(kube);
      const spawnAt = Date.now();
      const next = await startOperator(mode);
      const confirmed = await next.whileRunning(
        waitUntil(async () => {
          const s = await next.stats();
          return s.confirmedObjects >= objectCount ? s : undefined;
        }, 60_000 + floorSeconds * 4_000, 100),
      );
      const stats = await next.stats();
      const confirmedAt = stats.lastFirstSuccessAt ?? Date.now();
      // Writes are watched one poll interval longer than the confirmation, for late ones.
      await sleep(pollMs);
      const writesUntil = Date.now();
      const restartKube = diffKube(snapshotKube(kube), restartKubeBefore);
      const restartLog = sim.calls.log();
      const calls = summarizeCalls(restartLog, spawnAt, confirmedAt + 1);
      const writes = summarizeCalls(restartLog, spawnAt, writesUntil);
      const timeToConfirmS = (confirmedAt - next.startedAt) / 1000;
      log(`${label}: restart confirmed ${stats.confirmedObjects}/${objectCount} in ${round(timeToConfirmS, 1)} s, ${calls.total} Kasm calls, ${writes.writes} Kasm writes`);
      return {
        next,
        result: {
          confirmed: confirmed !== undefined,
          confirmedObjects: stats.confirmedObjects,
          timeToConfirmS: round(timeToConfirmS),
          timeToConfirmFromSpawnS: round((confirmedAt - spawnAt) / 1000),
          pollIntervals: round((confirmedAt - next.startedAt) / pollMs),
          kasmCalls: calls.total,
          kasmCallsByEndpoint: calls.byEndpoint,
          kasmWrites: writes.writes,
          writesWindowS: round((writesUntil - spawnAt) / 1000),
          statusWrites: statusWritesOf(restartKube),
          metadataWrites: metadataWritesOf(restartKube),
          stillReady: tracker.allReady(),
          method:
            'time from the new Manager.start() in a new process until every object had a successful reconcile there ' +
            "(a wrapper around the managed kinds' reconcilers records each object once); Kasm writes counted until one poll interval after that",
        },
      };
    };

    let steady: Awaited<ReturnType<typeof measureSteady>>;
    let restartResult: Awaited<ReturnType<typeof restart>>['result'];
    if (options.createWith === 'bulk') {
      // Per-object at large N: the objects exist (made by a bulk operator); the per-object operator starts with them in sync.
      const retained = await op.retainedMemory();
      const stopped = await stopOperator(op);
      creatorMemory = { stopped, steady: retained, retained };
      const r = await restart();
      restartOp = r.next;
      restartResult = r.result;
      await sleep(options.settlePolls * pollMs);
      steady = await measureSteady(restartOp);
    } else {
      steady = await measureSteady(op);
      const retained = await op.retainedMemory();
      const stopped = await stopOperator(op);
      creatorMemory = { stopped, steady: steady.memoryNow, retained };
      const r = await restart();
      restartOp = r.next;
      restartResult = r.result;
    }
    op = restartOp;
    const restartRetained = await op.retainedMemory();
    const restartStopped = await stopOperator(op);

    const { calls: steadyCalls, steadyKube, polls, s0, s1, split } = steady;
    const perKind = Object.fromEntries(
      BENCH_KINDS.map((k) => [
        k,
        { objects: perKindCount[k], ...creationKube.perKind[k], statusWritesSettled: settledKube.perKind[k].statusWrites },
      ]),
    ) as ScenarioResult['creation']['perKind'];
    const peakOf = (s: ChildStopped): number => Math.max(s.memory.peak.rssMb, s.memory.kernelPeakRssMb ?? 0);
    return {
      objects: options.objects,
      kasmRps: rps,
      mode,
      pollMs,
      workers,
      operatorNodeOptions: options.operatorNodeOptions,
      operatorEnv: options.operatorEnv,
      operatorBuild: options.operatorBuild,
      mix: { ...perKindCount, passwordSecrets: w.secrets.length, membershipEntries: w.membershipEntries, managedObjects: objectCount },
      floor: { calls: floor, seconds: round(floorSeconds) },
      creation: {
        by: createMode,
        allReady: readyAt !== undefined,
        ready: readyCounts,
        timeToReadyS: round(timeToReadyS),
        ratioToFloor: round(timeToReadyS / floorSeconds, 3),
        kasmCalls: created.total,
        kasmCallsPerObject: round(created.total / objectCount, 3),
        kasmCallsPerObjectByEndpoint: perObject(created.byEndpoint, objectCount),
        kasmCallsByEndpoint: created.byEndpoint,
        peakCallsPerSecond: Math.max(0, ...perSecond),
        rateLimited429: created.rateLimited,
        peak429PerSecond: peak429PerSecond(creationLog, t0, tReady + 1),
        statusWritesPerObject: round(statusWritesOf(creationKube) / objectCount, 3),
        metadataWritesPerObject: round(metadataWritesOf(creationKube) / objectCount, 3),
        statusWritesPerObjectSettled: round(statusWritesOf(settledKube) / objectCount, 3),
        perKind,
        managerKubeWrites,
        loopDelay,
        diagnostics: {
          operatorCpuS: round((afterCreation.cpuMs - cpuBefore) / 1000, 1),
          harnessCpuS: round((harnessCpu.user + harnessCpu.system) / 1e6, 1),
          loadAverage: [round(loadBefore), round(loadAfter)],
          rateLimitUse: round(created.total / (rps * timeToReadyS), 3),
          kindAllReadyS: Object.fromEntries([...tracker.kindReadyAt].map(([k, at]) => [k, round((at - t0) / 1000)])),
          callsPerSecond: perSecond,
        },
      },
      steady: {
        settlePolls: options.settlePolls,
        windowS: round((s1 - s0) / 1000),
        pollIntervals: round(polls),
        kasmCallsPerPoll: round(steadyCalls.total / polls, 1),
        listCallsPerPoll: round(split.list / polls, 1),
        otherCallsPerPoll: round(split.other / polls, 1),
        kasmCallsPerPollByEndpoint: perObject(steadyCalls.byEndpoint, polls),
        rateLimitBound: steadyCalls.total >= 0.9 * rps * ((s1 - s0) / 1000),
        ...(mode === 'per-object' ? { perObjectDemandPerPoll: round(perObjectReadsPerPoll(w), 1) } : {}),
        rateLimited429: steadyCalls.rateLimited,
        kasmWrites: steadyCalls.writes,
        statusWritesPerPoll: round(statusWritesOf(steadyKube) / polls, 2),
        statusWritesPerPollByKind: Object.fromEntries(BENCH_KINDS.map((k) => [k, round(steadyKube.perKind[k].statusWrites / polls, 2)])) as Record<BenchKind, number>,
        metadataWritesPerPoll: round(metadataWritesOf(steadyKube) / polls, 2),
      },
      restart: restartResult,
      memory: {
        operator: { ...creatorMemory.stopped.memory, steady: creatorMemory.steady, retainedAfterGc: creatorMemory.retained },
        restarted: { ...restartStopped.memory, retainedAfterGc: restartRetained },
        peakRssMb: Math.max(peakOf(creatorMemory.stopped), peakOf(restartStopped)),
        note: 'the operator alone, in a child process (the image bundle and Node options unless told otherwise); the simulator, the API test server and the benchmark run in the parent',
      },
      operatorWarnings: {
        count: creatorMemory.stopped.warnings.count + restartStopped.warnings.count,
        sample: [...creatorMemory.stopped.warnings.sample, ...restartStopped.warnings.sample].slice(0, 10),
      },
    };
  } finally {
    for (const op of running) op.kill();
    // Bounded: a harness that does not close in time must not keep the run from reporting.
    const closing = (async () => {
      await tracker.stop();
      await kube.close();
      await sim.close();
    })();
    await Promise.race([closing, sleep(15_000, undefined, { ref: false })]);
  }
}
