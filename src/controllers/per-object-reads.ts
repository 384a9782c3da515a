import type { Logger } from 'pino';
import type { KasmClient } from '../kasm/client.js';
import { jitter } from '../runtime/backoff.js';
import type { AdapterContext } from './managed-kind.js';

/** What every read needs of the reconcile's context. */
export type ReadContext = Pick<AdapterContext, 'kasm' | 'pollIntervalMs' | 'signal' | 'logger'>;

/** What a bulk list says about a value read per object, e.g. the image names get_groups lists per group. */
export interface ReadHint<T> {
  /** Whether a value read earlier still agrees with the list. */
  agrees(value: T): boolean;
  /** When the list that gave this hint was asked for (epoch ms): a hint older than a read says nothing about it. */
  listedAt: number;
}

/** A bulk list that carries a cheap sign of the values read per object (see PerObjectReads). */
export interface ReadHintSource<T, C extends ReadContext> {
  /** What the reads are, for the log ("group grants"). */
  what: string;
  /** The list's word on `id`; undefined when there is none (per-object observation, a list without the field). */
  hint(ctx: C, id: string): Promise<ReadHint<T> | undefined>;
  /** A value the hint keeps confirming is still read again after about this long (± 20 %, so reads spread out). */
  confirmedRecheckMs: number;
  /** After this many reads of an id in a row that disagree with the newer hint that asked for them, the hint is not used for that id. Default 3. */
  missesToDistrust?: number;
}

interface Held<T> {
  value: T;
  /** When the read was asked for: a change made before then is in the value. */
  at: number;
  /** Order in which reads were asked for, to keep the later of two that overlap. */
  seq: number;
  /** Age at which a hint-confirmed value is read again anyway. */
  recheckAfterMs: number;
}

interface PerConnection<T> {
  values: Map<string, Held<T>>;
  inflight: Map<string, Promise<Held<T>>>;
  /** Per id, reads in a row that contradicted the hint that asked for them. */
  misses: Map<string, number>;
  /** Ids whose hint is no longer used. */
  distrusted: Set<string>;
  warned: boolean;
  sweptAt: number;
  nextSeq: number;
}

/**
 * Kasm data with no list endpoint (user attributes, group settings, a group's grants) is read per
 * object, one read per id at a time: again after `pollFactor` poll intervals, or at once when
 * forced (after a write). One cache per connection and kind of read; values nobody asked for in a
 * long while are dropped (an ended session, a deleted group).
 *
 * With a `hinted` source, a bulk list read anyway carries a sign of the value (get_groups names
 * each group's images; get_images_group has the grants): a held value then stands while the newest
 * list agrees with it, so at steady state nothing is read per object, and a list that disagrees and
 * was asked for after the read asks for a read at once, which finds a change made in Kasm within
 * one poll interval. The sign is checked against what the reads return: when reads of an id keep
 * contradicting it, that id goes back to a read every `pollFactor` polls, with a warning.
 */
export class PerObjectReads<T, C extends ReadContext = AdapterContext> {
  private readonly byConnection = new WeakMap<KasmClient, PerConnection<T>>();

  constructor(
    private readonly read: (kasm: KasmClient, id: string, signal: AbortSignal) => Promise<T>,
    private readonly pollFactor: number,
    private readonly hinted?: ReadHintSource<T, C>,
  ) {}

  /** Values held for a connection (for tests). */
  size(kasm: KasmClient): number {
    return this.byConnection.get(kasm)?.values.size ?? 0;
  }

  /** Whether reads of `id` still go by the hint (for tests). */
  trustsHint(kasm: KasmClient, id: string): boolean {
    return !(this.byConnection.get(kasm)?.distrusted.has(id) ?? false);
  }

