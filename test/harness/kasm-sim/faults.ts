/**
 * Faults that tests switch on at run time: per-verb failure rules and added latency.
 */
export type FaultMode = 'json500' | 'html500' | '502' | '503' | 'reset' | 'hang';

export const FAULT_MODES: readonly FaultMode[] = ['json500', 'html500', '502', '503', 'reset', 'hang'];

export interface FaultSpec {
  mode: FaultMode;
  /** Probability that a matching request fails, 0..1. Default 1. */
  rate?: number;
  /** How many matching requests fail before the rule retires. Default unlimited. */
  times?: number;
  /** Run the request against the state first, then fail the reply (the write took effect). Ignored for 503. */
  afterProcessing?: boolean;
}

export type Latency = number | { minMs: number; maxMs: number };

interface FaultRule {
  endpoint: string;
  mode: FaultMode;
  rate: number;
  remaining: number;
  afterProcessing: boolean;
}

/** What to do with one request. */
export interface FaultDecision {
  mode: FaultMode;
  afterProcessing: boolean;
}

export class FaultPlan {
  #rules: FaultRule[] = [];
  #latency: { minMs: number; maxMs: number } = { minMs: 0, maxMs: 0 };
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  setLatency(latency: Latency): void {
    const range = typeof latency === 'number' ? { minMs: latency, maxMs: latency } : latency;
    if (!Number.isFinite(range.minMs) || !Number.isFinite(range.maxMs) || range.minMs < 0 || range.maxMs < range.minMs) {
      throw new RangeError(
        `setLatency: need 0 <= minMs <= maxMs (finite numbers), got ${JSON.stringify(latency)}`,
      );
    }
    this.#latency = { ...range };
  }

  /** A latency sample for one request, in ms. */
  sampleLatency(): number {
    const { minMs, maxMs } = this.#latency;
    return minMs === maxMs ? minMs : minMs + this.#random() * (maxMs - minMs);
  }

  failEndpoint(endpoint: string, fault: FaultSpec): void {
    if (endpoint.length === 0) {
      throw new Error("failEndpoint: endpoint must be a verb such as 'create_user' or '*'");
    }
    if (!FAULT_MODES.includes(fault.mode)) {
      throw new Error(`failEndpoint: unknown mode "${String(fault.mode)}"; use one of ${FAULT_MODES.join(', ')}`);
    }
    const rate = fault.rate ?? 1;
    if (!(rate >= 0 && rate <= 1)) {
      throw new RangeError(`failEndpoint: rate must be within 0..1, got ${rate}`);
    }
    const times = fault.times ?? Number.POSITIVE_INFINITY;
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times >= 0))) {
      throw new RangeError(`failEndpoint: times must be a whole number >= 0, got ${times}`);
    }
    this.#rules.push({
      endpoint,
      mode: fault.mode,
      rate,
      remaining: times,
      afterProcessing: fault.mode !== '503' && (fault.afterProcessing ?? false),
    });
  }

  /** The fault for a request to `endpoint`, consuming one use of the rule that fires. First matching rule wins. */
  decide(endpoint: string): FaultDecision | undefined {
    for (const rule of this.#rules) {
      if (rule.remaining <= 0 || (rule.endpoint !== '*' && rule.endpoint !== endpoint)) {
        continue;
      }
      if (rule.rate < 1 && this.#random() >= rule.rate) {
        continue;
      }
      rule.remaining -= 1;
      return { mode: rule.mode, afterProcessing: rule.afterProcessing };
    }
    return undefined;
  }

  clear(): void {
    this.#rules = [];
    this.#latency = { minMs: 0, maxMs: 0 };
  }
}
