import { describe, expect, it } from 'vitest';
import { AheadOfCache } from '../../src/runtime/ahead-of-cache.js';
import type { KubeObject } from '../../src/runtime/kube-object.js';

const copy = (name: string, resourceVersion?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name, namespace: 'ns', ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
});

describe('AheadOfCache', () => {
  it('gives the written value only over the copy the write was based on', () => {
    const ahead = new AheadOfCache<string>();
    ahead.record(copy('a', '5'), 'written');
    expect(ahead.over(copy('a', '5'))).toBe('written');
    expect(ahead.over(copy('a', '4'))).toBeUndefined();
    expect(ahead.over(copy('a', '6'))).toBeUndefined();
    expect(ahead.over(copy('b', '5'))).toBeUndefined();
    // Looking with another copy does not forget: a lagging copy may still come.
    expect(ahead.over(copy('a', '5'))).toBe('written');
  });

  it('forgets once the cache holds another version, or the object is gone, or the write had no version', () => {
    const ahead = new AheadOfCache<string>();
    ahead.record(copy('a', '5'), 'x');
    ahead.observe(copy('a', '5'));
    expect(ahead.size).toBe(1);
    ahead.observe(copy('a', '6'));
    expect(ahead.size).toBe(0);
    ahead.record(copy('b', '1'), 'y');
    ahead.forget('ns', 'b');
    expect(ahead.size).toBe(0);
    ahead.record(copy('c'), 'z');
    expect(ahead.size).toBe(0);
  });
});
