import type { Logger } from 'pino';
import type { KasmClient } from '../kasm/client.js';
import { jitter } from '../runtime/backoff.js';
import type { AdapterContext } from './managed-kind.js';

/** What a bulk list says about a value read per object, e.g. the image names get_groups lists per group. */
export interface ReadHint<T> {
  /** Whether a value read earlier still agrees with the list. */
  agrees(value: T): boolean;
  /** When the list that gave this hint was asked for (epoch ms): a hint older than a read says nothing about it. */
  listedAt: number;
}

/** What every read needs of the reconcile's context. */
export type ReadContext = Pick<AdapterContext, 'kasm' | 'pollIntervalMs' | 'signal' | 'logger'>;

export interface HintedReadsOptions<T, C extends ReadContext> {
  /** What the reads are, for the log ("group grants"). */
  what: string;
  /** The read per object. */
  read(kasm: KasmClient, id: string, signal: AbortSignal): Promise<T>;
  /** The bulk list's word on `id`; undefined when there is none (per-object observation, a list without the field). */
  hint(ctx: C, id: string): Promise<ReadHint<T> | undefined>;
  /** Without a hint, a value is read again after this many poll intervals. */
  pollFactor: number;
  /** A value the hint keeps confirming is still read again after about this long (± 20 %, so reads spread out). */
  confirmedRecheckMs: number;
  /** After this many reads in a row that disagree with the newer hint that asked for them, the hint is not used for the connection. */
  missesToDistrust?: number;
}

interface Held<T> {
  value: T;
  /** When the read finished. */
  at: number;
  /** Age at which a hint-confirmed value is read again anyway. */
  recheckAfterMs: number;
}

interface PerConnection<T> {
  values: Map<string, Held<T>>;
  inflight: Map<string, Promise<Held<T>>>;
  misses: number;
  hintTrusted: boolean;
  sweptAt: number;
}

/**
 * Kasm data with no list endpoint, read per object, when a bulk list carries a cheap sign of it:
 * get_groups names each group's images, get_images_group has the grants themselves. A held value
 * stands while the newest list agrees with it, so at steady state nothing is read per object; a
 * list that disagrees and is newer than the read asks for a read at once, which finds a change
 * made in Kasm within one poll interval. The sign is checked against what the reads return: when
 * reads keep disagreeing with it, the connection goes back to reading every `pollFactor` polls.
 */
export class HintedReads<T, C extends ReadContext = AdapterContext> {
  private readonly byConnection = new WeakMap<KasmClient, PerConnection<T>>();
  private readonly missesToDistrust: number;

  constructor(private readonly options: HintedReadsOptions<T, C>) {
    this.missesToDistrust = options.missesToDistrust ?? 3;
  }

  /** Values held for a connection (for tests). */
  size(kasm: KasmClient): number {
    return this.byConnection.get(kasm)?.values.size ?? 0;
  }

  /** Whether the connection still goes by the hint (for tests). */
  trustsHint(kasm: KasmClient): boolean {
    return this.byConnection.get(kasm)?.hintTrusted ?? true;
  }

  /** The value for `id`: held, or read now when the hint or its age says so, or when `force`d (after a write). */
  async get(ctx: C, id: string, force = false): Promise<T> {
    const conn = this.connection(ctx.kasm);
    const held = conn.values.get(id);
    if (force || held === undefined) return (await this.read(ctx, conn, id, force)).value;
    const hint = conn.hintTrusted ? await this.options.hint(ctx, id) : undefined;
    const age = Date.now() - held.at;
    if (hint === undefined) {
      if (age < ctx.pollIntervalMs * this.options.pollFactor) return held.value;
      return (await this.read(ctx, conn, id, false)).value;
    }
    if (age >= held.recheckAfterMs) return (await this.read(ctx, conn, id, false)).value;
    if (hint.agrees(held.value) || hint.listedAt <= held.at) return held.value;
    const fresh = await this.read(ctx, conn, id, false);
    this.score(ctx.logger, conn, hint.agrees(fresh.value));
    return fresh.value;
  }

  /** Counts reads the hint asked for that then disagreed with it; enough in a row and the hint is dropped. */
  private score(logger: Logger, conn: PerConnection<T>, agreed: boolean): void {
    if (agreed) {
      conn.misses = 0;
      return;
    }
    conn.misses += 1;
    if (conn.misses < this.missesToDistrust || !conn.hintTrusted) return;
    conn.hintTrusted = false;
    logger.warn(
      { what: this.options.what, misses: conn.misses },
      `Kasm's bulk list and its per-object reads of ${this.options.what} disagree; reading them every ${this.options.pollFactor} poll intervals instead`,
    );
  }

  /** One read per id at a time, unless forced (a read begun before a write may miss it). */
  private read(ctx: ReadContext, conn: PerConnection<T>, id: string, force: boolean): Promise<Held<T>> {
    const running = force ? undefined : conn.inflight.get(id);
    if (running) return running;
    const started = this.options
      .read(ctx.kasm, id, ctx.signal)
      .then((value) => {
        const now = Date.now();
        const held: Held<T> = { value, at: now, recheckAfterMs: jitter(this.options.confirmedRecheckMs, 0.2) };
        conn.values.set(id, held);
        this.sweep(conn, now, ctx.pollIntervalMs);
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
    const keepMs = Math.max(this.options.confirmedRecheckMs * 1.2, pollIntervalMs * this.options.pollFactor);
    if (now - conn.sweptAt < keepMs) return;
    conn.sweptAt = now;
    for (const [id, held] of conn.values) if (now - held.at >= keepMs) conn.values.delete(id);
  }

  private connection(kasm: KasmClient): PerConnection<T> {
    let conn = this.byConnection.get(kasm);
    if (!conn) this.byConnection.set(kasm, (conn = { values: new Map(), inflight: new Map(), misses: 0, hintTrusted: true, sweptAt: Date.now() }));
    return conn;
  }
}
