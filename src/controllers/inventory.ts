/**
 * Bulk observation (design section 7): one list call per connection and kind serves every object's
 * observation. Writes update the inventory from their replies, so a create or update costs no
 * extra read. A refresh compares the new list with the previous one and reports the ids and natural
 * keys whose Kasm record changed, appeared or disappeared; the controller requeues only the objects
 * behind them.
 */
export interface InventorySource<T> {
  /** One list call returning every item of the kind. */
  list(signal?: AbortSignal): Promise<readonly T[]>;
  /** Normalised Kasm id of an item. */
  id(item: T): string;
  /** Natural keys (username, group name ...) used to adopt after a crash or under Observe. */
  naturalKeys(item: T): readonly string[];
  /**
   * A stable fingerprint of what reconciliation compares; defaults to JSON of the item. With `keep`,
   * it must read only kept fields: listed items are fingerprinted before they are kept, so that an
   * unchanged one is not copied at every list.
   */
  fingerprint?(item: T): string;
  /** What to keep of a listed or written item (the fields the kinds read); defaults to the item itself. */
  keep?(item: T): T;
}

export interface InventoryChange {
  ids: ReadonlySet<string>;
  naturalKeys: ReadonlySet<string>;
}

export type InventoryListener = (change: InventoryChange) => void;

export interface InventoryOptions {
  /** A snapshot older than this is refreshed before it serves a read. */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry<T> {
  item: T;
  fingerprint: string;
  keys: readonly string[];
}

export class Inventory<T> {
  private readonly byId = new Map<string, Entry<T>>();
  private readonly byKey = new Map<string, string>();
  private refreshedAt: number | undefined;
  private snapshotAskedAt: number | undefined;
  private inflight: Promise<void> | undefined;
  private readonly listeners = new Set<InventoryListener>();
  private readonly now: () => number;
  private refreshCount = 0;

  constructor(
    private readonly source: InventorySource<T>,
    private readonly options: InventoryOptions,
  ) {
    // The default fingerprint (JSON of the listed item) would read the fields `keep` drops.
    if (source.keep && !source.fingerprint) throw new TypeError('an inventory source with keep() needs a fingerprint() of the kept fields');
    this.now = options.now ?? Date.now;
  }

  /** Number of list calls made so far (for tests and the benchmark). */
  get refreshes(): number {
    return this.refreshCount;
  }

  get size(): number {
    return this.byId.size;
  }

  /** When the list behind the current snapshot was asked for: a change made before then is in it. */
  get listedAt(): number | undefined {
    return this.snapshotAskedAt;
  }

  isFresh(maxAgeMs = this.options.maxAgeMs): boolean {
    return this.refreshedAt !== undefined && this.now() - this.refreshedAt < maxAgeMs;
  }

  /** Refreshes when the snapshot is missing or older than `maxAgeMs`; concurrent callers share one list call. */
  async ensureFresh(maxAgeMs = this.options.maxAgeMs): Promise<void> {
    if (this.isFresh(maxAgeMs)) return;
    await this.refresh();
  }

  /** Lists now (sharing a list call already under way). */
  refresh(): Promise<void> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.item;
  }

  findByNaturalKey(key: string): T | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.byId.get(id)?.item;
  }

  all(): IterableIterator<T> {
    const entries = this.byId.values();
    return (function* () {
      for (const e of entries) yield e.item;
    })();
  }

  /** Records the reply of a create or update, so the next read needs no list call. */
  upsert(item: T): void {
    this.put(this.kept(item));
  }

  /** Records a delete. */
  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    for (const k of entry.keys) if (this.byKey.get(k) === id) this.byKey.delete(k);
  }

  onChange(listener: InventoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private kept(item: T): T {
    return this.source.keep ? this.source.keep(item) : item;
  }

  private fingerprintOf(item: T): string {
    return this.source.fingerprint ? this.source.fingerprint(item) : JSON.stringify(item);
  }

  private put(item: T, fingerprint = this.fingerprintOf(item)): Entry<T> {
    const id = this.source.id(item);
    const previous = this.byId.get(id);
    if (previous) for (const k of previous.keys) if (this.byKey.get(k) === id) this.byKey.delete(k);
    const entry: Entry<T> = { item, fingerprint, keys: this.source.naturalKeys(item) };
    this.byId.set(id, entry);
    for (const k of entry.keys) this.byKey.set(k, id);
    return entry;
  }

  private async doRefresh(): Promise<void> {
    const askedAt = this.now();
    const items = await this.source.list();
    this.refreshCount += 1;
    const first = this.refreshedAt === undefined;
    const changedIds = new Set<string>();
    const changedKeys = new Set<string>();
    const seen = new Set<string>();
    for (const listed of items) {
      // Fingerprinted before it is kept (the fingerprint reads kept fields only): an unchanged item is not copied.
      const id = this.source.id(listed);
      seen.add(id);
      const before = this.byId.get(id);
      const fingerprint = this.fingerprintOf(listed);
      if (before?.fingerprint === fingerprint) continue;
      const after = this.put(this.kept(listed), fingerprint);
      changedIds.add(id);
      for (const k of after.keys) changedKeys.add(k);
      if (before) for (const k of before.keys) changedKeys.add(k);
    }
    for (const [id, entry] of [...this.byId]) {
      if (seen.has(id)) continue;
      this.remove(id);
      changedIds.add(id);
      for (const k of entry.keys) changedKeys.add(k);
    }
    this.refreshedAt = this.now();
    this.snapshotAskedAt = askedAt;
    // The first snapshot is not a change: every object is reconciled once at start anyway.
    if (first || (changedIds.size === 0 && changedKeys.size === 0)) return;
    const change: InventoryChange = { ids: changedIds, naturalKeys: changedKeys };
    for (const l of this.listeners) l(change);
  }
}
