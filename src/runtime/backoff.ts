/**
 * Exponential backoff with jitter, shared by the work queue (reconcile retries, poll spreading) and
 * RetryBackoff (informer watch restarts). Jitter keeps many keys, informers or replicas from
 * retrying in lock step.
 */

/**
 * How jitter spreads a delay d by the fraction j. 'around': uniform in [d(1-j), d(1+j)], so the mean
 * rate stays as configured (queue retries, polls). 'below': uniform in [d(1-j), d], never later than
 * d (watch restarts: a broken watch is not left waiting past its nominal delay).
 */
export type JitterSpread = 'around' | 'below';

export interface BackoffPolicy {
  /** Delay of the first retry (attempt 0), before jitter. */
  baseMs: number;
  /** Upper bound of any delay, jitter included. */
  maxMs: number;
  /** Growth per attempt, >= 1. */
  factor: number;
  /** Random fraction of the delay: 0..1 for 'below', 0..<1 for 'around'. */
  jitter: number;
  spread: JitterSpread;
}

export class InvalidBackoffOptionsError extends Error {
  readonly retryable = false;
  constructor(field: string, fix: string, where?: string) {
    super(`${where === undefined ? '' : `${where}: `}invalid backoff option ${field}: ${fix}`);
    this.name = 'InvalidBackoffOptionsError';
  }
}

export interface CheckBackoffOptions {
  /** The caller's option names for policy fields, so the message names what was actually set. */
  names?: Partial<Record<keyof BackoffPolicy, string>>;
  /** Who owns the options (e.g. `WorkQueue kasmusers`), prefixed to the message. */
  where?: string;
}

/** Throws InvalidBackoffOptionsError naming the first bad field and its fix. */
export function checkBackoffPolicy(policy: BackoffPolicy, options: CheckBackoffOptions = {}): void {
  const name = (field: keyof BackoffPolicy): string => options.names?.[field] ?? field;
  const fail = (field: keyof BackoffPolicy, fix: string): never => {
    throw new InvalidBackoffOptionsError(name(field), fix, options.where);
  };
  const { baseMs, maxMs, factor, jitter: fraction, spread } = policy;
  if (!(Number.isFinite(baseMs) && baseMs >= 0)) fail('baseMs', 'use a number of milliseconds >= 0');
  // A finite cap also keeps every delay within what timers accept.
  if (!(Number.isFinite(maxMs) && maxMs >= baseMs)) fail('maxMs', `use a finite number >= ${name('baseMs')} (${baseMs})`);
  if (!(Number.isFinite(factor) && factor >= 1)) fail('factor', 'use a number >= 1');
  if (spread === 'around' ? !(fraction >= 0 && fraction < 1) : !(fraction >= 0 && fraction <= 1)) {
    fail('jitter', spread === 'around' ? 'use a fraction >= 0 and < 1' : 'use a fraction between 0 and 1');
  }
}

/** The delay of retry `attempt` (0-based) before jitter: base·factor^attempt, never above max. */
export function exponentialDelay(attempt: number, policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs' | 'factor'>): number {
  if (policy.baseMs === 0) return 0;
  // Capping the exponent keeps the power finite (or at worst Infinity, never NaN) on long outages.
  const exponent = Math.min(Math.max(0, attempt), 64);
  return Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
}

/** `ms` scaled by a random factor in [1 - fraction, 1 + fraction]; spreads polls of many objects apart. */
export function jitter(ms: number, fraction: number, random: () => number = Math.random): number {
  return ms * (1 + fraction * (2 * random() - 1));
}

/** `ms` scaled by a random factor in [1 - fraction, 1]: never later than `ms`. */
export function jitterBelow(ms: number, fraction: number, random: () => number = Math.random): number {
  return ms * (1 - fraction * random());
}

/** Delay before retry number `attempt + 1`, in whole milliseconds within [0, maxMs]. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const nominal = exponentialDelay(attempt, policy);
  const spread = policy.spread === 'around' ? jitter(nominal, policy.jitter, random) : jitterBelow(nominal, policy.jitter, random);
  return Math.min(policy.maxMs, Math.max(0, Math.round(spread)));
}
