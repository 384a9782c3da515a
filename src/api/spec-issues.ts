import type { z } from 'zod';

/** A dotted field path as kubectl users write it: `spec.groups[1].groupRef.name`. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

/** One line per problem, each naming the field, e.g. `spec.username: must not be empty ...`. */
export function formatIssues(error: z.ZodError, root = 'spec'): string {
  return error.issues.map((issue) => `${fieldPath(root, issue.path)}: ${issue.message}`).join('; ');
}

export type SpecParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses a spec (defaults applied); on failure the message names every bad field. */
export function parseSpec<S extends z.ZodType>(schema: S, value: unknown, root = 'spec'): SpecParseResult<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, message: formatIssues(result.error, root) };
}
