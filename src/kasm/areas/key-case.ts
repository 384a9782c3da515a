/**
 * Kasm speaks snake_case; the client's callers speak camelCase. Reply schemas end in `camelKeys` and
 * request schemas in `snakeKeys`, so each field is named once, in the schema, and the mapping is
 * mechanical in both directions (types included).
 */
export type SnakeToCamel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<SnakeToCamel<Tail>>}`
  : S;

export type CamelToSnake<S extends string> = S extends `${infer First}${infer Rest}`
  ? `${First extends Lowercase<First> ? First : `_${Lowercase<First>}`}${CamelToSnake<Rest>}`
  : S;

export type CamelKeys<T> = { [K in keyof T as K extends string ? SnakeToCamel<K> : K]: T[K] };

/** Snake-cased keys; keys whose value is undefined are dropped, so partial updates send only what changes. */
export type SnakeKeys<T> = { [K in keyof T as K extends string ? CamelToSnake<K> : K]: Exclude<T[K], undefined> };

/**
 * Every object of a list reply repeats the same keys (10,000 users, 15 keys each), so each key is
 * converted once. The keys are the reply schemas' own, so the cache stays small; the cap is a guard.
 */
const camelCache = new Map<string, string>();
const camelCacheCap = 10_000;

export function snakeToCamel(key: string): string {
  let camel = camelCache.get(key);
  if (camel === undefined) {
    camel = key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
    if (camelCache.size < camelCacheCap) {
      camelCache.set(key, camel);
    }
  }
  return camel;
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Shallow: nested objects are mapped by their own schemas. */
export function camelKeys<T extends object>(value: T): CamelKeys<T> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[snakeToCamel(key)] = field;
  }
  return out as CamelKeys<T>;
}

/** Shallow, and drops undefined values (a key not given is a field not changed). */
export function snakeKeys<T extends object>(value: T): SnakeKeys<T> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) {
      out[camelToSnake(key)] = field;
    }
  }
  return out as SnakeKeys<T>;
}
