import { describe, expect, it } from 'vitest';
import { backoffDelay, checkBackoffPolicy, exponentialDelay, InvalidBackoffOptionsError, jitter, jitterBelow, type BackoffPolicy } from '../../src/runtime/backoff.js';

// The work queue's defaults: retries spread ±10 % around base·2^n, capped at 5 min.
const around: BackoffPolicy = { baseMs: 1_000, maxMs: 300_000, factor: 2, jitter: 0.1, spread: 'around' };
// RetryBackoff's shape: jitter only downward.
const below: BackoffPolicy = { baseMs: 1_000, maxMs: 8_000, factor: 2, jitter: 0.5, spread: 'below' };
const neutral = (): number => 0.5;
const top = (): number => 0.999999;

describe('exponentialDelay', () => {
  it('grows by the factor from the base and stops at the maximum', () => {
    expect([0, 1, 2, 3, 4].map((n) => exponentialDelay(n, around))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(exponentialDelay(8, around)).toBe(256_000);
    expect(exponentialDelay(9, around)).toBe(300_000);
    expect([0, 1, 2].map((n) => exponentialDelay(n, { baseMs: 100, maxMs: 10_000, factor: 3 }))).toEqual([100, 300, 900]);
  });

  it('stays finite on very long outages, even with a zero base or a huge factor', () => {
    expect(exponentialDelay(500, around)).toBe(300_000);
    expect(exponentialDelay(1e9, { baseMs: 1, maxMs: 30_000, factor: 1e10 })).toBe(30_000);
    expect(exponentialDelay(1e9, { baseMs: 0, maxMs: 0, factor: 1e10 })).toBe(0);
    expect(exponentialDelay(1e9, { baseMs: 5, maxMs: 50, factor: 1 })).toBe(5);
  });
});

describe('jitter', () => {
  it('jitter() spreads a poll interval by ± the fraction', () => {
    expect(jitter(60_000, 0.1, () => 0)).toBeCloseTo(54_000);
    expect(jitter(60_000, 0.1, neutral)).toBe(60_000);
    expect(jitter(60_000, 0.1, top)).toBeCloseTo(66_000, 0);
  });

  it('jitterBelow() only ever shortens', () => {
    expect(jitterBelow(8_000, 0.5, () => 0)).toBe(8_000);
    expect(jitterBelow(8_000, 0.5, neutral)).toBe(6_000);
    expect(jitterBelow(8_000, 0.5, top)).toBeCloseTo(4_000, 0);
  });
});

describe('backoffDelay', () => {
  it("'around': doubles from the base, neutral random gives the nominal delay", () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, around, neutral))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(backoffDelay(8, around, neutral)).toBe(256_000);
    expect(backoffDelay(9, around, neutral)).toBe(300_000);
    expect(backoffDelay(500, around, neutral)).toBe(300_000);
  });

  it("'around': keeps jitter within ±fraction and never above the maximum", () => {
    for (const n of [0, 3, 6]) {
      const plain = 1_000 * 2 ** n;
      expect(backoffDelay(n, around, () => 0)).toBe(plain * 0.9);
      expect(backoffDelay(n, around, top)).toBeCloseTo(plain * 1.1, -1);
    }
    expect(backoffDelay(20, around, top)).toBe(300_000);
    expect(backoffDelay(20, around, () => 0)).toBe(270_000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(4, around);
      expect(delay).toBeGreaterThanOrEqual(16_000 * 0.9);
      expect(delay).toBeLessThanOrEqual(16_000 * 1.1);
    }
  });

  it("'below': keeps jitter within [d·(1-fraction), d]", () => {
    for (const [n, d] of [[0, 1_000], [1, 2_000], [2, 4_000], [3, 8_000], [4, 8_000]] as const) {
      expect(backoffDelay(n, below, () => 0)).toBe(d);
      expect(backoffDelay(n, below, top)).toBe(d / 2);
    }
  });

  it('returns whole milliseconds, never negative', () => {
    expect(backoffDelay(0, { ...around, baseMs: 3 }, () => 0.3)).toBe(3);
    expect(backoffDelay(0, { ...below, baseMs: 3, jitter: 1 }, top)).toBe(0);
    expect(Number.isInteger(backoffDelay(2, around))).toBe(true);
  });

  it('spreads delays when random varies', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(3, around)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('checkBackoffPolicy', () => {
  it('accepts sane policies, including a zero base and full downward jitter', () => {
    expect(() => checkBackoffPolicy(around)).not.toThrow();
    expect(() => checkBackoffPolicy({ ...around, baseMs: 0, maxMs: 0, jitter: 0 })).not.toThrow();
    expect(() => checkBackoffPolicy({ ...below, jitter: 1 })).not.toThrow();
  });

  it('names the bad field, in the caller’s words', () => {
    expect(() => checkBackoffPolicy({ ...around, baseMs: -1 })).toThrow(/baseMs/);
    expect(() => checkBackoffPolicy({ ...around, maxMs: 10 })).toThrow(/maxMs: use a finite number >= baseMs \(1000\)/);
    expect(() => checkBackoffPolicy({ ...around, maxMs: Number.POSITIVE_INFINITY })).toThrow(/maxMs/);
    expect(() => checkBackoffPolicy({ ...around, factor: 0.5 })).toThrow(InvalidBackoffOptionsError);
    expect(() => checkBackoffPolicy({ ...around, jitter: 1 })).toThrow(/jitter: use a fraction >= 0 and < 1/);
    expect(() => checkBackoffPolicy({ ...below, jitter: 1.5 })).toThrow(/jitter: use a fraction between 0 and 1/);
    expect(() => checkBackoffPolicy({ ...around, maxMs: 10 }, { names: { baseMs: 'initialMs' }, where: 'informer' })).toThrow(
      /^informer: invalid backoff option maxMs: use a finite number >= initialMs/,
    );
  });
});
