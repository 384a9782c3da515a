/**
 * Remembers a pure function's result per string key. The server compiles patterns, rules and paths that
 * come from CRDs (a handful each) but are applied on every write, row or watch event.
 */
export function memoize<T>(build: (key: string) => T): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    if (results.has(key)) return results.get(key) as T;
    const result = build(key);
    results.set(key, result);
    return result;
  };
}
