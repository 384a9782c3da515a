/**
 * Every request the simulator receives, in arrival order, with the status it got (0 when no response
 * was sent: dropped or still hanging). Counts per verb are kept alongside so count() is O(1).
 */
export interface CallLogEntry {
  endpoint: string;
  /** Arrival, ms since the epoch on the real clock. */
  at: number;
  status: number;
}

export class CallLog {
  #entries: CallLogEntry[] = [];
  #counts = new Map<string, number>();

  /** Records an arrival; the caller sets `status` on the returned entry when it answers. */
  record(endpoint: string): CallLogEntry {
    const entry: CallLogEntry = { endpoint, at: performance.timeOrigin + performance.now(), status: 0 };
    this.#entries.push(entry);
    this.#counts.set(endpoint, (this.#counts.get(endpoint) ?? 0) + 1);
    return entry;
  }

  count(endpoint?: string): number {
    return endpoint === undefined ? this.#entries.length : (this.#counts.get(endpoint) ?? 0);
  }

  /** A snapshot: later answers do not change entries already returned. */
  log(): readonly CallLogEntry[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.#entries = [];
    this.#counts = new Map();
  }
}
