import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PerObjectReads } from '../../src/controllers/per-object-reads.js';
import { KasmClient } from '../../src/kasm/client.js';

// The reads under test never reach Kasm: the client only identifies the connection.
const noKasm = (): Promise<never> => Promise.reject(new Error('no Kasm in this test'));
const connection = (): KasmClient => new KasmClient({ call: noKasm, callBinary: noKasm });

describe('PerObjectReads', () => {
  const POLL_MS = 1_000;
  let reads: string[];
  let cache: PerObjectReads<string>;
  let ctx: { kasm: KasmClient; pollIntervalMs: number; signal: AbortSignal };

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    reads = [];
    cache = new PerObjectReads<string>((_kasm, id) => {
      reads.push(id);
      return Promise.resolve(`${id}@${Date.now()}`);
    }, 3);
    ctx = { kasm: connection(), pollIntervalMs: POLL_MS, signal: new AbortController().signal };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves a value for pollFactor poll intervals, and reads again when forced or older', async () => {
    expect(await cache.get(ctx, 'a')).toBe('a@0');
    vi.setSystemTime(2_999);
    expect(await cache.get(ctx, 'a')).toBe('a@0');
    expect(await cache.get(ctx, 'a', true)).toBe('a@2999');
    vi.setSystemTime(2_999 + 3 * POLL_MS);
    expect(await cache.get(ctx, 'a')).toBe('a@5999');
    expect(reads).toEqual(['a', 'a', 'a']);
  });

  it('keeps one cache per connection', async () => {
    await cache.get(ctx, 'a');
    await cache.get({ ...ctx, kasm: connection() }, 'a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('drops values nobody asked for within the longest interval (an ended session, a deleted group)', async () => {
    await cache.get(ctx, 'gone');
    await cache.get(ctx, 'kept');
    expect(cache.size(ctx.kasm)).toBe(2);
    for (const at of [2_000, 4_000, 6_000]) {
      vi.setSystemTime(at);
      await cache.get(ctx, 'kept');
    }
    expect(cache.size(ctx.kasm)).toBe(1);
    expect(reads).toEqual(['gone', 'kept', 'kept']);
  });
});
