import { z } from 'zod';
import { normaliseId } from './ids.js';
import { BusinessFailure, ServerCrash } from './route-errors.js';

/**
 * Reading request payloads. A missing `target_*` wrapper makes Kasm throw (HTML 500); a missing or
 * mistyped field inside gets HTTP 200 with an `error_message` that names it; a non-UUID id is a
 * database error (HTML 500).
 */
export type Payload = Readonly<Record<string, unknown>>;

/** A UUID in either form, normalised to 32 lowercase hex. */
export const idField = z.string().transform((text, ctx) => {
  const id = normaliseId(text);
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid input syntax for type uuid: "${text}"`, params: { uuid: true } });
    return z.NEVER;
  }
  return id;
});

/** A JSON document sent as a JSON-encoded string (or, tolerated, as an object); stored as a string. */
export const jsonTextField = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((value, ctx) => {
  if (typeof value !== 'string') {
    return JSON.stringify(value);
  }
  if (value.trim() === '') {
    return '{}';
  }
  try {
    JSON.parse(value);
    return value;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON-encoded object, e.g. "{}"' });
    return z.NEVER;
  }
});

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `target_*` object; its absence is a server-side KeyError in Kasm. */
export function wrapper(body: Payload, key: string): Payload {
  const value = body[key];
  if (!isObject(value)) {
    throw new ServerCrash(`KeyError: '${key}'`);
  }
  return value;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (!isObject(current) && !Array.isArray(current)) {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Parses `input` with `schema`; `where` prefixes field names in messages (e.g. "target_user"). */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues;
  const uuidIssue = issues.find((issue) => issue.code === 'custom' && issue.params?.['uuid'] === true);
  if (uuidIssue !== undefined) {
    throw new ServerCrash(`psycopg2.errors.InvalidTextRepresentation: ${uuidIssue.message}`);
  }
  const issue = issues[0];
  if (issue === undefined) {
    throw new BusinessFailure('Invalid request');
  }
  const field = [where, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.');
  if (valueAt(input, issue.path) === undefined) {
    throw new BusinessFailure(`Missing required field: ${field}`);
  }
  throw new BusinessFailure(`Invalid value for ${field}: ${issue.message}`);
}

/** Parses the object inside a `target_*` wrapper. */
export function parseWrapped<S extends z.ZodType>(body: Payload, key: string, schema: S): z.output<S> {
  return parse(schema, wrapper(body, key), key);
}
