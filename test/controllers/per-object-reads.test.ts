import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PerObjectReads, type ReadContext, type ReadHint } from '../../src/controllers/per-object-reads.js';
import { KasmClient } from '../../src/kasm/client.js';

// The reads under test never reach Kasm: the client only identifies the connection.
const noKasm = (): Promise<never> => Promise.reject(new Error('no Kasm in this test'));
const connection = (): KasmClient => new KasmClient({ call: noKasm, callBinary: noKasm });

const POLL_MS = 1_000;
const RECHECK_MS = 100_000;

describe('PerObjectReads', () => {
  let reads: string[];
  let cache: PerObjectReads<string, ReadContext>;
  let ctx: ReadContext;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    reads = [];
    cache = new PerObjectReads<string, ReadContext>((_kasm, id) => {
      reads.push(id);
      return Promise.resolve(`${id}@${Date.now()}`);
    }, 3);
    ctx = { kasm: connection(), pollIntervalMs: POLL_MS, signal: new AbortController().signal, logger: pino({ level: 'silent' }) };
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

  it('keeps the read asked for later when an earlier one answers last (a background read, then a write and a forced read)', async () => {
    const answers: ((value: string) => void)[] = [];
    const slow = new PerObjectReads<string, ReadContext>(() => new Promise<string>((resolve) => answers.push(resolve)), 3);
    const background = slow.get(ctx, 'g');
    const forced = slow.get(ctx, 'g', true);
    answers[1]?.('after the write');
    expect(await forced).toBe('after the write');
    answers[0]?.('before the write');
    expect(await background).toBe('after the write');
    expect(await slow.get(ctx, 'g')).toBe('after the write');
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

describe('PerObjectReads with a hint from a bulk list', () => {
  /** What Kasm holds per id; a read returns it. */
  let kasmSide: Map<string, string>;
  /** What the bulk list says per id, and when it was asked for; absent: no hint. */
  let listed: Map<string, { value: string; at: number }>;
  let reads: string[];
  let warnings: string[];
  let cache: PerObjectReads<string, ReadContext>;
  let ctx: ReadContext;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    kasmSide = new Map([['g', 'v1']]);
    listed = new Map();
    reads = [];
    warnings = [];
    cache = new PerObjectReads<string, ReadContext>(
      (_kasm, id) => {
        reads.push(id);
        return Promise.resolve(kasmSide.get(id) ?? '');
      },
      3,
      {
        what: 'things',
        hint: (_ctx, id): Promise<ReadHint<string> | undefined> => {
          const entry = listed.get(id);
          return Promise.resolve(entry === undefined ? undefined : { agrees: (v) => v === entry.value, listedAt: entry.at });
        },
        confirmedRecheckMs: RECHECK_MS,
      },
    );
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    ctx = { kasm: connection(), pollIntervalMs: POLL_MS, signal: new AbortController().signal, logger };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Kasm changes `id` now and the next list (asked for a moment later) shows it. */
  const changeInKasm = (id: string, value: string): void => {
    kasmSide.set(id, value);
    vi.setSystemTime(Date.now() + 10);
    listed.set(id, { value, at: Date.now() });
  };

  it('reads nothing while the list agrees, however many polls pass', async () => {
    listed.set('g', { value: 'v1', at: 0 });
    await cache.get(ctx, 'g');
    for (let poll = 1; poll <= 50; poll += 1) {
      vi.setSystemTime(poll * POLL_MS);
      listed.set('g', { value: 'v1', at: Date.now() });
      expect(await cache.get(ctx, 'g')).toBe('v1');
    }
    expect(reads).toEqual(['g']);
  });

  it('still reads a confirmed value again once it is older than the recheck age (± 20 %)', async () => {
    listed.set('g', { value: 'v1', at: 0 });
    await cache.get(ctx, 'g');
    vi.setSystemTime(RECHECK_MS * 0.79);
    await cache.get(ctx, 'g');
    expect(reads).toHaveLength(1);
    vi.setSystemTime(RECHECK_MS * 1.21);
    await cache.get(ctx, 'g');
    expect(reads).toHaveLength(2);
  });

  it('reads at once when a list newer than the read disagrees, and finds the change', async () => {
    listed.set('g', { value: 'v1', at: 0 });
    await cache.get(ctx, 'g');
    changeInKasm('g', 'v2');
    expect(await cache.get(ctx, 'g')).toBe('v2');
    expect(await cache.get(ctx, 'g')).toBe('v2');
    expect(reads).toEqual(['g', 'g']);
    expect(cache.trustsHint(ctx.kasm, 'g')).toBe(true);
  });

  it('keeps a value read after the list was asked for, even when that older list disagrees', async () => {
    listed.set('g', { value: 'v0', at: 0 });
    vi.setSystemTime(5);
    // The operator's own write, then a forced read: the list from before the write says nothing new.
    kasmSide.set('g', 'v1');
    expect(await cache.get(ctx, 'g', true)).toBe('v1');
    vi.setSystemTime(POLL_MS / 2);
    expect(await cache.get(ctx, 'g')).toBe('v1');
    expect(reads).toEqual(['g']);
  });

  it('stops going by a hint the reads keep contradicting, says so, and reads every pollFactor polls', async () => {
    await cache.get(ctx, 'g');
    for (let miss = 1; miss <= 3; miss += 1) {
      vi.setSystemTime(Date.now() + 10);
      listed.set('g', { value: 'something else', at: Date.now() });
      await cache.get(ctx, 'g');
    }
    expect(reads).toHaveLength(4);
    expect(cache.trustsHint(ctx.kasm, 'g')).toBe(false);
    expect(warnings.join('')).toContain('disagree');
    // Back to the age rule: no read within pollFactor polls, whatever the list says.
    vi.setSystemTime(Date.now() + 10);
    listed.set('g', { value: 'yet another', at: Date.now() });
    await cache.get(ctx, 'g');
    expect(reads).toHaveLength(4);
    vi.setSystemTime(Date.now() + 3 * POLL_MS);
    await cache.get(ctx, 'g');
    expect(reads).toHaveLength(5);
  });

  it('stops going by the hint only for the id whose reads contradict it', async () => {
    kasmSide.set('odd', 'o1');
    await cache.get(ctx, 'g');
    await cache.get(ctx, 'odd');
    for (let round = 0; round < 3; round += 1) {
      vi.setSystemTime(Date.now() + 10);
      listed.set('odd', { value: 'never matches', at: Date.now() });
      await cache.get(ctx, 'odd');
      // A group whose list agrees in between does not reset the odd one's count.
      changeInKasm('g', `g${round}`);
      await cache.get(ctx, 'g');
    }
    expect(cache.trustsHint(ctx.kasm, 'odd')).toBe(false);
    expect(cache.trustsHint(ctx.kasm, 'g')).toBe(true);
  });

  it('forgives a disagreement the next read clears (a change between the list and the read)', async () => {
    await cache.get(ctx, 'g');
    for (let round = 0; round < 5; round += 1) {
      vi.setSystemTime(Date.now() + 10);
      listed.set('g', { value: 'stale', at: Date.now() });
      await cache.get(ctx, 'g');
      changeInKasm('g', `v${round + 2}`);
      await cache.get(ctx, 'g');
    }
    expect(cache.trustsHint(ctx.kasm, 'g')).toBe(true);
  });

  it('shares one read among concurrent callers, but not with a forced read', async () => {
    await Promise.all([cache.get(ctx, 'a'), cache.get(ctx, 'a'), cache.get(ctx, 'a')]);
    expect(reads).toEqual(['a']);
    await Promise.all([cache.get(ctx, 'b'), cache.get(ctx, 'b', true)]);
    expect(reads).toEqual(['a', 'b', 'b']);
  });

  it('keeps values as long as the longest recheck age, well past pollFactor polls, and drops them after', async () => {
    await cache.get(ctx, 'gone');
    vi.setSystemTime(RECHECK_MS);
    await cache.get(ctx, 'other');
    expect(cache.size(ctx.kasm)).toBe(2);
    vi.setSystemTime(RECHECK_MS * 1.3);
    await cache.get(ctx, 'kept');
    expect(cache.size(ctx.kasm)).toBe(2);
  });
});
