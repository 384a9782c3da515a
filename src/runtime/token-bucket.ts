import { systemClock, type Clock } from './clock.js';

export interface TokenBucketOptions {
  /** Tokens added per second; Infinity disables the limit. */
  ratePerSecond: number;
  /** Most tokens held at once: how many takes may pass back to back after a quiet spell. */
  burst: number;
  clock?: Clock;
}

/**
 * A token bucket shared by every key of a queue, so a failure storm across many keys is spread out
 * in time even when each key's own backoff is still short. Reservations may drive the balance
 * negative: the caller is told how long to wait for its token, and later callers queue behind it.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError(`TokenBucket ratePerSecond must be > 0, got ${options.ratePerSecond}`);
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) throw new RangeError(`TokenBucket burst must be a finite number >= 1, got ${options.burst}`);
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.clock = options.clock ?? systemClock;
    this.tokens = options.burst;
    this.updatedAt = this.clock.now();
  }

  /** Take one token now or in the future; returns the wait in ms until it is available (0 = now). */
  reserve(): number {
    if (this.ratePerSecond === Infinity) return 0;
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.ratePerSecond) * 1000;
  }

  /** Take one token only if one is available now. */
  tryTake(): boolean {
    if (this.ratePerSecond === Infinity) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available now (negative while reservations are outstanding). */
  available(): number {
    if (this.ratePerSecond === Infinity) return this.burst;
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
  }
}
