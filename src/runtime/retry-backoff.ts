/**
 * Exponential backoff with jitter, capped, for retry loops that talk to the Kubernetes API (watch
 * restarts, lease renewals). Jitter keeps many replicas or informers from retrying in lock step.
 */
export interface RetryBackoffOptions {
  /** Delay of the first retry. */
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

export class InvalidBackoffOptionsError extends Error {
  readonly retryable = false;
  constructor(field: string, fix: string) {
    super(`invalid backoff option ${field}: ${fix}`);
    this.name = 'InvalidBackoffOptionsError';
  }
}

export class RetryBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: RetryBackoffOptions) {
    const { initialMs, maxMs, factor = 2, jitter = 0.5, random = Math.random } = options;
    if (!(Number.isFinite(initialMs) && initialMs > 0)) throw new InvalidBackoffOptionsError('initialMs', 'use a positive number of milliseconds');
    if (!(Number.isFinite(maxMs) && maxMs >= initialMs)) throw new InvalidBackoffOptionsError('maxMs', `use a number >= initialMs (${initialMs})`);
    if (!(Number.isFinite(factor) && factor >= 1)) throw new InvalidBackoffOptionsError('factor', 'use a number >= 1');
    if (!(jitter >= 0 && jitter <= 1)) throw new InvalidBackoffOptionsError('jitter', 'use a fraction between 0 and 1');
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.jitter = jitter;
    this.random = random;
  }

  /** Retries taken since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next retry; each call counts one attempt. */
  next(): number {
    // Cap the exponent so the power never overflows to Infinity on long outages.
    const exp = Math.min(this.attempt, 64);
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** exp);
    this.attempt += 1;
    return Math.round(base * (1 - this.jitter * this.random()));
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
