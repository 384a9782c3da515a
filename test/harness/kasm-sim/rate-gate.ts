/**
 * A token bucket on the simulator's clock. Kasm documents no rate limit; this lets tests and
 * benchmarks put one in front of the simulator to exercise the client's 429 handling.
 */
export interface RateLimitOptions {
  /** Bucket size: requests allowed at once after a quiet period. Default: max(1, requestsPerSecond). */
  burst?: number;
  /** Value of the Retry-After header on 429, in whole seconds. Default 1. */
  retryAfterSeconds?: number;
}

export interface RateVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

interface Bucket {
  ratePerMs: number;
  capacity: number;
  tokens: number;
  updatedAt: number;
  retryAfterSeconds: number;
}

export class RateGate {
  #bucket: Bucket | null = null;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  configure(requestsPerSecond: number | null, options: RateLimitOptions = {}): void {
    if (requestsPerSecond === null) {
      this.#bucket = null;
      return;
    }
    if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
      throw new RangeError(`setRateLimit: requestsPerSecond must be a number > 0 or null, got ${requestsPerSecond}`);
    }
    const capacity = options.burst ?? Math.max(1, requestsPerSecond);
    if (!Number.isFinite(capacity) || capacity < 1) {
      throw new RangeError(`setRateLimit: burst must be a number >= 1, got ${capacity}`);
    }
    const retryAfterSeconds = options.retryAfterSeconds ?? 1;
    if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
      throw new RangeError(`setRateLimit: retryAfterSeconds must be a whole number >= 0, got ${retryAfterSeconds}`);
    }
    this.#bucket = {
      ratePerMs: requestsPerSecond / 1000,
      capacity,
      tokens: capacity,
      updatedAt: this.#now(),
      retryAfterSeconds,
    };
  }

  /** Takes one token if there is one. */
  take(): RateVerdict {
    const bucket = this.#bucket;
    if (bucket === null) {
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const now = this.#now();
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.updatedAt) * bucket.ratePerMs);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: bucket.retryAfterSeconds };
  }
}
