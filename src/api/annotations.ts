import { API_GROUP } from './group-version.js';

/**
 * Names of the finalizer and the annotations the operator reads and writes. They are part of the
 * user-facing contract: people set them by hand (adopting, pausing) and tools match on them.
 */

/** Holds a managed object until its Kasm counterpart is deleted (or orphaned). */
export const FINALIZER = `${API_GROUP}/finalizer`;

/** The Kasm id of the object. Written right after a create; set by hand to adopt an existing Kasm object. */
export const ANNOTATION_EXTERNAL_ID = `${API_GROUP}/external-id`;

/**
 * Set just before a create call and removed once the external id is recorded. Finding it on start
 * means a create may have happened without its id being stored: the operator then looks the object
 * up by its natural key and adopts it instead of creating a duplicate.
 */
export const ANNOTATION_CREATE_PENDING = `${API_GROUP}/create-pending`;

/** `"true"` stops reconciling the object (no Kasm calls, no finalizer work) until removed. */
export const ANNOTATION_PAUSED = `${API_GROUP}/paused`;

/** Overrides the operator's poll interval for this object, as a duration such as `30s`, `5m` or `1h30m`. */
export const ANNOTATION_POLL_INTERVAL = `${API_GROUP}/poll-interval`;

type Annotations = Readonly<Record<string, string>> | undefined;

/** True only for the exact value `"true"`, so a typo never pauses an object silently. */
export function isPaused(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_PAUSED] === 'true';
}

/** The adopted or recorded Kasm id, or undefined when the annotation is absent or blank. */
export function externalIdOf(annotations: Annotations): string | undefined {
  const value = annotations?.[ANNOTATION_EXTERNAL_ID]?.trim();
  return value ? value : undefined;
}

/** An annotation value the operator cannot use; the message names the annotation and the fix. */
export class InvalidAnnotationError extends Error {
  readonly retryable = false;
  constructor(
    readonly annotation: string,
    message: string,
  ) {
    super(`annotation ${annotation}: ${message}`);
    this.name = 'InvalidAnnotationError';
  }
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION_WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Bounds that keep one object from hammering Kasm or from never being checked. */
export const MIN_POLL_INTERVAL_MS = 5_000;
export const MAX_POLL_INTERVAL_MS = 24 * 3_600_000;

/** Parses a Go-style duration (`90s`, `5m`, `1h30m`, `500ms`) into milliseconds. */
export function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (!DURATION_WHOLE.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    const [, amount, unit] = match;
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * The object's poll interval in milliseconds, or undefined when the annotation is absent.
 * Throws InvalidAnnotationError for values that are not a duration or fall outside the bounds.
 */
export function pollIntervalOf(annotations: Annotations): number | undefined {
  const raw = annotations?.[ANNOTATION_POLL_INTERVAL];
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined) {
    throw new InvalidAnnotationError(
      ANNOTATION_POLL_INTERVAL,
      `"${raw}" is not a duration; write a number with a unit, e.g. "30s", "5m" or "1h30m"`,
    );
  }
  if (ms < MIN_POLL_INTERVAL_MS || ms > MAX_POLL_INTERVAL_MS) {
    throw new InvalidAnnotationError(
      ANNOTATION_POLL_INTERVAL,
      `"${raw}" is outside the allowed range; use a value between 5s and 24h`,
    );
  }
  return ms;
}
