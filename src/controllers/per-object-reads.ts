import type { KasmClient } from '../kasm/client.js';
import type { AdapterContext } from './managed-kind.js';

interface Cache<T> {
  values: Map<string, { value: T; at: number }>;
  sweptAt: number;
}

/**
 * Kasm data with no list endpoint (user attributes, group settings) is read per object, at most
 * once per `pollFactor` poll intervals unless forced (after a write). One cache per connection and
 * kind of read; values nobody asked for within the longest interval are dropped (an ended session,
 * a deleted group), so the cache holds only what is in use.
 */
export class PerObjectReads<T> {
  private readonly byConnection = new WeakMap<KasmClient, Cache<T>>();
  /** The longest age any caller accepts: an older value serves nobody. */
  private longestMaxAgeMs = 0;

  constructor(
    private readonly read: (kasm: KasmClient, id: string, signal: AbortSignal) => Promise<T>,
    private readonly pollFactor: number,
  ) {}

  /** Values held for a connection (for tests). */
  size(kasm: KasmClient): number {
    return this.byConnection.get(kasm)?.values.size ?? 0;
  }

  /** The value for `id`, read again when older than `pollFactor` poll intervals, or when `force`d (after a write). */
  async get(ctx: Pick<AdapterContext, 'kasm' | 'pollIntervalMs' | 'signal'>, id: string, force = false): Promise<T> {
    const now = Date.now();
    const maxAgeMs = ctx.pollIntervalMs * this.pollFactor;
    this.longestMaxAgeMs = Math.max(this.longestMaxAgeMs, maxAgeMs);
    let cache = this.byConnection.get(ctx.kasm);
    if (!cache) this.byConnection.set(ctx.kasm, (cache = { values: new Map(), sweptAt: now }));
    this.sweep(cache, now);
    const cached = cache.values.get(id);
    if (!force && cached && now - cached.at < maxAgeMs) return cached.value;
    const value = await this.read(ctx.kasm, id, ctx.signal);
    cache.values.set(id, { value, at: Date.now() });
    return value;
  }

  private sweep(cache: Cache<T>, now: number): void {
    if (now - cache.sweptAt < this.longestMaxAgeMs) return;
    cache.sweptAt = now;
    for (const [id, entry] of cache.values) if (now - entry.at >= this.longestMaxAgeMs) cache.values.delete(id);
  }
}
