import Bottleneck from 'bottleneck';
import type { CallPriority } from './endpoint.js';
import { TokenRefill } from './token-refill.js';

/**
 * The per-connection limiter: Bottleneck's reservoir is the token bucket (it starts with `burst`
 * tokens and TokenRefill tops it up at `requestsPerSecond`, so any T seconds carry at most
 * burst + requestsPerSecond * T requests), `maxConcurrent` caps requests in flight, and Bottleneck's
 * priorities let calls a user waits for run before background reads.
 */

export interface RateLimiterConfig {
  requestsPerSecond: number;
  burst: number;
  maxConcurrent: number;
}

const priorityLevel: Record<CallPriority, number> = { user: 2, background: 6 };

export interface RateLimiterOptions extends RateLimiterConfig {
  /** Called whenever the number of queued calls may have changed. */
  onQueueChange?: (queued: number) => void;
}

export interface ScheduleOptions {
  priority: CallPriority;
  signal?: AbortSignal | undefined;
  /** The error a call cancelled while queued rejects with. */
  abortError: () => Error;
}

export class RateLimiter {
  readonly #limiter: Bottleneck;
  readonly #onQueueChange: ((queued: number) => void) | undefined;
  readonly #refill: TokenRefill;

  constructor(options: RateLimiterOptions) {
    this.#limiter = new Bottleneck({ maxConcurrent: options.maxConcurrent, reservoir: options.burst });
    this.#refill = new TokenRefill({
      requestsPerSecond: options.requestsPerSecond,
      burst: options.burst,
      grant: (tokens) => this.#giveTokens(tokens),
    });
    this.#onQueueChange = options.onQueueChange;
    if (this.#onQueueChange !== undefined) {
      // Bottleneck emits 'queued' before the job is in the queue: count once the event has settled.
      const report = () => queueMicrotask(() => this.#onQueueChange?.(this.queued()));
      this.#limiter.on('queued', report);
      this.#limiter.on('executing', report);
      this.#limiter.on('dropped', report);
      this.#limiter.on('done', report);
    }
    // Bottleneck emits 'error' for failures inside its own machinery; the job's promise carries them too.
    this.#limiter.on('error', () => undefined);
  }

  queued(): number {
    return this.#limiter.queued();
  }

  /** Runs `task` when a token and a concurrency slot are free. A call aborted while queued never runs. */
  schedule<T>(options: ScheduleOptions, task: () => Promise<T>): Promise<T> {
    const { signal } = options;
    if (signal?.aborted === true) {
      return Promise.reject(options.abortError());
    }
    return new Promise<T>((resolve, reject) => {
      let state: 'queued' | 'running' | 'cancelled' = 'queued';
      const onAbort = () => {
        if (state === 'queued') {
          state = 'cancelled';
          reject(options.abortError());
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#limiter
        .schedule({ priority: priorityLevel[options.priority] }, async () => {
          signal?.removeEventListener('abort', onAbort);
          if (state === 'cancelled') {
            // Nothing is sent: the token goes back.
            this.#giveTokens(1);
            return;
          }
          this.#refill.spent();
          state = 'running';
          try {
            resolve(await task());
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        })
        .catch((error: unknown) => {
          // Dropped by stop(): only reachable while still queued.
          signal?.removeEventListener('abort', onAbort);
          if (state === 'queued') {
            state = 'cancelled';
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
    });
  }

  #giveTokens(tokens: number): void {
    this.#limiter.incrementReservoir(tokens).catch(() => undefined);
  }

  /** Drops queued calls (they reject) and stops the refill timer; running calls finish. */
  async stop(): Promise<void> {
    this.#refill.stop();
    await this.#limiter.stop({ dropWaitingJobs: true, dropErrorMessage: 'the Kasm connection was closed' });
    await this.#limiter.disconnect();
  }
}
