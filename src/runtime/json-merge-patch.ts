/**
 * RFC 7386 JSON merge patches: the smallest patch that turns `from` into `to`, and deep equality of
 * JSON values. Object keys absent from `to` become null (delete); arrays are replaced whole.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type JsonObject = Record<string, unknown>;

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON-like values; keys whose value is undefined count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * A merge patch that sets every field of `to` and deletes (null) every field of `from` that `to`
 * lacks. Unlike the minimal patch it is right even when `from` is an out-of-date copy of the
 * server's state, as long as the server holds no fields `from` never saw.
 */
export function createReplacingMergePatch(from: JsonObject | undefined, to: JsonObject): JsonObject {
  const patch: JsonObject = {};
  const source = from ?? {};
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && (!Object.hasOwn(to, k) || to[k] === undefined)) patch[k] = null;
  }
  for (const [k, v] of Object.entries(to)) {
    if (v === undefined) continue;
    const prev = source[k];
    patch[k] = isPlainObject(v) && isPlainObject(prev) ? createReplacingMergePatch(prev, v) : v;
  }
  return patch;
}
