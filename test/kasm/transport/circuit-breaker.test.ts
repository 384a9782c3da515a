import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/kasm/circuit-breaker.js';
import type { BreakerStateName } from '../../../src/kasm/circuit-breaker.js';
import { KasmCircuitOpenError } from '../../../src/kasm/errors.js';

function makeBreaker(overrides: Partial<{ failureThreshold: number; openMs: number; maxOpenMs: number }> = {}) {
  let now = Date.parse('2030-01-01T00:00:00.000Z');
  const transitions: BreakerStateName[] = [];
  const breaker = new CircuitBreaker({
    name: 'lab',
    failureThreshold: 3,
    openMs: 1000,
    maxOpenMs: 3000,
    ...overrides,
    now: () => now,
    onStateChange: (state) => transitions.push(state),
  });
  return {
    breaker,
    transitions,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) {
    breaker.record(breaker.admit('get_users'), 'failure');
  }
}

function openError(run: () => unknown): KasmCircuitOpenError {
  try {
    run();
  } catch (error) {
    if (error instanceof KasmCircuitOpenError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected KasmCircuitOpenError');
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and opens on the threshold-th consecutive failure', () => {
    const { breaker } = makeBreaker();
    fail(breaker, 2);
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 2 });
    fail(breaker, 1);
    expect(breaker.snapshot().state).toBe('open');
    expect(breaker.snapshot().consecutiveFailures).toBe(3);
  });

  it('a success resets the failure count', () => {
    const { breaker } = makeBreaker();
    fail(breaker, 2);
    breaker.record(breaker.admit('get_users'), 'success');
    fail(breaker, 2);
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 2 });
  });

  it('neutral outcomes (429, business errors) neither count nor reset', () => {
    const { breaker } = makeBreaker();
    fail(breaker, 2);
    for (let i = 0; i < 5; i += 1) {
      breaker.record(breaker.admit('get_users'), 'neutral');
    }
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 2 });
    fail(breaker, 1);
    expect(breaker.snapshot().state).toBe('open');
  });

  it('fails fast while open with retryAt and an ISO time in the message', () => {
    const { breaker, now } = makeBreaker();
    fail(breaker, 3);
    const error = openError(() => breaker.admit('create_user'));
    expect(error.retryAt.getTime()).toBe(now() + 1000);
    expect(error.message).toContain(new Date(now() + 1000).toISOString());
    expect(error.message).toContain('create_user');
    expect(error.retryable).toBe(true);
    expect(error.endpoint).toBe('create_user');
    expect(() => breaker.check('create_user')).toThrow(KasmCircuitOpenError);
    const snapshot = breaker.snapshot();
    expect(snapshot.openedAt?.getTime()).toBe(now());
    expect(snapshot.retryAt?.getTime()).toBe(now() + 1000);
  });

  it('lets exactly one probe through after openMs; others still fail fast', () => {
    const { breaker, advance } = makeBreaker();
    fail(breaker, 3);
    advance(999);
    expect(() => breaker.admit('get_users')).toThrow(KasmCircuitOpenError);
    advance(1);
    expect(() => breaker.check('get_users')).not.toThrow();
    const probe = breaker.admit('get_users');
    expect(probe.probe).toBe(true);
    expect(breaker.snapshot().state).toBe('half-open');
    const second = openError(() => breaker.admit('get_users'));
    expect(second.message).toContain('half-open');
    expect(() => breaker.check('get_users')).toThrow(KasmCircuitOpenError);
  });

  it('a successful probe closes the breaker', () => {
    const { breaker, advance, transitions } = makeBreaker();
    fail(breaker, 3);
    advance(1000);
    breaker.record(breaker.admit('get_users'), 'success');
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(transitions).toEqual(['open', 'half-open', 'closed']);
    expect(breaker.admit('get_users').probe).toBe(false);
  });

  it('a probe that gets a neutral answer also closes it (Kasm is reachable)', () => {
    const { breaker, advance } = makeBreaker();
    fail(breaker, 3);
    advance(1000);
    breaker.record(breaker.admit('get_users'), 'neutral');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('a failed probe re-opens with doubled open time, capped at maxOpenMs', () => {
    const { breaker, advance, now } = makeBreaker();
    fail(breaker, 3);
    const openPeriods: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const snapshot = breaker.snapshot();
      const period = (snapshot.retryAt?.getTime() ?? 0) - (snapshot.openedAt?.getTime() ?? 0);
      openPeriods.push(period);
      advance(period);
      breaker.record(breaker.admit('get_users'), 'failure');
      expect(breaker.snapshot().state).toBe('open');
      expect(breaker.snapshot().openedAt?.getTime()).toBe(now());
    }
    expect(openPeriods).toEqual([1000, 2000, 3000, 3000]);
    // After closing, the open period starts again from openMs.
    advance(3000);
    breaker.record(breaker.admit('get_users'), 'success');
    fail(breaker, 3);
    const snapshot = breaker.snapshot();
    expect((snapshot.retryAt?.getTime() ?? 0) - (snapshot.openedAt?.getTime() ?? 0)).toBe(1000);
  });

  it('a cancelled probe frees the probe slot', () => {
    const { breaker, advance } = makeBreaker();
    fail(breaker, 3);
    advance(1000);
    const probe = breaker.admit('get_users');
    breaker.releaseProbe(probe);
    expect(breaker.snapshot().state).toBe('open');
    expect(breaker.admit('get_users').probe).toBe(true);
  });

  it('failures of calls admitted before the breaker opened do not extend the open period', () => {
    const { breaker } = makeBreaker();
    const late = breaker.admit('get_users');
    fail(breaker, 3);
    const before = breaker.snapshot();
    breaker.record(late, 'failure');
    expect(breaker.snapshot()).toEqual(before);
  });
});
