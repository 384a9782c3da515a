import { describe, expect, it } from 'vitest';
import {
  KasmBusinessError,
  KasmCircuitOpenError,
  KasmConflictError,
  KasmNotFoundError,
  KasmRateLimitedError,
  KasmServerError,
  KasmTransportError,
} from '../../../src/kasm/errors.js';
import type { TransportFailure } from '../../../src/kasm/errors.js';
import { backoffDelayMs, decideRetry, isRetryableFailure } from '../../../src/kasm/retry-policy.js';
import type { RetryConfig } from '../../../src/kasm/retry-policy.js';

const config: RetryConfig = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

const server = (status: number) => new KasmServerError(`HTTP ${status}`, { endpoint: 'x', status });
const transport = (failure: TransportFailure, mayHaveTakenEffect: boolean) =>
  new KasmTransportError(failure, { endpoint: 'x', status: 0, failure, mayHaveTakenEffect });
const rateLimited = (retryAfterMs?: number) => new KasmRateLimitedError('429', { endpoint: 'x', status: 429, retryAfterMs });

describe('backoffDelayMs (full jitter)', () => {
  it('draws from [0, min(maxDelay, base * 2^attempt))', () => {
    expect(backoffDelayMs(0, config, () => 0)).toBe(0);
    expect(backoffDelayMs(0, config, () => 0.999)).toBe(99);
    expect(backoffDelayMs(1, config, () => 0.5)).toBe(100);
    expect(backoffDelayMs(2, config, () => 0.5)).toBe(200);
    expect(backoffDelayMs(3, config, () => 0.999)).toBe(799);
    // capped at maxDelayMs
    expect(backoffDelayMs(4, config, () => 0.999)).toBe(999);
    expect(backoffDelayMs(60, config, () => 0.999)).toBe(999);
  });

  it('spreads delays over the whole range', () => {
    const samples = Array.from({ length: 400 }, () => backoffDelayMs(3, config));
    expect(Math.min(...samples)).toBeLessThan(100);
    expect(Math.max(...samples)).toBeGreaterThan(700);
    expect(samples.every((delay) => delay >= 0 && delay < 800)).toBe(true);
  });
});

describe('isRetryableFailure', () => {
  it('reads retry on 429, every 5xx and transport errors except caller aborts', () => {
    for (const error of [rateLimited(), server(500), server(502), server(503), server(504), transport('reset', true), transport('timeout', true), transport('refused', false), transport('dns', false)]) {
      expect(isRetryableFailure('read', error), error.message).toBe(true);
    }
    expect(isRetryableFailure('read', transport('aborted', true))).toBe(false);
  });

  it('writes retry only when Kasm cannot have acted: refused/dns/tls, 429, 503', () => {
    for (const error of [rateLimited(), server(503), transport('refused', false), transport('dns', false), transport('tls', false)]) {
      expect(isRetryableFailure('write', error), error.message).toBe(true);
    }
    for (const error of [server(500), server(502), server(504), transport('reset', true), transport('timeout', true), transport('other', true), transport('aborted', false)]) {
      expect(isRetryableFailure('write', error), error.message).toBe(false);
    }
  });

  it('never retries client-side or business errors, circuit-open, or foreign errors', () => {
    const others = [
      new KasmNotFoundError('nf', { endpoint: 'x', status: 200 }),
      new KasmConflictError('c', { endpoint: 'x', status: 200 }),
      new KasmBusinessError('b', { endpoint: 'x', status: 200, kasmMessage: 'No resources are available', retryable: true }),
      new KasmCircuitOpenError('open', { endpoint: 'x', status: 0, retryAt: new Date() }),
      new Error('bug'),
    ];
    for (const error of others) {
      expect(isRetryableFailure('read', error)).toBe(false);
    }
  });
});

describe('decideRetry', () => {
  it('stops after maxAttempts attempts in total', () => {
    expect(decideRetry({ error: server(500), kind: 'read', attemptsMade: 3, config, random: () => 0 }).retry).toBe(true);
    const last = decideRetry({ error: server(500), kind: 'read', attemptsMade: 4, config, random: () => 0 });
    expect(last.retry).toBe(false);
    expect(last.reason).toContain('4 attempts');
  });

  it('backs off by the failed attempt number', () => {
    const decision = decideRetry({ error: server(500), kind: 'read', attemptsMade: 3, config, random: () => 0.5 });
    expect(decision).toMatchObject({ retry: true, delayMs: 200 });
  });

  it('waits at least Retry-After', () => {
    const decision = decideRetry({ error: rateLimited(2000), kind: 'write', attemptsMade: 1, config, random: () => 0.9 });
    expect(decision).toMatchObject({ retry: true, delayMs: 2000 });
    const small = decideRetry({ error: rateLimited(10), kind: 'read', attemptsMade: 3, config, random: () => 0.9 });
    expect(small.retry && small.delayMs).toBe(360);
  });

  it('gives up when Retry-After exceeds maxRetryAfterMs', () => {
    const decision = decideRetry({ error: rateLimited(5001), kind: 'read', attemptsMade: 1, config });
    expect(decision.retry).toBe(false);
    expect(decision.reason).toContain('Retry-After');
  });

  it('does not retry a write on a 500', () => {
    expect(decideRetry({ error: server(500), kind: 'write', attemptsMade: 1, config }).retry).toBe(false);
  });
});
