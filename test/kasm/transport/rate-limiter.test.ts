import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/kasm/rate-limiter.js';
import { TokenRefill } from '../../../src/kasm/token-refill.js';

const abortError = () => new Error('cancelled');

/** TokenRefill on a fake clock: timers fire when `advance` passes their due time. */
function fakeRefill(requestsPerSecond: number, burst: number) {
  let now = 0;
  let granted = 0;
  const timers: { due: number; callback: () => void }[] = [];
  const refill = new TokenRefill({
    requestsPerSecond,
    burst,
    grant: (tokens) => {
      granted += tokens;
    },
    now: () => now,
    setTimer: (callback, ms) => {
      const timer = { due: now + ms, callback };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      timers.splice(timers.indexOf(timer as (typeof timers)[number]), 1);
    },
  });
  return {
    refill,
    timers,
    granted: () => granted,
    /** Moves the clock to `to`, firing due timers in order (each at its due time, or `lateMs` later). */
    advanceTo(to: number, lateMs = 0) {
      for (;;) {
        timers.sort((a, b) => a.due - b.due);
        const next = timers[0];
        if (next === undefined || next.due + lateMs > to) {
          break;
        }
        timers.shift();
        now = Math.max(now, next.due + lateMs);
        next.callback();
      }
      now = Math.max(now, to);
    },
    at: () => now,
  };
}

describe('TokenRefill', () => {
  it('starts full and keeps no timer while full', () => {
    const bucket = fakeRefill(20, 3);
    expect(bucket.refill.state()).toEqual({ outstanding: 3, level: 0 });
    expect(bucket.timers).toHaveLength(0);
  });

  it('grants the next token 1/rate after a token is spent, not earlier', () => {
    const bucket = fakeRefill(20, 1);
    bucket.advanceTo(1000);
    bucket.refill.spent();
    bucket.advanceTo(1049);
    expect(bucket.granted()).toBe(0);
    bucket.advanceTo(1050);
    expect(bucket.granted()).toBe(1);
    expect(bucket.timers).toHaveLength(0);
  });

  it('a timer that fires early grants nothing and looks again shortly', () => {
    const bucket = fakeRefill(20, 1);
    bucket.refill.spent();
    bucket.advanceTo(49.6, -0.5);
    expect(bucket.granted()).toBe(0);
    bucket.advanceTo(51);
    expect(bucket.granted()).toBe(1);
  });

  it('never holds more than burst tokens after a long idle period', () => {
    const bucket = fakeRefill(20, 5);
    for (let i = 0; i < 5; i += 1) {
      bucket.refill.spent();
    }
    bucket.advanceTo(10_000, 3000);
    expect(bucket.granted()).toBe(5);
    expect(bucket.refill.state().outstanding).toBe(5);
  });

  it('a saturated consumer never gets more than burst + rate * T in any window T, whatever the timer lateness', () => {
    for (const [rps, burst] of [
      [20, 1],
      [20, 5],
      [100, 100],
      [7, 2],
    ] as const) {
      const bucket = fakeRefill(rps, burst);
      const starts: number[] = [];
      let seed = 7;
      const lateness = () => {
        seed = (seed * 16807) % 2147483647;
        return (seed % 1000) / 100;
      };
      // Spend every token as soon as it is available, for 5 simulated seconds.
      let available = burst;
      let grantedSoFar = 0;
      while (bucket.at() < 5000) {
        while (available > 0) {
          starts.push(bucket.at());
          bucket.refill.spent();
          available -= 1;
        }
        const next = bucket.timers.map((timer) => timer.due).sort((a, b) => a - b)[0] ?? bucket.at() + 1;
        bucket.advanceTo(next + lateness(), 0);
        available += bucket.granted() - grantedSoFar;
        grantedSoFar = bucket.granted();
      }
      for (const windowMs of [100, 1000, 2500]) {
        for (const start of starts) {
          const inWindow = starts.filter((at) => at >= start && at < start + windowMs).length;
          expect(inWindow, `${rps}/s burst ${burst} window ${windowMs}`).toBeLessThanOrEqual(burst + Math.ceil((rps * windowMs) / 1000));
        }
      }
      // And the rate is reached: at least 85% of rate * time after the initial burst.
      expect(starts.length - burst, `${rps}/s burst ${burst}`).toBeGreaterThanOrEqual(Math.floor(rps * 5 * 0.85));
      bucket.refill.stop();
    }
  });

  it('stop() clears the timer', () => {
    const bucket = fakeRefill(20, 1);
    bucket.refill.spent();
    expect(bucket.timers).toHaveLength(1);
    bucket.refill.stop();
    expect(bucket.timers).toHaveLength(0);
  });
});

