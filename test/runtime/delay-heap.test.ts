import { describe, expect, it } from 'vitest';
import { DelayHeap } from '../../src/runtime/delay-heap.js';

describe('DelayHeap', () => {
  it('pops due keys earliest first and leaves later ones', () => {
    const heap = new DelayHeap();
    heap.schedule('c', 30);
    heap.schedule('a', 10);
    heap.schedule('b', 20);
    heap.schedule('d', 40);
    expect(heap.peekDue()).toBe(10);
    expect(heap.popDue(25)).toEqual(['a', 'b']);
    expect(heap.size).toBe(2);
    expect(heap.popDue(100)).toEqual(['c', 'd']);
    expect(heap.peekDue()).toBeUndefined();
  });

  it('keeps one entry per key at its earliest due time and reports head changes', () => {
    const heap = new DelayHeap();
    expect(heap.schedule('a', 50)).toBe(true);
    expect(heap.schedule('b', 60)).toBe(false);
    expect(heap.schedule('a', 70)).toBe(false);
    expect(heap.dueOf('a')).toBe(50);
    expect(heap.schedule('b', 5)).toBe(true);
    expect(heap.size).toBe(2);
    expect(heap.popDue(1_000)).toEqual(['b', 'a']);
  });

  it('stays ordered through random schedules and removals', () => {
    const heap = new DelayHeap();
    const expected = new Map<string, number>();
    let seed = 42;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 5_000; i++) {
      const key = `k${Math.floor(random() * 1_000)}`;
      if (random() < 0.1) {
        heap.remove(key);
        expected.delete(key);
        continue;
      }
      const due = Math.floor(random() * 100_000);
      heap.schedule(key, due);
      expected.set(key, Math.min(expected.get(key) ?? Infinity, due));
    }
    expect(heap.size).toBe(expected.size);
    const popped = heap.popDue(Infinity);
    const dues = popped.map((key) => expected.get(key) ?? -1);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(new Set(popped)).toEqual(new Set(expected.keys()));
  });
});
