/** Messages between the benchmark and the operator child process (bench/operator-child.ts). */
import type { ObservationMode } from '../src/controllers/managed-kind.js';
import type { LoopDelayFigures, MemoryFigures } from './process-sampler.js';

/** What the child needs to start the operator, passed as JSON in BENCH_OPERATOR. */
export interface ChildStart {
  kasmUrl: string;
  apiKey: string;
  apiSecret: string;
  kasmRps: number;
  namespace: string;
  pollMs: number;
  mode: ObservationMode;
  kubeconfigYaml: string;
  /** WORKERS; undefined: the operator's default. */
  workers: number | undefined;
}

export type ChildRequest =
  | { type: 'loop-start'; id: number }
  | { type: 'loop-stop'; id: number }
  | { type: 'stats'; id: number }
  | { type: 'gc'; id: number }
  | { type: 'stop'; id: number; deadlineMs: number };

export interface ChildStats {
  kubeWrites: Record<string, { status: number; metadata: number }>;
  /** Objects with a successful reconcile in this process so far. */
  confirmedObjects: number;
  /** When the last of them had its first successful reconcile. */
  lastFirstSuccessAt: number | undefined;
  /** CPU time (user + system) the process has used. */
  cpuMs: number;
  memoryNow: MemoryFigures;
}

export interface ProcessMemory {
  /** After the Manager started (caches synced), before anything was applied. */
  baseline: MemoryFigures;
  /** Highest sampled (every 200 ms) over the process's life. */
  peak: MemoryFigures;
  /** The kernel's RSS high-water mark (VmHWM), which no sampling can miss. */
  kernelPeakRssMb: number | undefined;
}

export interface ChildStopped {
  memory: ProcessMemory;
  warnings: { count: number; sample: string[] };
}

export type ChildReply =
  /** `workers`: the WORKERS the operator runs with (its default when ChildStart left it out). */
  | { type: 'started'; startedAt: number; workers: number }
  | { type: 'ack'; id: number }
  | { type: 'loop'; id: number; loop: LoopDelayFigures }
  | ({ type: 'stats'; id: number } & ChildStats)
  | { type: 'memory'; id: number; now: MemoryFigures }
  | ({ type: 'stopped'; id: number } & ChildStopped)
  | { type: 'error'; id: number; message: string };
