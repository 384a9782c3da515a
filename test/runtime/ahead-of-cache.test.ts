import { describe, expect, it } from 'vitest';
import { AheadOfCache } from '../../src/runtime/ahead-of-cache.js';
import type { KubeObject } from '../../src/runtime/kube-object.js';

const copy = (name: string, resourceVersion?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name, namespace: 'ns', ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
});

describe('AheadOfCache', () => {
  it('gives the written value only over the copy the write was based on, once it landed', () => {
    const ahead = new AheadOfCache<string>();
    const write = ahead.begin(copy('a', '5'));
    expect(ahead.over(copy('a', '5'))).toBeUndefined();
    write.landed('written');
    expect(ahead.over(copy('a', '5'))).toBe('written');
    expect(ahead.over(copy('a', '4'))).toBeUndefined();
    expect(ahead.over(copy('a', '6'))).toBeUndefined();
    expect(ahead.over(copy('b', '5'))).toBeUndefined();
    // Looking with another copy does not forget: a lagging copy may still come.
    expect(ahead.over(copy('a', '5'))).toBe('written');
  });

  it('forgets once the cache holds another version, or the object is gone, or the write had no version', () => {
    const ahead = new AheadOfCache<string>();
    ahead.begin(copy('a', '5')).landed('x');
    ahead.observe(copy('a', '5'));
    expect(ahead.size).toBe(1);
    ahead.observe(copy('a', '6'));
    expect(ahead.size).toBe(0);
    ahead.begin(copy('b', '1')).landed('y');
    ahead.forget('ns', 'b');
    expect(ahead.size).toBe(0);
    ahead.begin(copy('c')).landed('z');
    expect(ahead.size).toBe(0);
  });

  it('keeps nothing of a write whose watch event came before its reply', () => {
    const ahead = new AheadOfCache<string>();
    const write = ahead.begin(copy('a', '5'));
    ahead.observe(copy('a', '6'));
    write.landed('written');
    expect(ahead.size).toBe(0);
    expect(ahead.over(copy('a', '5'))).toBeUndefined();
  });

  it('keeps nothing of a failed write, and an earlier landed write over the same base stands', () => {
    const ahead = new AheadOfCache<string>();
    ahead.begin(copy('a', '5')).failed();
    expect(ahead.size).toBe(0);
    ahead.begin(copy('a', '5')).landed('first');
    ahead.begin(copy('a', '5')).failed();
    expect(ahead.over(copy('a', '5'))).toBe('first');
    // A failed write over another base leaves nothing: the earlier one is behind the copy it started from.
    ahead.begin(copy('a', '7')).failed();
    expect(ahead.size).toBe(0);
  });

  it('a later write replaces an earlier one; the earlier reply cannot bring it back', () => {
    const ahead = new AheadOfCache<string>();
    const first = ahead.begin(copy('a', '5'));
    const second = ahead.begin(copy('a', '5'));
    second.landed('second');
    first.landed('first');
    expect(ahead.over(copy('a', '5'))).toBe('second');
  });
});
