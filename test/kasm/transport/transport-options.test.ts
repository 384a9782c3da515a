import { describe, expect, it } from 'vitest';
import { KasmTransportOptionsError, parseKasmTransportOptions } from '../../../src/kasm/transport-options.js';
import type { KasmTransportOptions } from '../../../src/kasm/transport-options.js';

const minimal = { baseUrl: 'https://kasm.example.com', apiKey: 'key', apiSecret: 'secret' };

function fieldOf(options: unknown): { field: string; message: string } {
  try {
    parseKasmTransportOptions(options as KasmTransportOptions);
  } catch (error) {
    if (error instanceof KasmTransportOptionsError) {
      return { field: error.field, message: error.message };
    }
    throw error;
  }
  throw new Error('expected KasmTransportOptionsError');
}

describe('parseKasmTransportOptions', () => {
  it('fills the documented defaults', () => {
    const options = parseKasmTransportOptions(minimal);
    expect(options).toMatchObject({
      name: 'default',
      baseUrl: 'https://kasm.example.com',
      timeoutMs: 30_000,
      tls: { insecureSkipVerify: false },
      rateLimit: { requestsPerSecond: 100, burst: 100, maxConcurrent: 10 },
      retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 },
      breaker: { failureThreshold: 5, openMs: 30_000, maxOpenMs: 300_000 },
    });
  });

  it('burst defaults to requestsPerSecond and can be set apart', () => {
    expect(parseKasmTransportOptions({ ...minimal, rateLimit: { requestsPerSecond: 20 } }).rateLimit.burst).toBe(20);
    expect(parseKasmTransportOptions({ ...minimal, rateLimit: { requestsPerSecond: 20, burst: 1 } }).rateLimit.burst).toBe(1);
    expect(parseKasmTransportOptions({ ...minimal, rateLimit: { requestsPerSecond: 0.5 } }).rateLimit.burst).toBe(1);
  });

  it('keeps a path prefix and drops the trailing slash', () => {
    expect(parseKasmTransportOptions({ ...minimal, baseUrl: 'http://10.0.0.1:8443/kasm/' }).baseUrl).toBe('http://10.0.0.1:8443/kasm');
  });

  it('names the bad field', () => {
    expect(fieldOf({ ...minimal, baseUrl: 'ftp://kasm' }).field).toBe('baseUrl');
    expect(fieldOf({ ...minimal, baseUrl: 'kasm.example.com' }).message).toContain('baseUrl');
    expect(fieldOf({ baseUrl: minimal.baseUrl, apiKey: 'k' }).field).toBe('apiSecret');
    expect(fieldOf({ ...minimal, apiKey: '' }).field).toBe('apiKey');
    expect(fieldOf({ ...minimal, timeoutMs: -5 }).field).toBe('timeoutMs');
    expect(fieldOf({ ...minimal, rateLimit: { requestsPerSecond: 0 } }).field).toBe('rateLimit.requestsPerSecond');
    expect(fieldOf({ ...minimal, rateLimit: { burst: 1.5 } }).field).toBe('rateLimit.burst');
    expect(fieldOf({ ...minimal, rateLimit: { requestsPerSecond: 1000, burst: 2 } }).field).toBe('rateLimit.burst');
    expect(fieldOf({ ...minimal, retry: { baseDelayMs: 500, maxDelayMs: 100 } }).field).toBe('retry.maxDelayMs');
    expect(fieldOf({ ...minimal, breaker: { openMs: 1000, maxOpenMs: 10 } }).field).toBe('breaker.maxOpenMs');
    expect(fieldOf({ ...minimal, tls: { insecureSkipVerify: 'yes' } }).field).toBe('tls.insecureSkipVerify');
  });

  it('rejects unknown keys, so typos do not pass silently', () => {
    const result = fieldOf({ ...minimal, retry: { maxAttemps: 3 } });
    expect(result.field).toBe('retry');
    expect(result.message).toContain('maxAttemps');
  });

  it('does not echo the secret in its errors', () => {
    const result = fieldOf({ ...minimal, apiSecret: 'TOPSECRET-1', timeoutMs: 'soon' });
    expect(result.message).not.toContain('TOPSECRET-1');
  });
});
