/**
 * Stateful exponential backoff for retry loops that talk to the Kubernetes API (watch restarts).
 * The delay math is the shared one in backoff.ts, with jitter only downward: a delay never exceeds
 * its nominal value.
 */
import { backoffDelay, checkBackoffPolicy, InvalidBackoffOptionsError, type BackoffPolicy } from './backoff.js';

export interface RetryBackoffOptions {
  /** Delay of the first retry; > 0, so a failing watch never spins. */
  initialMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /**
   * Fraction of the delay that is random, 0..1: a delay d becomes uniform in [d*(1-jitter), d].
   * Default 0.5.
   */
  jitter?: number;
  /** Source of randomness in [0, 1); for tests. */
  random?: () => number;
}

export class RetryBackoff {
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: RetryBackoffOptions) {
    const { initialMs, maxMs, factor = 2, jitter = 0.5, random = Math.random } = options;
    if (!(initialMs > 0)) throw new InvalidBackoffOptionsError('initialMs', 'use a positive number of milliseconds');
    this.policy = { baseMs: initialMs, maxMs, factor, jitter, spread: 'below' };
    checkBackoffPolicy(this.policy, { names: { baseMs: 'initialMs' } });
    this.random = random;
  }

  /** Retries taken since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next retry; each call counts one attempt. */
  next(): number {
    const ms = backoffDelay(this.attempt, this.policy, this.random);
    this.attempt += 1;
    return ms;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Waits `ms` or until `signal` aborts, whichever comes first. Resolves true when the full delay
 * passed, false when aborted; never rejects, so retry loops need no try/catch around it.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
