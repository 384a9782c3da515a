/**
 * The one error hierarchy of the Kasm client. Every failure the client reports is a KasmError with
 * `retryable`, the endpoint and the HTTP status (0 when no response arrived), so callers decide
 * between retry, backoff and Stalled from the type alone.
 */
export type KasmErrorCode =
  | 'Authentication'
  | 'Permission'
  | 'NotFound'
  | 'Conflict'
  | 'RateLimited'
  | 'Server'
  | 'Transport'
  | 'InvalidResponse'
  | 'InvalidRequest'
  | 'Business'
  | 'CircuitOpen'
  | 'Pending';

export interface KasmErrorFields {
  endpoint: string;
  status: number;
  cause?: unknown;
}

export abstract class KasmError extends Error {
  abstract readonly code: KasmErrorCode;
  abstract readonly retryable: boolean;
  readonly endpoint: string;
  readonly status: number;

  constructor(message: string, fields: KasmErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.endpoint = fields.endpoint;
    this.status = fields.status;
  }
}

/** 401: the API key or secret is wrong, missing or expired. */
export class KasmAuthenticationError extends KasmError {
  readonly code = 'Authentication';
  readonly retryable = false;
}

/** 403 `Unauthorized`: the key lacks a permission; `requiredPermissions` names the ones the endpoint needs. */
export class KasmPermissionError extends KasmError {
  readonly code = 'Permission';
  readonly retryable = false;
  readonly requiredPermissions: readonly string[];
  constructor(message: string, fields: KasmErrorFields & { requiredPermissions: readonly string[] }) {
    super(message, fields);
    this.requiredPermissions = fields.requiredPermissions;
  }
}

/** The Kasm object the request named does not exist. */
export class KasmNotFoundError extends KasmError {
  readonly code = 'NotFound';
  readonly retryable = false;
}

/** The name is taken by another Kasm object. */
export class KasmConflictError extends KasmError {
  readonly code = 'Conflict';
  readonly retryable = false;
}

/** 429, or the client-side limiter refused; `retryAfterMs` is when Kasm said to come back. */
export class KasmRateLimitedError extends KasmError {
  readonly code = 'RateLimited';
  readonly retryable = true;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, fields: KasmErrorFields & { retryAfterMs?: number | undefined }) {
    super(message, fields);
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** 5xx, including HTML error pages. */
export class KasmServerError extends KasmError {
  readonly code = 'Server';
  readonly retryable = true;
  readonly html: boolean;
  constructor(message: string, fields: KasmErrorFields & { html?: boolean }) {
    super(message, fields);
    this.html = fields.html ?? false;
  }
}

export type TransportFailure = 'refused' | 'reset' | 'timeout' | 'dns' | 'tls' | 'aborted' | 'other';

/** No usable HTTP response: connection refused or reset, timeout, TLS or DNS failure. */
export class KasmTransportError extends KasmError {
  readonly code = 'Transport';
  readonly retryable = true;
  readonly failure: TransportFailure;
  /** False only when the request cannot have reached Kasm (refused, DNS, TLS handshake). */
  readonly mayHaveTakenEffect: boolean;
  constructor(message: string, fields: KasmErrorFields & { failure: TransportFailure; mayHaveTakenEffect: boolean }) {
    super(message, fields);
    this.failure = fields.failure;
    this.mayHaveTakenEffect = fields.mayHaveTakenEffect;
  }
}

/** Kasm answered, but the body does not match the schema; `field` is the dotted path of the first bad field. */
export class KasmInvalidResponseError extends KasmError {
  readonly code = 'InvalidResponse';
  readonly retryable = false;
  readonly field: string;
  constructor(message: string, fields: KasmErrorFields & { field: string }) {
    super(message, fields);
    this.field = fields.field;
  }
}

/** The request the caller built is invalid (caught before it is sent, or Kasm rejected its shape). */
export class KasmInvalidRequestError extends KasmError {
  readonly code = 'InvalidRequest';
  readonly retryable = false;
  readonly field: string | undefined;
  constructor(message: string, fields: KasmErrorFields & { field?: string | undefined }) {
    super(message, fields);
    this.field = fields.field;
  }
}

/** An `error_message` that matches no more specific class; retryable when Kasm's wording says it is transient. */
export class KasmBusinessError extends KasmError {
  readonly code = 'Business';
  readonly retryable: boolean;
  readonly kasmMessage: string;
  constructor(message: string, fields: KasmErrorFields & { kasmMessage: string; retryable: boolean }) {
    super(message, fields);
    this.kasmMessage = fields.kasmMessage;
    this.retryable = fields.retryable;
  }
}

/** The connection's circuit breaker is open: failing fast until `retryAt`. */
export class KasmCircuitOpenError extends KasmError {
  readonly code = 'CircuitOpen';
  readonly retryable = true;
  readonly retryAt: Date;
  constructor(message: string, fields: KasmErrorFields & { retryAt: Date }) {
    super(message, fields);
    this.retryAt = fields.retryAt;
  }
}

/** A session that Kasm has accepted but that is not running yet (`This session is currently requested.`). */
export class KasmPendingError extends KasmError {
  readonly code = 'Pending';
  readonly retryable = true;
  readonly operationalStatus: string | undefined;
  readonly progress: number | undefined;
  constructor(message: string, fields: KasmErrorFields & { operationalStatus?: string | undefined; progress?: number | undefined }) {
    super(message, fields);
    this.operationalStatus = fields.operationalStatus;
    this.progress = fields.progress;
  }
}

export function isKasmError(err: unknown): err is KasmError {
  return err instanceof KasmError;
}