  /** The value for `id`: held, or read now when the hint or its age says so, or when `force`d (after a write). */
  async get(ctx: C, id: string, force = false): Promise<T> {
    const conn = this.connection(ctx.kasm);
    const held = conn.values.get(id);
    if (force || held === undefined) return (await this.readNow(ctx, conn, id, force)).value;
    const hint = this.hinted && !conn.distrusted.has(id) ? await this.hinted.hint(ctx, id) : undefined;
    const age = Date.now() - held.at;
    if (hint === undefined) {
      if (age < ctx.pollIntervalMs * this.pollFactor) return held.value;
      return (await this.readNow(ctx, conn, id, false)).value;
    }
    if (age >= held.recheckAfterMs) return (await this.readNow(ctx, conn, id, false)).value;
    // The cheap test first: agrees() compares the group's names and rows.
    if (hint.listedAt <= held.at || hint.agrees(held.value)) return held.value;
    const fresh = await this.readNow(ctx, conn, id, false);
    this.score(ctx.logger, conn, id, hint.agrees(fresh.value));
    return fresh.value;
  }

  /** Counts reads of `id` the hint asked for that then disagreed with it; enough in a row and the hint is not used for it. */
  private score(logger: Logger, conn: PerConnection<T>, id: string, agreed: boolean): void {
    if (agreed) {
      conn.misses.delete(id);
      return;
    }
    const misses = (conn.misses.get(id) ?? 0) + 1;
    conn.misses.set(id, misses);
    if (!this.hinted || misses < (this.hinted.missesToDistrust ?? 3)) return;
    conn.misses.delete(id);
    conn.distrusted.add(id);
    // One warning per connection; which ids, at debug level.
    logger.debug({ what: this.hinted.what, id }, 'bulk list hint not used for this id');
    if (conn.warned) return;
    conn.warned = true;
    logger.warn(
      { what: this.hinted.what, id, misses },
      `Kasm's bulk list and its per-object reads of ${this.hinted.what} disagree; such ids are read every ${this.pollFactor} poll intervals instead`,
    );
  }

  /**
   * One read per id at a time, unless forced (a read begun before a write may miss it). Of two
   * reads under way, the one asked for later is kept, whichever answers first.
   */
  private readNow(ctx: ReadContext, conn: PerConnection<T>, id: string, force: boolean): Promise<Held<T>> {
    const running = force ? undefined : conn.inflight.get(id);
    if (running) return running;
    const askedAt = Date.now();
    const seq = (conn.nextSeq += 1);
    const started = this.read(ctx.kasm, id, ctx.signal)
      .then((value) => {
        const newer = conn.values.get(id);
        if (newer !== undefined && newer.seq > seq) return newer;
        const recheckAfterMs = this.hinted ? jitter(this.hinted.confirmedRecheckMs, 0.2) : 0;
        const held = { value, at: askedAt, seq, recheckAfterMs };
        conn.values.set(id, held);
        this.sweep(conn, Date.now(), ctx.pollIntervalMs);
        return held;
      })
      .finally(() => {
        if (conn.inflight.get(id) === started) conn.inflight.delete(id);
      });
    conn.inflight.set(id, started);
    return started;
  }

  /** Drops values nobody has asked about for longer than any of them is kept (a deleted group). */
  private sweep(conn: PerConnection<T>, now: number, pollIntervalMs: number): void {
    const keepMs = Math.max((this.hinted?.confirmedRecheckMs ?? 0) * 1.2, pollIntervalMs * this.pollFactor);
    if (now - conn.sweptAt < keepMs) return;
    conn.sweptAt = now;
    for (const [id, held] of conn.values) if (now - held.at >= keepMs) conn.values.delete(id);
  }

  private connection(kasm: KasmClient): PerConnection<T> {
    let conn = this.byConnection.get(kasm);
    if (!conn) this.byConnection.set(kasm, (conn = { values: new Map(), inflight: new Map(), misses: new Map(), distrusted: new Set(), warned: false, sweptAt: Date.now(), nextSeq: 0 }));
    return conn;
  }
}
