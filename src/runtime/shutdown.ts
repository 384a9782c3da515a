/**
 * Orderly stop on SIGTERM/SIGINT. Stop steps run once, one after another in the order they were
 * registered (the process registers leader election last so the lease is released only after its
 * work stopped), within one deadline. Exit code 0 when every step finished in time, 1 when a step
 * failed or the deadline passed. A second signal while stopping exits at once.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';

export interface StopContext {
  /** Aborted when the deadline passes. */
  signal: AbortSignal;
  /** Milliseconds left before the deadline; pass on to steps with their own deadline (the work queue). */
  readonly remainingMs: () => number;
}

export type StopStep = (context: StopContext) => void | Promise<void>;

/** The part of `process` the coordinator listens on; tests pass an EventEmitter. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ShutdownCoordinatorOptions {
  timeoutMs: number;
  /** Ends the process; injected so tests do not end theirs. Default process.exit. */
  exit?: (code: number) => void;
  logger?: Logger;
  clock?: Clock;
  signals?: SignalSource;
}

export class ShutdownCoordinator {
  private readonly steps: { name: string; step: StopStep }[] = [];
  private readonly timeoutMs: number;
  private readonly exit: (code: number) => void;
  private readonly logger: Logger | undefined;
  private readonly clock: Clock;
  private readonly signals: SignalSource;
  private running: Promise<number> | undefined;

  constructor(options: ShutdownCoordinatorOptions) {
    this.timeoutMs = options.timeoutMs;
    this.exit = options.exit ?? ((code) => process.exit(code));
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.signals = options.signals ?? process;
  }

  /** Add a stop step; steps run in registration order. */
  register(name: string, step: StopStep): void {
    if (this.running !== undefined) throw new Error(`cannot register stop step "${name}": shutdown already started`);
    this.steps.push({ name, step });
  }

  /** Run `shutdown` on the first of these signals; returns a function that stops listening. */
  listen(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
    const listeners = signals.map((name) => {
      const listener = (): void => {
        if (this.running !== undefined) {
          this.logger?.warn({ signal: name }, 'second signal while stopping; exiting now');
          this.exit(1);
          return;
        }
        void this.shutdown(`received ${name}`);
      };
      this.signals.on(name, listener);
      return { name, listener };
    });
    return () => {
      for (const { name, listener } of listeners) this.signals.off(name, listener);
    };
  }

  /** True once a shutdown has begun. */
  get stopping(): boolean {
    return this.running !== undefined;
  }

  /**
   * Run the stop steps once and exit. `exitCode` lets a fatal cause (leadership lost, a crashed
   * component) end non-zero even if every step stops cleanly. Later calls return the first run's code.
   */
  shutdown(reason: string, exitCode = 0): Promise<number> {
    this.running ??= this.run(reason, exitCode);
    return this.running;
  }

  private async run(reason: string, requestedCode: number): Promise<number> {
    const started = this.clock.now();
    const abort = new AbortController();
    const context: StopContext = { signal: abort.signal, remainingMs: () => Math.max(0, this.timeoutMs - (this.clock.now() - started)) };
    this.logger?.info({ reason, timeoutMs: this.timeoutMs, steps: this.steps.map((s) => s.name) }, 'shutting down');

    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = this.clock.setTimeout(() => resolve('deadline'), this.timeoutMs);
    });
    const steps = this.runSteps(context);
    const outcome = await Promise.race([steps, deadline]);
    if (timer !== undefined) this.clock.clearTimeout(timer);

    let code: number;
    if (outcome === 'deadline') {
      abort.abort(new Error(`shutdown deadline of ${this.timeoutMs} ms passed`));
      this.logger?.error({ timeoutMs: this.timeoutMs }, 'shutdown deadline passed before every step finished');
      code = 1;
    } else {
      code = outcome.failed ? 1 : 0;
      this.logger?.info({ durationMs: Math.round(this.clock.now() - started), failed: outcome.failed }, 'shutdown finished');
    }
    code = Math.max(code, requestedCode);
    this.exit(code);
    return code;
  }

  private async runSteps(context: StopContext): Promise<{ failed: boolean }> {
    let failed = false;
    for (const { name, step } of this.steps) {
      if (context.signal.aborted) break;
      try {
        await step(context);
        this.logger?.debug({ step: name }, 'stopped');
      } catch (err: unknown) {
        failed = true;
        this.logger?.error({ err, step: name }, 'stop step failed; continuing with the next');
      }
    }
    return { failed };
  }
}
