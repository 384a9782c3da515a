import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { ShutdownCoordinator } from '../../src/runtime/shutdown.js';

function setup(timeoutMs = 1_000) {
  const clock = new ManualClock();
  const signals = new EventEmitter();
  const exits: number[] = [];
  const coordinator = new ShutdownCoordinator({ timeoutMs, clock, signals, exit: (code) => void exits.push(code) });
  return { clock, signals, exits, coordinator };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('ShutdownCoordinator', () => {
  it('runs the steps once, in registration order, on SIGTERM and exits 0', async () => {
    const { signals, exits, coordinator } = setup();
    const order: string[] = [];
    coordinator.register('controllers', async () => {
      await settle();
      order.push('controllers');
    });
    coordinator.register('health server', () => {
      order.push('health server');
    });
    coordinator.register('leader election', async () => {
      order.push('leader election');
    });
    coordinator.listen();
    signals.emit('SIGTERM');
    const code = await coordinator.shutdown('again');
    expect(code).toBe(0);
    expect(order).toEqual(['controllers', 'health server', 'leader election']);
    expect(exits).toEqual([0]);
  });

  it('starts on SIGINT too, and stops listening when asked', async () => {
    const { signals, exits, coordinator } = setup();
    const stop = coordinator.listen();
    expect(signals.listenerCount('SIGINT')).toBe(1);
    stop();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    coordinator.listen(['SIGINT']);
    signals.emit('SIGINT');
    await settle();
    expect(exits).toEqual([0]);
    expect(coordinator.stopping).toBe(true);
  });

  it('exits 1 when the deadline passes and aborts the steps still running', async () => {
    const { clock, exits, coordinator } = setup(30_000);
    let seenAbort = false;
    let remainingAtStart = -1;
    let laterStepRan = false;
    coordinator.register('stuck', ({ signal, remainingMs }) => {
      remainingAtStart = remainingMs();
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          seenAbort = true;
          resolve();
        });
      });
    });
    coordinator.register('after', () => {
      laterStepRan = true;
    });
    const result = coordinator.shutdown('test');
    await settle();
    clock.advance(29_999);
    await settle();
    expect(exits).toEqual([]);
    clock.advance(1);
    expect(await result).toBe(1);
    expect(exits).toEqual([1]);
    expect(remainingAtStart).toBe(30_000);
    await settle();
    expect(seenAbort).toBe(true);
    expect(laterStepRan).toBe(false);
  });

  it('exits 1 when a step fails, after running the remaining steps', async () => {
    const { exits, coordinator } = setup();
    const ran: string[] = [];
    coordinator.register('a', () => {
      throw new Error('a failed');
    });
    coordinator.register('b', () => {
      ran.push('b');
    });
    expect(await coordinator.shutdown('test')).toBe(1);
    expect(ran).toEqual(['b']);
    expect(exits).toEqual([1]);
  });

  it('keeps a requested non-zero exit code after a clean stop', async () => {
    const { exits, coordinator } = setup();
    coordinator.register('a', () => undefined);
    expect(await coordinator.shutdown('leadership lost', 1)).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('exits at once on a second signal while stopping', async () => {
    const { signals, exits, coordinator } = setup();
    coordinator.register('slow', () => new Promise<void>(() => undefined));
    coordinator.listen();
    signals.emit('SIGTERM');
    await settle();
    expect(exits).toEqual([]);
    signals.emit('SIGINT');
    expect(exits).toEqual([1]);
    expect(() => coordinator.register('late', () => undefined)).toThrow(/already started/);
  });
});