describe('RateLimiter', () => {
  it('holds a 20/s limit with burst 1 (client-side timestamps) and reaches most of it', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 20, burst: 1, maxConcurrent: 10 });
    const started: number[] = [];
    try {
      await Promise.all(
        Array.from({ length: 30 }, () =>
          limiter.schedule({ priority: 'background', abortError }, async () => {
            started.push(performance.now());
          }),
        ),
      );
    } finally {
      await limiter.stop();
    }
    for (let i = 0; i < started.length; i += 1) {
      const inWindow = started.filter((at) => at >= (started[i] ?? 0) && at < (started[i] ?? 0) + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(20);
    }
    const span = (started.at(-1) ?? 0) - (started[0] ?? 0);
    // 29 gaps at 20/s are 1450 ms; a rate below 12/s would mean the refill is mis-tuned.
    expect(span).toBeGreaterThanOrEqual(1400);
    expect(span).toBeLessThan(29 * (1000 / 12));
  });

  it('a larger bucket lets its burst out at once, then holds the rate (burst + rate * T)', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 20, burst: 5, maxConcurrent: 50 });
    const started: number[] = [];
    const origin = performance.now();
    try {
      await Promise.all(
        Array.from({ length: 25 }, () =>
          limiter.schedule({ priority: 'background', abortError }, async () => {
            started.push(performance.now() - origin);
          }),
        ),
      );
    } finally {
      await limiter.stop();
    }
    // The first five need no waiting.
    expect(started.slice(0, 5).every((at) => at < 40)).toBe(true);
    for (const start of started) {
      expect(started.filter((at) => at >= start && at < start + 1000).length).toBeLessThanOrEqual(5 + 20);
    }
    // 20 more at no more than 20/s take at least 0.9 s.
    expect((started.at(-1) ?? 0) - (started[4] ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('runs queued user calls before queued background calls', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1000, burst: 1000, maxConcurrent: 1 });
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const blocker = limiter.schedule({ priority: 'user', abortError }, async () => gate);
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < 3; i += 1) {
        jobs.push(limiter.schedule({ priority: 'background', abortError }, async () => void order.push(`background${i}`)));
      }
      for (let i = 0; i < 2; i += 1) {
        jobs.push(limiter.schedule({ priority: 'user', abortError }, async () => void order.push(`user${i}`)));
      }
      const deadline = Date.now() + 5000;
      while (limiter.queued() < 5 && Date.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(limiter.queued()).toBe(5);
      release();
      await blocker;
      await Promise.all(jobs);
    } finally {
      await limiter.stop();
    }
    expect(order).toEqual(['user0', 'user1', 'background0', 'background1', 'background2']);
  });

  it('a call aborted while queued rejects at once and never runs', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1000, burst: 1000, maxConcurrent: 1 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ran = false;
    try {
      const blocker = limiter.schedule({ priority: 'user', abortError }, async () => gate);
      const controller = new AbortController();
      const queued = limiter.schedule({ priority: 'user', signal: controller.signal, abortError }, async () => {
        ran = true;
      });
      controller.abort();
      await expect(queued).rejects.toThrow('cancelled');
      release();
      await blocker;
      await limiter.schedule({ priority: 'user', abortError }, async () => undefined);
    } finally {
      await limiter.stop();
    }
    expect(ran).toBe(false);
  });

  it('stop() rejects queued calls', async () => {
    const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 1, maxConcurrent: 1 });
    await limiter.schedule({ priority: 'user', abortError }, async () => undefined);
    const waiting = limiter.schedule({ priority: 'user', abortError }, async () => 'ran');
    const outcome = expect(waiting).rejects.toThrow(/closed/);
    await limiter.stop();
    await outcome;
  });
});
