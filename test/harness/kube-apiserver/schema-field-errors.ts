/**
 * kube-apiserver's field errors (apimachinery `field.Error`) and the text it renders for them in a
 * 422 Status: each error becomes a cause `{reason, message, field}` whose message is the error body,
 * e.g. `Invalid value: "string": spec.cores in body must be of type number: "string"`. Bad values
 * are printed the way Go's fmt prints the decoded JSON (strings quoted, objects as Go maps).
 */
import type { StatusCause } from './schema-validation.js';

export type FieldErrorType =
  | 'Required'
  | 'Invalid'
  | 'TypeInvalid'
  | 'NotSupported'
  | 'Duplicate'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'Internal';

/** Marks an error whose bad value is not printed (kube's omitValue). */
const OMITTED_VALUE: unique symbol = Symbol('omitted value');

export interface FieldError {
  type: FieldErrorType;
  /** Rendered field path; `<nil>` for errors about the whole object. */
  field: string;
  badValue: unknown;
  detail: string;
}

const REASONS: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  TypeInvalid: 'FieldValueTypeInvalid',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
};

const LABELS: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  TypeInvalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Internal: 'Internal error',
};

/** The error body without the field, as `field.Error.ErrorBody()` renders it. */
function errorBody(e: FieldError): string {
  let s = LABELS[e.type];
  const valueless = e.type === 'Required' || e.type === 'Forbidden' || e.type === 'TooLong' || e.type === 'Internal';
  if (!valueless && e.badValue !== OMITTED_VALUE) s += `: ${formatBadValue(e.badValue)}`;
  if (e.detail.length > 0) s += `: ${e.detail}`;
  return s;
}

export function toStatusCause(e: FieldError): StatusCause {
  return { reason: REASONS[e.type], message: errorBody(e), field: e.field };
}

/** Simple types print with %v, strings with %q, everything else with %#v. */
function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return goQuote('null');
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatGoFloat(value);
  if (typeof value === 'boolean') return String(value);
  return goSharpV(value);
}

/** Go's `%#v` of a value decoded from JSON into interface{}. */
function goSharpV(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatGoFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSharpV).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${goQuote(k)}:${goSharpV(v)}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : '';
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(ch)) {
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** Go's %v of a float64: shortest form, exponent below 1e-4 and from 1e21 on. */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}

/**
 * Field paths as apimachinery's field.Path renders them; `undefined` is the nil path (the whole
 * object), printed `<nil>`.
 */
export type FieldPath = string | undefined;

export function childPath(parent: FieldPath, name: string): string {
  return parent === undefined ? name : `${parent}.${name}`;
}

export function indexPath(parent: FieldPath, index: number): string {
  return `${parent ?? ''}[${index}]`;
}

export function keyPath(parent: FieldPath, key: string): string {
  return `${parent ?? ''}[${key}]`;
}

export function renderPath(path: FieldPath): string {
  return path ?? '<nil>';
}
