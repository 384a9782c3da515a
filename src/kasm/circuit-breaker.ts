import { KasmCircuitOpenError } from './errors.js';

/**
 * One breaker per Kasm connection, so an outage turns into fast failures instead of a retry storm.
 * Closed: calls pass; `failureThreshold` consecutive transport/5xx failures open it. Open: calls fail
 * fast until `retryAt`. Then one probe is let through (half-open): success closes the breaker, failure
 * opens it again for twice as long (capped at maxOpenMs).
 */

export type BreakerStateName = 'closed' | 'open' | 'half-open';

export interface BreakerSnapshot {
  state: BreakerStateName;
  consecutiveFailures: number;
  openedAt?: Date;
  retryAt?: Date;
}

export interface CircuitBreakerConfig {
  failureThreshold: number;
  openMs: number;
  maxOpenMs: number;
}

/**
 * How an admitted call ended, for the breaker: `failure` (transport or 5xx), `success` (Kasm answered
 * sensibly), `neutral` (429 or a business error: Kasm is up but said no; also a caller abort).
 */
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/** Proof of admission; hand it back to `record` exactly once. */
export interface BreakerTicket {
  readonly probe: boolean;
}

export interface CircuitBreakerOptions extends CircuitBreakerConfig {
  /** Connection label, for messages. */
  name: string;
  now?: () => number;
  onStateChange?: (state: BreakerStateName, snapshot: BreakerSnapshot) => void;
}

export class CircuitBreaker {
  readonly #config: CircuitBreakerConfig;
  readonly #name: string;
  readonly #now: () => number;
  readonly #onStateChange: ((state: BreakerStateName, snapshot: BreakerSnapshot) => void) | undefined;
  #state: BreakerStateName = 'closed';
  #failures = 0;
  #openedAt = 0;
  #retryAt = 0;
  #currentOpenMs: number;
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    this.#config = { failureThreshold: options.failureThreshold, openMs: options.openMs, maxOpenMs: options.maxOpenMs };
    this.#name = options.name;
    this.#now = options.now ?? Date.now;
    this.#onStateChange = options.onStateChange;
    this.#currentOpenMs = options.openMs;
  }

  snapshot(): BreakerSnapshot {
    const base = { state: this.#state, consecutiveFailures: this.#failures };
    if (this.#state === 'closed') {
      return base;
    }
    return { ...base, openedAt: new Date(this.#openedAt), retryAt: new Date(this.#retryAt) };
  }

  /** Throws KasmCircuitOpenError when a call to `endpoint` must fail fast; does not take the probe slot. */
  check(endpoint: string): void {
    if (this.#state === 'open' && this.#now() >= this.#retryAt) {
      return;
    }
    if (this.#state !== 'closed') {
      throw this.#openError(endpoint);
    }
  }

  /** Admits a call or throws KasmCircuitOpenError. The first call after the open period is the probe. */
  admit(endpoint: string): BreakerTicket {
    if (this.#state === 'closed') {
      return { probe: false };
    }
    if (this.#state === 'open' && this.#now() >= this.#retryAt && !this.#probeInFlight) {
      this.#probeInFlight = true;
      this.#transition('half-open');
      return { probe: true };
    }
    throw this.#openError(endpoint);
  }

  record(ticket: BreakerTicket, outcome: BreakerOutcome): void {
    if (ticket.probe) {
      this.#probeInFlight = false;
      if (outcome === 'failure') {
        this.#failures += 1;
        this.#currentOpenMs = Math.min(this.#currentOpenMs * 2, this.#config.maxOpenMs);
        this.#open();
      } else {
        // Kasm answered (even a 429 or a business error proves it is reachable).
        this.#close();
      }
      return;
    }
    if (outcome === 'success') {
      if (this.#state === 'closed') {
        this.#failures = 0;
      }
      return;
    }
    if (outcome === 'failure' && this.#state === 'closed') {
      this.#failures += 1;
      if (this.#failures >= this.#config.failureThreshold) {
        this.#open();
      }
    }
  }

  /** A probe that ended without an outcome (cancelled by its caller): let the next call probe instead. */
  releaseProbe(ticket: BreakerTicket): void {
    if (ticket.probe && this.#state === 'half-open') {
      this.#probeInFlight = false;
      this.#state = 'open';
      this.#onStateChange?.('open', this.snapshot());
    }
  }

  #open(): void {
    const now = this.#now();
    this.#openedAt = now;
    this.#retryAt = now + this.#currentOpenMs;
    this.#transition('open');
  }

  #close(): void {
    this.#failures = 0;
    this.#currentOpenMs = this.#config.openMs;
    this.#transition('closed');
  }

  #transition(state: BreakerStateName): void {
    this.#state = state;
    this.#onStateChange?.(state, this.snapshot());
  }

  #openError(endpoint: string): KasmCircuitOpenError {
    const now = this.#now();
    // While a probe runs its outcome decides soon; callers are told to come back shortly, not hammer.
    const retryAt = new Date(this.#state === 'half-open' ? now + Math.min(1000, this.#config.openMs) : this.#retryAt);
    const why =
      this.#state === 'half-open'
        ? 'a probe request is in flight'
        : `${this.#failures} consecutive failures; open for ${this.#currentOpenMs} ms`;
    return new KasmCircuitOpenError(
      `Kasm connection '${this.#name}' circuit breaker is ${this.#state} (${why}): ${endpoint} not sent; will try again at ${retryAt.toISOString()}`,
      { endpoint, status: 0, retryAt },
    );
  }
}
