/** Messages between the benchmark and the operator child process (bench/operator-child.ts). */
import type { LoopDelayFigures, MemoryFigures } from './process-sampler.js';

/** What the child needs to start the operator, passed as JSON in BENCH_OPERATOR. */
export interface ChildStart {
  kasmUrl: string;
  apiKey: string;
  apiSecret: string;
  kasmRps: number;
  namespace: string;
  pollMs: number;
  mode: 'bulk' | 'per-object';
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
  reconciles: { successes: number; failures: number };
  /** CPU time (user + system) the process has used. */
  cpuMs: number;
  memory: { now: MemoryFigures; peak: MemoryFigures; kernelPeakRssMb: number | undefined };
}

export interface ChildStopped {
  memory: { baseline: MemoryFigures; peak: MemoryFigures; kernelPeakRssMb: number | undefined };
  warnings: { count: number; sample: string[] };
}

export type ChildReply =
  | { type: 'started'; startedAt: number; syncedAt: number; baseline: MemoryFigures }
  | { type: 'ack'; id: number }
  | { type: 'loop'; id: number; loop: LoopDelayFigures }
  | ({ type: 'stats'; id: number } & ChildStats)
  | { type: 'memory'; id: number; now: MemoryFigures }
  | ({ type: 'stopped'; id: number } & ChildStopped)
  | { type: 'error'; id: number; message: string };
