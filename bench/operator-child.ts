/**
 * The operator under benchmark, in a Node process of its own so that its memory and event loop
 * are measured apart from the Kasm simulator and the Kubernetes API test server (which stay in
 * the parent). Started by bench/operator-process.ts, compiled to JavaScript first (as the image
 * runs it), and driven over the IPC channel: the parent asks for figures, the child answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { writeHeapSnapshot } from 'node:v8';
import { KubeConfig } from '@kubernetes/client-node';
import { isConfigErrors, parseConfig } from '../src/config.js';
import { Manager } from '../src/manager.js';
import { createLogger } from '../src/runtime/logger.js';
import type { ChildReply, ChildRequest, ChildStart } from './operator-protocol.js';
import { LoopDelay, MemoryPeak, memoryNow } from './process-sampler.js';
import { ReconcileProbe, useReconcileProbe } from './reconcile-probe.js';

const MB = 1024 * 1024;

/** The kernel's high-water mark of this process's RSS (VmHWM), the true peak between samples. */
function peakRssFromKernel(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m?.[1] ? Math.round((Number(m[1]) * 1024) / MB) : undefined;
  } catch {
    return undefined;
  }
}

function send(reply: ChildReply): void {
  process.send?.(reply);
}

class Warnings {
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

async function main(): Promise<void> {
  const start = JSON.parse(process.env.BENCH_OPERATOR ?? '{}') as ChildStart;
  const memory = new MemoryPeak();
  const loop = new LoopDelay();
  const probe = new ReconcileProbe();
  useReconcileProbe(probe);
  const warnings = new Warnings();

  const config = parseConfig([], {
    KASM_BASE_URL: start.kasmUrl,
    KASM_API_KEY: start.apiKey,
    KASM_API_SECRET: start.apiSecret,
    KASM_RATE_LIMIT: String(start.kasmRps),
    WATCH_NAMESPACES: start.namespace,
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    POLL_INTERVAL: `${start.pollMs}ms`,
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT: '10s',
    ...(start.workers !== undefined ? { WORKERS: String(start.workers) } : {}),
  });
  if (isConfigErrors(config)) throw new Error(`benchmark config invalid: ${config.map((e) => `${e.option}: ${e.message}`).join('; ')}`);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(start.kubeconfigYaml);
  const baseline = memoryNow();
  const manager = new Manager({
    config,
    kubeConfig,
    logger: createLogger({ level: config.logLevel, destination: warnings.stream }),
    tuning: { observation: start.mode },
  });
  const startedAt = Date.now();
  await manager.start();

  // For investigations of the peak: BENCH_HEAP_SNAPSHOT_AT="30,60" (seconds after the first apply)
  // writes heap snapshots during creation into BENCH_HEAP_SNAPSHOT_DIR. A snapshot collects garbage
  // first, so it shows the live set at that moment; the process stalls while it is written.
  const scheduleCreationSnapshots = (): void => {
    const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
    const at = (process.env.BENCH_HEAP_SNAPSHOT_AT ?? '').split(',').map(Number).filter((s) => Number.isFinite(s) && s > 0);
    if (!dir) return;
    for (const s of at) {
      setTimeout(() => {
        const before = memoryNow();
        writeHeapSnapshot(join(dir, `operator-${process.pid}-creation-${s}s.heapsnapshot`));
        process.stderr.write(`bench operator: heap snapshot at ${s}s of creation; before ${JSON.stringify(before)}, after ${JSON.stringify(memoryNow())}\n`);
      }, s * 1000).unref();
    }
  };

  process.on('message', (raw: ChildRequest) => {
    void (async () => {
      switch (raw.type) {
        case 'loop-start':
          loop.start();
          scheduleCreationSnapshots();
          send({ type: 'ack', id: raw.id });
          return;
        case 'loop-stop':
          send({ type: 'loop', id: raw.id, loop: loop.stop() });
          return;
        case 'stats': {
          const cpu = process.cpuUsage();
          send({
            type: 'stats',
            id: raw.id,
            kubeWrites: manager.kubeWrites(),
            confirmedObjects: probe.reconciled.size,
            lastFirstSuccessAt: probe.lastFirstSuccessAt,
            cpuMs: Math.round((cpu.user + cpu.system) / 1000),
            memoryNow: memoryNow(),
          });
          return;
        }
        case 'gc':
          // Heap actually retained (objects in caches), not garbage waiting for a collection.
          globalThis.gc?.();
          // For investigations: where the retained heap goes (open the file in Chrome DevTools).
          if (process.env.BENCH_HEAP_SNAPSHOT_DIR) writeHeapSnapshot(join(process.env.BENCH_HEAP_SNAPSHOT_DIR, `operator-${process.pid}.heapsnapshot`));
          send({ type: 'memory', id: raw.id, now: memoryNow() });
          return;
        case 'stop': {
          await manager.stop(raw.deadlineMs);
          send({
            type: 'stopped',
            id: raw.id,
            memory: { baseline, peak: memory.stop(), kernelPeakRssMb: peakRssFromKernel() },
            warnings: { count: warnings.count, sample: warnings.sample },
          });
          process.disconnect?.();
          return;
        }
      }
    })().catch((err: unknown) => send({ type: 'error', id: raw.id, message: err instanceof Error ? err.message : String(err) }));
  });
  send({ type: 'started', startedAt, workers: config.workers });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench operator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
