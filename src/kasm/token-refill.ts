/**
 * Refills Bottleneck's reservoir as a continuous token bucket: capacity `burst`, `requestsPerSecond`
 * tokens per second, accrued from the moment a token is actually spent. Bottleneck's own periodic
 * top-up runs on a fixed beat that ignores when tokens were spent, so a full one-token bucket could
 * let a stored token and a fresh one out back to back; here the bucket never holds more than
 * `burst` tokens, granted or not, and any T seconds carry at most burst + requestsPerSecond * T starts.
 *
 * A token is "granted" once handed to the reservoir and "spent" when a call starts. The timer runs
 * only while the bucket is not full, so an idle connection costs no wake-ups.
 */

export interface TokenRefillOptions {
  requestsPerSecond: number;
  burst: number;
  /** Hands `tokens` more to the reservoir. */
  grant: (tokens: number) => void;
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** Slack for floating-point accrual (a token is whole once within this of 1). */
const epsilon = 1e-9;

export class TokenRefill {
  readonly #perMs: number;
  readonly #capacity: number;
  readonly #grant: (tokens: number) => void;
  readonly #now: () => number;
  readonly #setTimer: (callback: () => void, ms: number) => unknown;
  readonly #clearTimer: (timer: unknown) => void;
  /** Accrued tokens not yet granted. */
  #level = 0;
  /** Granted tokens not yet spent; the reservoir starts full. */
  #outstanding: number;
  #last: number;
  #timer: unknown;
  #stopped = false;

  constructor(options: TokenRefillOptions) {
    this.#perMs = options.requestsPerSecond / 1000;
    this.#capacity = options.burst;
    this.#grant = options.grant;
    this.#now = options.now ?? (() => performance.now());
    this.#setTimer =
      options.setTimer ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms);
        timer.unref();
        return timer;
      });
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
    this.#outstanding = options.burst;
    this.#last = this.#now();
  }

  /** Tokens granted but not spent, and accrued but not granted. */
  state(): { outstanding: number; level: number } {
    return { outstanding: this.#outstanding, level: this.#level };
  }

  /** A call holding a granted token has started. */
  spent(): void {
    this.#accrue();
    this.#outstanding = Math.max(0, this.#outstanding - 1);
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) {
      this.#clearTimer(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Accrues up to now; the bucket (granted + accrued) never exceeds capacity. */
  #accrue(): void {
    const now = this.#now();
    const room = this.#capacity - this.#outstanding;
    this.#level = Math.min(room, this.#level + (now - this.#last) * this.#perMs);
    this.#last = now;
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#stopped) {
      return;
    }
    this.#accrue();
    const whole = Math.floor(this.#level + epsilon);
    if (whole > 0) {
      this.#level = Math.max(0, this.#level - whole);
      this.#outstanding += whole;
      this.#grant(whole);
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped || this.#timer !== undefined || this.#outstanding + this.#level >= this.#capacity - epsilon) {
      return;
    }
    const missing = Math.max(0, 1 - this.#level);
    const delayMs = Math.max(1, Math.ceil(missing / this.#perMs));
    this.#timer = this.#setTimer(() => this.#onTimer(), delayMs);
  }
}
