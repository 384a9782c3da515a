import { KasmInvalidRequestError } from './errors.js';

/**
 * Kasm ids are UUIDs printed sometimes with dashes, sometimes without, in either case. The client
 * keeps one form, 32 lowercase hex, so ids compare with `===` across endpoints.
 */
const PLAIN = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a bad id came from, so the error names the field and the endpoint. */
export interface KasmIdContext {
  field?: string;
  endpoint?: string;
}

/** The id in 32-lowercase-hex form, or undefined when the text is not a UUID. */
export function tryNormalizeKasmId(value: string): string | undefined {
  const text = value.trim();
  if (PLAIN.test(text) || DASHED.test(text)) {
    return text.replaceAll('-', '').toLowerCase();
  }
  return undefined;
}

export function isKasmId(value: unknown): value is string {
  return typeof value === 'string' && tryNormalizeKasmId(value) !== undefined;
}

/**
 * Normalises a dashed, plain or upper-case UUID to 32 lowercase hex. Throws KasmInvalidRequestError
 * for anything else: Kasm answers a non-UUID id with a database error, never a clean "not found".
 */
export function normalizeKasmId(value: string, context: KasmIdContext = {}): string {
  const id = tryNormalizeKasmId(value);
  if (id === undefined) {
    const field = context.field ?? 'id';
    throw new KasmInvalidRequestError(
      `${field} must be a Kasm id (a UUID, with or without dashes), got ${JSON.stringify(value)}`,
      { endpoint: context.endpoint ?? '', status: 0, field },
    );
  }
  return id;
}

/** True when both texts are the same UUID in any spelling; false when either is not a UUID. */
export function sameKasmId(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) {
    return false;
  }
  const left = tryNormalizeKasmId(a);
  return left !== undefined && left === tryNormalizeKasmId(b);
}

/** The dashed 8-4-4-4-12 form, for the few places (URLs) where humans read ids. */
export function dashedKasmId(value: string): string {
  const id = normalizeKasmId(value);
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}
