/**
 * The simulator's clock: wall time plus an offset that tests can push forward, so session start,
 * expiry and the rate limiter's token bucket can be driven without waiting.
 */
export class SimClock {
  #offsetMs = 0;

  /** Milliseconds since the epoch, with sub-millisecond precision. */
  now(): number {
    return performance.timeOrigin + performance.now() + this.#offsetMs;
  }

  /** Moves simulated time forward; the real clock keeps running underneath. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`clock.advance(ms): ms must be a finite number >= 0, got ${ms}`);
    }
    this.#offsetMs += ms;
  }
}
