import type { KasmClient } from '../kasm/client.js';

/**
 * Kasm data with no list endpoint (user attributes, group settings) is read per object, at most
 * once per `maxAgeMs` unless forced (after a write). One cache per connection and kind of read.
 */
export class PerObjectReads<T> {
  private readonly byConnection = new WeakMap<KasmClient, Map<string, { value: T; at: number }>>();

  constructor(private readonly read: (kasm: KasmClient, id: string, signal: AbortSignal) => Promise<T>) {}

  async get(kasm: KasmClient, id: string, options: { maxAgeMs: number; force: boolean; signal: AbortSignal }): Promise<T> {
    let perConnection = this.byConnection.get(kasm);
    if (!perConnection) this.byConnection.set(kasm, (perConnection = new Map<string, { value: T; at: number }>()));
    const cached = perConnection.get(id);
    if (!options.force && cached && Date.now() - cached.at < options.maxAgeMs) return cached.value;
    const value = await this.read(kasm, id, options.signal);
    perConnection.set(id, { value, at: Date.now() });
    return value;
  }
}
