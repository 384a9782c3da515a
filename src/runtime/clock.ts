/**
 * Time as the runtime sees it. Production code uses `systemClock`; tests drive `ManualClock` so
 * backoff, delays and deadlines run instantly and deterministically.
 */
export interface TimerHandle {
  /** Keep the process alive only while real work is pending. */
  unref?(): void;
}

export interface Clock {
  /** Milliseconds since an arbitrary, monotonic origin. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, Math.max(0, delayMs)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer extends TimerHandle {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/** A clock that moves only when told to; `advance` fires due timers in due order. */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 0;
  private readonly timers = new Map<number, ManualTimer>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = { id: this.nextId++, due: this.current + Math.max(0, delayMs), callback, unref: () => undefined };
    this.timers.set(timer.id, timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as Partial<ManualTimer>).id;
    if (id !== undefined) this.timers.delete(id);
  }

  /** Number of timers not yet fired or cleared. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Due time of the earliest pending timer. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const timer of this.timers.values()) if (earliest === undefined || timer.due < earliest) earliest = timer.due;
    return earliest;
  }

  /** Move time forward by `ms`, firing every timer that falls due, including ones set by callbacks. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliestDueBy(target);
      if (next === undefined) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.callback();
    }
    this.current = target;
  }

  private earliestDueBy(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.due > limit) continue;
      if (best === undefined || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
    }
    return best;
  }
}
