/**
 * Kubernetes time formats. metav1.Time is RFC 3339 with second precision; metav1.MicroTime (Lease
 * renewTime, Event eventTime) must carry exactly six fractional digits or the API rejects it.
 */
export function formatKubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function formatMicroTime(ms: number): string {
  // Date has millisecond resolution; the three extra digits are zero.
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Milliseconds since the epoch, or undefined for a missing or unreadable timestamp. */
export function parseKubeTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // Trim fractions beyond milliseconds so every engine parses them alike.
  const normalized = value.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}
