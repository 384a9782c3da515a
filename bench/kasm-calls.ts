/** Reading the Kasm simulator's call log by time window. */
import type { CallLogEntry } from '../test/harness/kasm-sim/call-log.js';

export interface CallSummary {
  total: number;
  byEndpoint: Record<string, number>;
  /** Calls answered 429 (rate limited). */
  rateLimited: number;
  /** Calls that change Kasm (every endpoint that is not a get_ read). */
  writes: number;
}

const isKasmWrite = (endpoint: string): boolean => !endpoint.startsWith('get_');

/** Calls that arrived in [from, to). */
export function summarizeCalls(log: readonly CallLogEntry[], from: number, to: number): CallSummary {
  const byEndpoint: Record<string, number> = {};
  let total = 0;
  let rateLimited = 0;
  let writes = 0;
  for (const c of log) {
    if (c.at < from || c.at >= to) continue;
    total++;
    byEndpoint[c.endpoint] = (byEndpoint[c.endpoint] ?? 0) + 1;
    if (c.status === 429) rateLimited++;
    else if (isKasmWrite(c.endpoint)) writes++;
  }
  return { total, byEndpoint, rateLimited, writes };
}

/** Most 429s answered within any one second: a burst of them is a "429 storm". */
export function peak429PerSecond(log: readonly CallLogEntry[], from: number, to: number): number {
  const perSecond = new Map<number, number>();
  for (const c of log) {
    if (c.at < from || c.at >= to || c.status !== 429) continue;
    const s = Math.floor(c.at / 1000);
    perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

export function perObject(counts: Record<string, number>, objects: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / objects, 3)]));
}

export const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
