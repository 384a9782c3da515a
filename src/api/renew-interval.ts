import { z } from 'zod';
import { parseDuration } from './annotations.js';
import { duration } from './references.js';

/**
 * Fields of the kinds that keep credentials issued by Kasm in a Secret (KasmLogin,
 * KasmSessionJoin, KasmSession): how often they are renewed, and what status says about them.
 */

/** How often new credentials are asked for: a Go-style duration between 5s and 720h. */
export const renewInterval = duration({
  maxLength: 64,
  minMs: 5_000,
  maxMs: 30 * 24 * 3_600_000,
  formatMessage: 'must be a duration such as 30m, 1h or 1h30m',
  rangeMessage: 'must be a duration between 5s and 720h, e.g. 1h',
});

/** The interval in milliseconds; the spec was validated, so it parses. */
export function renewIntervalMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}

/** Status fields of a kind that keeps credentials issued by Kasm in a Secret (never the credentials). */
export const issuedSecretStatusShape = {
  renewedAt: z.string().optional().describe('When the content of the Secret was last obtained from Kasm (RFC 3339).'),
  nextRenewalAt: z.string().optional().describe('When it will be obtained again (RFC 3339), with a renewal interval.'),
  issuedGeneration: z.int().min(0).optional().describe('metadata.generation the Secret\'s content was obtained for.'),
  issuedFor: z.string().max(256).optional().describe('The Kasm ids the Secret\'s content was obtained for.'),
};
