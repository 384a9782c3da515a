import { z } from 'zod';
import { parseDuration } from './annotations.js';

/**
 * How often a kind that keeps credentials from Kasm in a Secret (KasmLogin, KasmSessionJoin) asks
 * for new ones: a Go-style duration, RE2-compatible so the CRD carries the pattern too.
 */
const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
const MIN_MS = 5_000;
const MAX_MS = 30 * 24 * 3_600_000;

export const renewInterval = z
  .string()
  .max(64)
  .regex(new RegExp(DURATION_PATTERN), { message: 'must be a duration such as 30m, 1h or 1h30m' })
  .superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < MIN_MS || ms > MAX_MS) ctx.addIssue({ code: 'custom', message: 'must be a duration between 5s and 720h, e.g. 1h' });
  });

/** The interval in milliseconds; the spec was validated, so it parses. */
export function renewIntervalMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}
