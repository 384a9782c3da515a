/** Peak memory of this process and event-loop delay, sampled while a phase runs (used inside the operator child). */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const MB = 1024 * 1024;

export interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
  /** The V8 heap reserved (used and free). */
  heapTotalMb?: number;
  /** Memory held outside the V8 heap by JavaScript objects (Buffers, ArrayBuffers ...). */
  externalMb?: number;
  /** Of `externalMb`, the ArrayBuffers (Buffers included): response bodies, sockets' buffers. */
  arrayBuffersMb?: number;
}

export function memoryNow(): MemoryFigures {
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / MB), heapUsedMb: Math.round(m.heapUsed / MB), heapTotalMb: Math.round(m.heapTotal / MB), externalMb: Math.round(m.external / MB), arrayBuffersMb: Math.round(m.arrayBuffers / MB) };
}

/** Keeps the highest RSS and heap seen, sampled every `intervalMs`. */
export class MemoryPeak {
  private peak: MemoryFigures = memoryNow();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 200) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const now = memoryNow();
    const max = (a: number | undefined, b: number | undefined): number => Math.max(a ?? 0, b ?? 0);
    this.peak = {
      rssMb: Math.max(this.peak.rssMb, now.rssMb),
      heapUsedMb: Math.max(this.peak.heapUsedMb, now.heapUsedMb),
      heapTotalMb: max(this.peak.heapTotalMb, now.heapTotalMb),
      externalMb: max(this.peak.externalMb, now.externalMb),
      arrayBuffersMb: max(this.peak.arrayBuffersMb, now.arrayBuffersMb),
    };
  }

  stop(): MemoryFigures {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export interface LoopDelayFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Event-loop delay (perf_hooks) between start and stop. */
export class LoopDelay {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
  }

  stop(): LoopDelayFigures {
    this.histogram.disable();
    const ms = (ns: number): number => Math.round((ns / 1e6) * 10) / 10;
    return { p50Ms: ms(this.histogram.percentile(50)), p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
  }
}
