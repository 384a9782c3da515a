/**
 * Kasm prints dates as naive Python datetimes in UTC: `YYYY-MM-DD HH:MM:SS.ffffff`, no zone.
 */
function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function naiveTimestamp(epochMs: number): string {
  const date = new Date(Math.floor(epochMs));
  const micros = Math.floor((epochMs - Math.floor(epochMs / 1000) * 1000) * 1000);
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(micros, 6)}`
  );
}

/** Dates that may be unset: JSON null in most replies. */
export function naiveOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : naiveTimestamp(epochMs);
}

/** Dates that may be unset, as get_users prints them: the Python string "None". */
export function naiveOrNoneString(epochMs: number | null): string {
  return epochMs === null ? 'None' : naiveTimestamp(epochMs);
}
