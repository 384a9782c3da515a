import { describe, expect, it } from 'vitest';
import { AheadOfCache } from '../../src/runtime/ahead-of-cache.js';
import type { KubeObject } from '../../src/runtime/kube-object.js';

const copy = (name: string, resourceVersion?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name, namespace: 'ns', ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
});
const status = (x: string): Record<string, unknown> => ({ x });

describe('AheadOfCache', () => {
  it('gives the written value only over a copy the write was based on, once it landed', () => {
    const ahead = new AheadOfCache();
    const write = ahead.begin(copy('a', '5'), 'status');
    expect(ahead.over(copy('a', '5'), 'status')).toBeUndefined();
    write.landed(status('written'), '6');
    expect(ahead.over(copy('a', '5'), 'status')).toEqual(status('written'));
    expect(ahead.over(copy('a', '4'), 'status')).toBeUndefined();
    expect(ahead.over(copy('a', '7'), 'status')).toBeUndefined();
    expect(ahead.over(copy('b', '5'), 'status')).toBeUndefined();
    expect(ahead.over(copy('a', '5'), 'metadata')).toBeUndefined();
    expect(ahead.newestVersion(copy('a', '5'))).toBe('6');
    // Looking with another copy does not forget: a lagging copy may still come.
    expect(ahead.over(copy('a', '5'), 'status')).toEqual(status('written'));
  });

  it('forgets once the cache holds the newest version or one outside the chain, or the object is gone, or the write had no version', () => {
    const ahead = new AheadOfCache();
    ahead.begin(copy('a', '5'), 'status').landed(status('x'), '6');
    ahead.observe(copy('a', '5'));
    expect(ahead.size).toBe(1);
    ahead.observe(copy('a', '6'));
    expect(ahead.size).toBe(0);
    ahead.begin(copy('a', '5'), 'status').landed(status('x'), '6');
    ahead.observe(copy('a', '9'));
    expect(ahead.size).toBe(0);
    ahead.begin(copy('b', '1'), 'status').landed(status('y'), '2');
    ahead.forget('ns', 'b');
    expect(ahead.size).toBe(0);
    ahead.begin(copy('c'), 'status').landed(status('z'), '1');
    expect(ahead.size).toBe(0);
  });

  it('answers every version of a chain of writes (a create: mark, status, id) with all that was written', () => {
    const ahead = new AheadOfCache();
    ahead.begin(copy('a', '1'), 'metadata').landed({ finalizers: ['f'], annotations: { mark: 't' } }, '2');
    ahead.begin(copy('a', '2'), 'status').landed(status('created'), '3');
    ahead.begin(copy('a', '3'), 'metadata').landed({ finalizers: ['f'], annotations: { mark: 't', id: '42' } }, '4');
    for (const version of ['1', '2', '3', '4']) {
      expect(ahead.over(copy('a', version), 'status')).toEqual(status('created'));
      expect(ahead.over(copy('a', version), 'metadata')).toEqual({ finalizers: ['f'], annotations: { mark: 't', id: '42' } });
      expect(ahead.newestVersion(copy('a', version))).toBe('4');
    }
    // The cache passing through the chain keeps it; reaching its end ends it.
    ahead.observe(copy('a', '2'));
    ahead.observe(copy('a', '3'));
    expect(ahead.size).toBe(1);
    ahead.observe(copy('a', '4'));
    expect(ahead.size).toBe(0);
  });

  it('keeps nothing of a write whose watch event came before its reply', () => {
    const ahead = new AheadOfCache();
    const write = ahead.begin(copy('a', '5'), 'status');
    ahead.observe(copy('a', '6'));
    write.landed(status('written'), '6');
    expect(ahead.size).toBe(0);
    expect(ahead.over(copy('a', '5'), 'status')).toBeUndefined();
  });

  it('keeps a chain while a write over its newest version is in flight', () => {
    const ahead = new AheadOfCache();
    ahead.begin(copy('a', '1'), 'metadata').landed({ finalizers: ['f'] }, '2');
    const write = ahead.begin(copy('a', '2'), 'status');
    // The first write's event: the cache is at the chain's newest version, but a write is on its way.
    ahead.observe(copy('a', '2'));
    write.landed(status('created'), '3');
    expect(ahead.over(copy('a', '2'), 'status')).toEqual(status('created'));
  });

  it('keeps nothing of a failed write, and the earlier writes of the chain stand', () => {
    const ahead = new AheadOfCache();
    ahead.begin(copy('a', '5'), 'status').failed();
    expect(ahead.size).toBe(0);
    ahead.begin(copy('a', '5'), 'status').landed(status('first'), '6');
    ahead.begin(copy('a', '6'), 'status').failed();
    expect(ahead.over(copy('a', '5'), 'status')).toEqual(status('first'));
    // A failed write over another base leaves nothing: the earlier one is behind the copy it started from.
    ahead.begin(copy('a', '7'), 'status').failed();
    expect(ahead.size).toBe(0);
  });

  it('a later write replaces an earlier one; the earlier reply cannot bring it back', () => {
    const ahead = new AheadOfCache();
    const first = ahead.begin(copy('a', '5'), 'status');
    const second = ahead.begin(copy('a', '5'), 'status');
    second.landed(status('second'), '6');
    first.landed(status('first'), '7');
    expect(ahead.over(copy('a', '5'), 'status')).toEqual(status('second'));
    expect(ahead.newestVersion(copy('a', '5'))).toBe('6');
  });
});
