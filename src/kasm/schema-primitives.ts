import { z } from 'zod';
import { tryNormalizeKasmId } from './ids.js';

/**
 * zod building blocks for Kasm's wire formats. Replies are read leniently where Kasm is known to
 * vary (id spelling, date spelling, numbers as text, JSON fields as text) and strictly where the
 * client depends on a value.
 */

// ---- ids ----

/** A UUID in any spelling; the output is 32 lowercase hex. */
export const kasmId = z.string().transform((text, ctx) => {
  const id = tryNormalizeKasmId(text);
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a Kasm id (a UUID, with or without dashes), got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return id;
});

/** An id that may be unset: null, missing, "" and "None" all mean none. */
export const nullableKasmId = z
  .union([z.string(), z.null()])
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text === null || text === '' || text === 'None') {
      return null;
    }
    const id = tryNormalizeKasmId(text);
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a Kasm id (a UUID) or empty, got ${JSON.stringify(text)}` });
      return z.NEVER;
    }
    return id;
  });

// ---- timestamps ----

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a Kasm date: naive `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC, as Kasm stores it), or ISO 8601 with
 * a zone. Returns undefined when the text is neither or names an impossible date.
 */
export function parseKasmTimestamp(text: string): Date | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), millis);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March; a rolled-over date is a malformed one.
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return undefined;
  }
  if (zone === undefined || zone.toUpperCase() === 'Z') {
    return check;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  return new Date(utc - offsetMinutes * 60_000);
}

/** A date as Kasm wants it in requests: naive UTC `YYYY-MM-DD HH:MM:SS`. */
export function formatKasmTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('formatKasmTimestamp: the date is invalid');
  }
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** A Kasm date that may be unset: null, missing, "" and the Python string "None" become null. */
export const kasmTimestamp = z
  .union([z.string(), z.null()])
  .optional()
  .transform((text, ctx): Date | null => {
    if (text === undefined || text === null || text === '' || text === 'None') {
      return null;
    }
    const date = parseKasmTimestamp(text);
    if (date === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a date like "2024-01-31 13:45:00.123456", got ${JSON.stringify(text)}` });
      return z.NEVER;
    }
    return date;
  });

/** A date for a request: a Date or a date text Kasm reads, sent as naive UTC. */
export const kasmTimestampInput = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const date = typeof value === 'string' ? parseKasmTimestamp(value) : value;
  if (date === undefined || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be a Date or a date text like "2024-12-31 23:59:59"' });
    return z.NEVER;
  }
  return formatKasmTimestamp(date);
});

// ---- JSON-in-text fields ----

export type JsonObject = Record<string, unknown>;

function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A field Kasm may send as an object or as JSON-encoded text (run_config, exec_config,
 * volume_mappings, launch_config). The output is the object; null, missing and "" become null.
 */
export const jsonObjectOrString = z
  .union([z.record(z.string(), z.unknown()), z.string(), z.null()])
  .optional()
  .transform((value, ctx): JsonObject | null => {
    if (value === undefined || value === null || value === '' || value === 'None') {
      return null;
    }
    if (typeof value !== 'string') {
      return value;
    }
    const parsed = parseJsonObject(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object or its JSON text' });
      return z.NEVER;
    }
    return parsed;
  });

/** A request field Kasm wants as JSON text: an object is encoded, a text must already be a JSON object. */
export const jsonTextInput = z.union([z.record(z.string(), z.unknown()), z.string()]).transform((value, ctx) => {
  if (typeof value !== 'string') {
    return JSON.stringify(value);
  }
  if (parseJsonObject(value) === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an object or the JSON text of an object, e.g. {"hostname": "kasm"}' });
    return z.NEVER;
  }
  return value;
});

// ---- numbers, booleans, texts as Kasm sends them ----

const NUMERIC = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A number Kasm may send as JSON number or numeric text (e.g. group setting values). */
export const kasmNumber = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const number = typeof value === 'number' ? value : NUMERIC.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) {
    ctx.addIssue({ code: 'custom', message: `must be a number, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return number;
});

/** A whole number (bytes, counts, seconds); a float with no fraction is accepted. */
export const kasmInteger = kasmNumber.pipe(z.number().int('must be a whole number'));

/** A boolean Kasm may send as JSON boolean, "true"/"false" (any case) or 0/1. */
export const kasmBoolean = z.union([z.boolean(), z.string(), z.number()]).transform((value, ctx) => {
  if (typeof value === 'boolean') {
    return value;
  }
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') {
    return true;
  }
  if (text === 'false' || text === '0') {
    return false;
  }
  ctx.addIssue({ code: 'custom', message: `must be true or false, got ${JSON.stringify(value)}` });
  return z.NEVER;
});

/** Makes a reply field optional: missing and null become null. */
function orNull<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value): z.output<T> | null => value ?? null);
}

export const nullableString = orNull(z.string());
export const nullableNumber = orNull(kasmNumber);
export const nullableInteger = orNull(kasmInteger);
export const nullableBoolean = orNull(kasmBoolean);

/** A reply list: missing and null become []. */
export function listOf<T extends z.ZodType>(schema: T) {
  return z
    .array(schema)
    .nullish()
    .transform((value): z.output<T>[] => value ?? []);
}

/** A free-form object in a reply (config, client settings); missing and null become {}. */
export const looseRecord = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((value): JsonObject => value ?? {});
