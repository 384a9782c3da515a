/**
 * metav1.Status failures with kube-apiserver's reasons, codes and message wording. Every error path of the
 * server ends in one of these so clients see exactly the body shape a real cluster sends.
 */
import type { StatusCause } from './schema-validation.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'BadRequest'
  | 'Gone'
  | 'Expired'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A resource as errors name it: `kasmusers.kasm.io`, or `secrets` for the core group. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A kind as Invalid errors name it: `KasmUser.kasm.io`, or `Secret` for the core group. */
export interface GroupKind {
  group: string;
  kind: string;
}

function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

export class ApiError extends Error {
  readonly headers: Record<string, string>;
  constructor(
    readonly status: StatusBody,
    headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'ApiError';
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
}

/** A Failure Status; the helpers below cover kube's usual ones. */
export function statusFailure(code: number, reason: StatusReason | undefined, message: string, details?: StatusDetails): ApiError {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason) body.reason = reason;
  if (details) body.details = details;
  return new ApiError(body);
}

/** details naming one object: name, resource (as `kind`, as kube fills it) and group. */
export function resourceDetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: gr.resource };
  if (gr.group) d.group = gr.group;
  return d;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return statusFailure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, resourceDetails(gr, name));
}

/** The 404 for a path that names no known resource. */
export function resourceNotServed(): ApiError {
  return statusFailure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return statusFailure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, resourceDetails(gr, name));
}

export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return statusFailure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    resourceDetails(gr, name),
  );
}

const STALE_OBJECT_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

export function staleResourceVersion(gr: GroupResource, name: string): ApiError {
  return conflict(gr, name, STALE_OBJECT_MESSAGE);
}

/** kube's field.ErrorList aggregate: one error alone, several in brackets. */
function aggregateCauses(causes: StatusCause[]): string {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  return parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
}

export function invalid(gk: GroupKind, name: string, causes: StatusCause[]): ApiError {
  const details: StatusDetails = { name, kind: gk.kind, causes };
  if (gk.group) details.group = gk.group;
  const message =
    causes.length === 0
      ? `${qualifiedKind(gk)} "${name}" is invalid`
      : `${qualifiedKind(gk)} "${name}" is invalid: ${aggregateCauses(causes)}`;
  return statusFailure(422, 'Invalid', message, details);
}

export function forbidden(gr: GroupResource, name: string, why: string): ApiError {
  const target = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return statusFailure(403, 'Forbidden', `${target} is forbidden: ${why}`, resourceDetails(gr, name));
}

export function methodNotAllowed(method: string): ApiError {
  return statusFailure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`, {});
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return statusFailure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnsupportedMediaType', message: contentType, field: '' }] },
  );
}

export function notAcceptable(accepted: string[]): ApiError {
  return statusFailure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function badRequest(message: string): ApiError {
  return statusFailure(400, 'BadRequest', message);
}

export function gone(message: string): ApiError {
  return statusFailure(410, 'Gone', message);
}

/** What the watch cache and list answer for a resourceVersion older than what they retain. */
export function resourceExpired(message: string): ApiError {
  return statusFailure(410, 'Expired', message);
}

export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const err = statusFailure(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
  return new ApiError(err.status, { 'Retry-After': String(retryAfterSeconds) });
}

export function internalError(message: string): ApiError {
  return statusFailure(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message, field: '' }],
  });
}

export function serviceUnavailable(message: string): ApiError {
  return statusFailure(503, 'ServiceUnavailable', message);
}

export function successStatus(details: StatusDetails): Omit<StatusBody, 'code' | 'status'> & { status: 'Success' } {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** Causes in kube wording, for the validation the server does itself (metadata, core kinds). */
export const cause = {
  required: (field: string, detail = ''): StatusCause => ({
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  }),
  invalid: (field: string, value: unknown, detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
    field,
  }),
  forbidden: (field: string, detail: string): StatusCause => ({
    reason: 'FieldValueForbidden',
    message: `Forbidden: ${detail}`,
    field,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): StatusCause => ({
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${formatValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
    field,
  }),
  tooLong: (field: string, max: number): StatusCause => ({
    reason: 'FieldValueTooLong',
    message: `Too long: may not be more than ${max} bytes`,
    field,
  }),
};

/** How field.Error prints a bad value: strings quoted, numbers bare, others as JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}
