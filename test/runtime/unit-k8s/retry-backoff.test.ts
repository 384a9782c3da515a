import { describe, expect, it } from 'vitest';
import { InvalidBackoffOptionsError } from '../../../src/runtime/backoff.js';
import { delay, RetryBackoff } from '../../../src/runtime/retry-backoff.js';

describe('RetryBackoff', () => {
  it('doubles from initialMs up to maxMs without jitter', () => {
    const b = new RetryBackoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
  });

  it('keeps jittered delays within [d*(1-jitter), d]', () => {
    const low = new RetryBackoff({ initialMs: 1000, maxMs: 8000, jitter: 0.5, random: () => 0.999999 });
    const high = new RetryBackoff({ initialMs: 1000, maxMs: 8000, jitter: 0.5, random: () => 0 });
    for (const d of [1000, 2000, 4000, 8000, 8000]) {
      expect(low.next()).toBeGreaterThanOrEqual(d / 2);
      expect(high.next()).toBe(d);
    }
  });

  it('spreads delays when random varies', () => {
    const delays = new Set<number>();
    for (let i = 0; i < 20; i++) delays.add(new RetryBackoff({ initialMs: 1000, maxMs: 1000 }).next());
    expect(delays.size).toBeGreaterThan(1);
  });

  it('starts over after reset', () => {
    const b = new RetryBackoff({ initialMs: 50, maxMs: 5000, jitter: 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(50);
  });

  it('never overflows on very long outages', () => {
    const b = new RetryBackoff({ initialMs: 1, maxMs: 30_000, jitter: 0 });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = b.next();
    expect(last).toBe(30_000);
  });

  it('names the bad field', () => {
    expect(() => new RetryBackoff({ initialMs: 0, maxMs: 10 })).toThrow(/initialMs/);
    expect(() => new RetryBackoff({ initialMs: 10, maxMs: 5 })).toThrow(/maxMs/);
    expect(() => new RetryBackoff({ initialMs: 10, maxMs: 50, factor: 0.5 })).toThrow(InvalidBackoffOptionsError);
    expect(() => new RetryBackoff({ initialMs: 10, maxMs: 50, jitter: 2 })).toThrow(/jitter/);
  });
});

describe('delay', () => {
  it('resolves true after the delay', async () => {
    await expect(delay(5)).resolves.toBe(true);
  });

  it('resolves false at once when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = delay(60_000, ac.signal);
    ac.abort();
    await expect(p).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(delay(60_000, ac.signal)).resolves.toBe(false);
  });
});
