import type { EndpointKind } from './endpoint.js';
import { KasmError, KasmRateLimitedError, KasmServerError, KasmTransportError } from './errors.js';

/**
 * When a failed attempt is tried again, and after how long. Reads retry on any transient failure;
 * writes only when Kasm cannot have acted on the request, so a retry never creates a second user.
 */

export interface RetryConfig {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After above this is not waited for. */
  maxRetryAfterMs: number;
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

/** Full jitter: uniform in [0, min(maxDelay, base * 2^failedAttemptIndex)). */
export function backoffDelayMs(failedAttemptIndex: number, config: Pick<RetryConfig, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.min(failedAttemptIndex, 30));
  return Math.floor(random() * ceiling);
}

/** Whether this error may be retried for an endpoint of this kind, ignoring attempt counts. */
export function isRetryableFailure(kind: EndpointKind, error: unknown): boolean {
  if (!(error instanceof KasmError)) {
    return false;
  }
  if (error instanceof KasmRateLimitedError) {
    return true;
  }
  if (error instanceof KasmTransportError) {
    if (error.failure === 'aborted') {
      return false;
    }
    return kind === 'read' || !error.mayHaveTakenEffect;
  }
  if (error instanceof KasmServerError) {
    // 503 means the server turned the request away before processing it; 500/502/504 may hide a done write.
    return kind === 'read' || error.status === 503;
  }
  return false;
}

/**
 * @param attemptsMade attempts already made, including the one that failed (1 after the first failure).
 */
export function decideRetry(input: {
  error: unknown;
  kind: EndpointKind;
  attemptsMade: number;
  config: RetryConfig;
  random?: () => number;
}): RetryDecision {
  const { error, kind, attemptsMade, config } = input;
  if (!isRetryableFailure(kind, error)) {
    const code = error instanceof KasmError ? error.code : 'unexpected error';
    return { retry: false, reason: `${code} is not retried for a ${kind}` };
  }
  if (attemptsMade >= config.maxAttempts) {
    return { retry: false, reason: `all ${config.maxAttempts} attempts used` };
  }
  const jitter = backoffDelayMs(attemptsMade - 1, config, input.random);
  if (error instanceof KasmRateLimitedError && error.retryAfterMs !== undefined) {
    if (error.retryAfterMs > config.maxRetryAfterMs) {
      return { retry: false, reason: `Retry-After ${error.retryAfterMs} ms exceeds the ${config.maxRetryAfterMs} ms limit` };
    }
    return { retry: true, delayMs: Math.max(error.retryAfterMs, jitter), reason: 'Retry-After' };
  }
  return { retry: true, delayMs: jitter, reason: error instanceof KasmError ? error.code : 'error' };
}
