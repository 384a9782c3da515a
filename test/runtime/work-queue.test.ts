import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { reconcileMetrics, workQueueMetrics } from '../../src/runtime/controller-metrics.js';
import { TokenBucket } from '../../src/runtime/token-bucket.js';
import { WorkQueue, type ProcessFn } from '../../src/runtime/work-queue.js';

/** Let pending promise callbacks and the queue's dispatch run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A queue on a manual clock whose handler records when each key ran. */
function recordingQueue(handler: (key: string, signal: AbortSignal, run: number) => Promise<unknown>, options: Partial<ConstructorParameters<typeof WorkQueue>[0]> = {}) {
  const clock = new ManualClock(0);
  const runs: { key: string; at: number }[] = [];
  const queue = new WorkQueue({ name: 'test', clock, random: () => 0.5, ...options });
  const process: ProcessFn = async (key, signal) => {
    runs.push({ key, at: clock.now() });
    return (await handler(key, signal, runs.filter((r) => r.key === key).length)) as undefined;
  };
  return { clock, queue, runs, process };
}

describe('WorkQueue deduplication', () => {
  it('queues a key added several times while waiting only once', async () => {
    const { queue, runs, process } = recordingQueue(async () => undefined);
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    queue.start(process);
    await queue.idle();
    expect(runs.map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('runs a key added during its processing once more, after the current run ends', async () => {
    const gate = deferred();
    let concurrent = 0;
    let maxConcurrent = 0;
    const { queue, runs, process } = recordingQueue(
      async (_key, _signal, run) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        if (run === 1) await gate.promise;
        concurrent--;
      },
      { workers: 4 },
    );
    queue.start(process);
    queue.add('a');
    await settle();
    expect(queue.processing()).toBe(1);
    queue.add('a');
    queue.add('a');
    queue.add('a');
    await settle();
    expect(runs).toHaveLength(1);
    expect(queue.len()).toBe(0);
    gate.resolve();
    await queue.idle();
    expect(runs).toHaveLength(2);
    expect(maxConcurrent).toBe(1);
  });

  it('never runs one key on two workers at once, even with many workers and adds', async () => {
    const queue = new WorkQueue({ name: 'stress', workers: 8 });
    const running = new Map<string, number>();
    let maxPerKey = 0;
    let busy = 0;
    let maxBusy = 0;
    let runs = 0;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    queue.start(async (key) => {
      runs++;
      busy++;
      maxBusy = Math.max(maxBusy, busy);
      const now = (running.get(key) ?? 0) + 1;
      running.set(key, now);
      maxPerKey = Math.max(maxPerKey, now);
      for (let i = Math.floor(random() * 4); i >= 0; i--) await new Promise<void>((resolve) => setImmediate(resolve));
      // Adds from inside a handler, including of its own key, must also respect the rule.
      if (random() < 0.3) queue.add(key);
      running.set(key, (running.get(key) ?? 1) - 1);
      busy--;
    });
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 20; i++) queue.add(`key-${Math.floor(random() * 6)}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await queue.idle();
    expect(maxPerKey).toBe(1);
    expect(maxBusy).toBeGreaterThan(1);
    expect(maxBusy).toBeLessThanOrEqual(6);
    expect(runs).toBeGreaterThanOrEqual(6);
    await queue.shutDown();
  });

  it('limits concurrency to the number of workers', async () => {
    const gate = deferred();
    const { queue, process } = recordingQueue(() => gate.promise, { workers: 3 });
    for (let i = 0; i < 10; i++) queue.add(`k${i}`);
    queue.start(process);
    await settle();
    expect(queue.processing()).toBe(3);
    expect(queue.len()).toBe(7);
    gate.resolve();
    await queue.idle();
    expect(queue.len()).toBe(0);
  });
});

// The delay math itself (doubling, cap, ± jitter) is asserted in backoff.test.ts.
describe('backoff', () => {
  it('rejects bad backoff options, naming the queue and the field', () => {
    expect(() => new WorkQueue({ name: 'q', backoff: { baseMs: -1 } })).toThrow(/WorkQueue q: .*backoff\.baseMs/);
    expect(() => new WorkQueue({ name: 'q', backoff: { baseMs: 1_000, maxMs: 10 } })).toThrow(/backoff\.maxMs/);
    expect(() => new WorkQueue({ name: 'q', backoff: { jitter: 1 } })).toThrow(/backoff\.jitter/);
  });

  it('retries a failing key at growing intervals up to the cap', async () => {
    const { clock, queue, runs, process } = recordingQueue(
      async () => {
        throw new Error('boom');
      },
      { backoff: { baseMs: 1_000, maxMs: 10_000, jitter: 0.1 } },
    );
    queue.start(process);
    queue.add('a');
    await settle();
    for (let i = 0; i < 7; i++) {
      const next = clock.nextDue();
      expect(next).toBeDefined();
      clock.advance((next ?? 0) - clock.now() - 1);
      await settle();
      const before = runs.length;
      clock.advance(1);
      await settle();
      expect(runs.length).toBe(before + 1);
    }
    const gaps = runs.slice(1).map((r, i) => r.at - (runs[i]?.at ?? 0));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(queue.numRequeues('a')).toBe(8);
    await queue.shutDown();
  });

  it('forget resets the backoff, and a success forgets', async () => {
    let fail = true;
    const { clock, queue, process } = recordingQueue(async () => {
      if (fail) throw new Error('boom');
    });
    queue.addRateLimited('x');
    queue.addRateLimited('x');
    expect(queue.numRequeues('x')).toBe(2);
    queue.forget('x');
    expect(queue.numRequeues('x')).toBe(0);

    queue.start(process);
    queue.add('a');
    await settle();
    clock.advance(1_000);
    await settle();
    expect(queue.numRequeues('a')).toBe(2);
    fail = false;
    clock.advance(2_000);
    await settle();
    expect(queue.numRequeues('a')).toBe(0);
    await queue.shutDown();
  });

  it('a handler asking for requeue goes through the rate limiter; requeueAfterMs forgets and waits', async () => {
    const { clock, queue, runs, process } = recordingQueue(async (key, _signal, run) => {
      if (key === 'r' && run < 3) return { requeue: true };
      if (key === 'p' && run < 3) return { requeueAfterMs: 60_000 };
      return undefined;
    });
    queue.start(process);
    queue.add('r');
    queue.add('p');
    await settle();
    expect(queue.numRequeues('r')).toBe(1);
    expect(queue.numRequeues('p')).toBe(0);
    for (const t of [1_000, 3_000, 60_000, 120_000, 200_000]) {
      clock.advance(t - clock.now());
      await settle();
    }
    expect(runs.filter((r) => r.key === 'r').map((r) => r.at)).toEqual([0, 1_000, 3_000]);
    expect(runs.filter((r) => r.key === 'p').map((r) => r.at)).toEqual([0, 60_000, 120_000]);
    await queue.shutDown();
  });

  it('handles a handler that throws synchronously', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ name: 'sync-throw', clock, random: () => 0.5 });
    let calls = 0;
    // Not async on purpose: the throw happens before any promise exists.
    queue.start(() => {
      calls++;
      throw new Error('sync');
    });
    queue.add('a');
    await settle();
    expect(calls).toBe(1);
    expect(queue.numRequeues('a')).toBe(1);
    expect(queue.delayedCount()).toBe(1);
    await queue.shutDown();
  });
});

describe('addAfter', () => {
  it('keeps the earliest due time per key', async () => {
    const { clock, queue, runs, process } = recordingQueue(async () => undefined);
    queue.start(process);
    queue.addAfter('a', 5_000);
    queue.addAfter('a', 1_000);
    queue.addAfter('a', 3_000);
    expect(queue.delayedCount()).toBe(1);
    clock.advance(999);
    await settle();
    expect(runs).toHaveLength(0);
    clock.advance(1);
    await settle();
    expect(runs).toEqual([{ key: 'a', at: 1_000 }]);
    clock.advance(10_000);
    await settle();
    expect(runs).toHaveLength(1);
  });

  it('adds at once for a zero or negative delay', async () => {
    const { queue } = recordingQueue(async () => undefined);
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    expect(queue.len()).toBe(2);
    expect(queue.delayedCount()).toBe(0);
  });

  it('waits on a single timer however many keys are delayed', async () => {
    const { clock, queue, runs, process } = recordingQueue(async () => undefined, { workers: 16 });
    queue.start(process);
    for (let i = 0; i < 10_000; i++) queue.addAfter(`k${i}`, 1_000 + ((i * 7919) % 50_000));
    expect(queue.delayedCount()).toBe(10_000);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(1_000 + 25_000);
    await queue.idle();
    const firstHalf = runs.length;
    expect(firstHalf).toBeGreaterThan(4_000);
    expect(firstHalf).toBeLessThan(6_000);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(50_000);
    await queue.idle();
    expect(runs).toHaveLength(10_000);
    expect(new Set(runs.map((r) => r.key)).size).toBe(10_000);
    // Keys ran in due order.
    const dues = runs.map((r) => r.at);
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('token bucket on rate-limited adds', () => {
  it('spaces rate-limited adds across keys once the burst is spent', async () => {
    const clock = new ManualClock();
    const tokenBucket = new TokenBucket({ ratePerSecond: 10, burst: 2, clock });
    const runs: { key: string; at: number }[] = [];
    const queue = new WorkQueue({ name: 'bucket', clock, tokenBucket, workers: 10, backoff: { baseMs: 0, maxMs: 0, jitter: 0 } });
    queue.start(async (key) => {
      runs.push({ key, at: clock.now() });
    });
    for (let i = 0; i < 6; i++) queue.addRateLimited(`k${i}`);
    await settle();
    for (let t = 0; t < 10; t++) {
      clock.advance(50);
      await settle();
    }
    expect(runs.map((r) => r.at)).toEqual([0, 0, 100, 200, 300, 400]);
  });

  it('TokenBucket reserve and tryTake follow rate and burst', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 3, clock });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBe(500);
    expect(bucket.reserve()).toBe(1_000);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1_000);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(500);
    expect(bucket.tryTake()).toBe(true);
    clock.advance(60_000);
    expect(bucket.available()).toBe(3);
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond/);
    expect(new TokenBucket({ ratePerSecond: Infinity, burst: 1 }).reserve()).toBe(0);
  });
});

describe('shutDown', () => {
  it('lets in-flight work finish, drops queued keys and ignores later adds', async () => {
    const gate = deferred();
    let aborted = false;
    const { queue, runs, process } = recordingQueue(
      async (_key, signal) => {
        await gate.promise;
        aborted = signal.aborted;
      },
      { workers: 1 },
    );
    queue.start(process);
    queue.add('a');
    queue.add('b');
    await settle();
    let done = false;
    const stopping = queue.shutDown({ deadlineMs: 30_000 }).then(() => {
      done = true;
    });
    queue.add('c');
    queue.addAfter('d', 10);
    queue.addRateLimited('e');
    await settle();
    expect(done).toBe(false);
    gate.resolve();
    await stopping;
    expect(aborted).toBe(false);
    expect(runs.map((r) => r.key)).toEqual(['a']);
    expect(queue.len()).toBe(0);
    expect(() => queue.start(process)).toThrow(/already started/);
  });

  it('aborts handlers still running at the deadline and resolves once they return', async () => {
    const { clock, queue, process } = recordingQueue(
      (_key, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
        }),
      { workers: 2 },
    );
    queue.start(process);
    queue.add('a');
    queue.add('b');
    await settle();
    expect(queue.processing()).toBe(2);
    let done = false;
    const stopping = queue.shutDown({ deadlineMs: 5_000 }).then(() => {
      done = true;
    });
    clock.advance(4_999);
    await settle();
    expect(done).toBe(false);
    expect(queue.processing()).toBe(2);
    clock.advance(1);
    await stopping;
    expect(queue.processing()).toBe(0);
    expect(queue.delayedCount()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('resolves at once with nothing in flight, and repeated calls share the result', async () => {
    const { queue } = recordingQueue(async () => undefined);
    queue.add('a');
    const first = queue.shutDown({ deadlineMs: 10 });
    expect(queue.shutDown()).toBe(first);
    await first;
    await queue.idle();
  });
});

describe('idle', () => {
  it('waits for queued, in-flight and due-now delayed keys', async () => {
    const { clock, queue, runs, process } = recordingQueue(async (_key, _signal, run) => (run === 1 ? { requeueAfterMs: 100 } : undefined));
    queue.add('a');
    queue.start(process);
    await queue.idle();
    expect(runs).toHaveLength(1);
    expect(queue.delayedCount()).toBe(1);
    clock.advance(100);
    let idle = false;
    const waiting = queue.idle().then(() => {
      idle = true;
    });
    await waiting;
    expect(idle).toBe(true);
    expect(runs).toHaveLength(2);
  });
});

describe('metrics', () => {
  it('updates workqueue_* and controller_runtime_* series', async () => {
    const registry = new Registry();
    const clock = new ManualClock();
    const queue = new WorkQueue({
      name: 'kasmuser',
      clock,
      workers: 2,
      random: () => 0.5,
      metrics: workQueueMetrics(registry, 'kasmuser'),
      reconcileMetrics: reconcileMetrics(registry, 'kasmuser'),
    });
    const gate = deferred();
    queue.start(async (key) => {
      clock.advance(250);
      if (key === 'slow') await gate.promise;
      if (key === 'bad') throw new Error('nope');
      if (key === 'poll') return { requeueAfterMs: 60_000 };
      return undefined;
    });
    queue.add('ok');
    queue.add('bad');
    queue.add('poll');
    queue.add('ok');
    queue.add('slow');
    await settle();
    const text = await registry.metrics();
    expect(text).toMatch(/workqueue_adds_total\{name="kasmuser"\} 4/);
    expect(text).toMatch(/workqueue_retries_total\{name="kasmuser"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="kasmuser",result="success"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="kasmuser",result="error"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="kasmuser",result="requeue_after"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_errors_total\{controller="kasmuser"\} 1/);
    expect(text).toMatch(/controller_runtime_max_concurrent_reconciles\{controller="kasmuser"\} 2/);
    expect(text).toMatch(/controller_runtime_active_workers\{controller="kasmuser"\} 1/);
    expect(text).toMatch(/workqueue_depth\{name="kasmuser"\} 0/);
    // 'slow' has been running for 250 ms of the manual clock.
    expect(text).toMatch(/workqueue_unfinished_work_seconds\{name="kasmuser"\} 0.25\n/);
    expect(text).toMatch(/workqueue_longest_running_processor_seconds\{name="kasmuser"\} 0.25\n/);
    expect(text).toMatch(/workqueue_queue_duration_seconds_count\{name="kasmuser"\} 4/);
    expect(text).toMatch(/workqueue_work_duration_seconds_count\{name="kasmuser"\} 3/);
    expect(text).toMatch(/controller_runtime_reconcile_time_seconds_count\{controller="kasmuser"\} 3/);
    gate.resolve();
    await queue.shutDown();
  });
});
