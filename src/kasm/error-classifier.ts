import type { z } from 'zod';
import type { BinaryReply, KasmEndpoint } from './endpoint.js';
import {
  KasmAuthenticationError,
  KasmBusinessError,
  KasmConflictError,
  KasmInvalidRequestError,
  KasmInvalidResponseError,
  KasmNotFoundError,
  KasmPendingError,
  KasmPermissionError,
  KasmRateLimitedError,
  KasmServerError,
} from './errors.js';
import type { KasmError } from './errors.js';
import { scrubSecrets } from './redaction.js';

/**
 * Turns one HTTP reply from Kasm into either the parsed payload or a typed KasmError. Kasm reports
 * many failures as HTTP 200 with `error_message`, so the body is checked before the schema. Every
 * message built from Kasm text goes through scrubSecrets; request bodies never enter a message.
 */

export interface ClassifyContext {
  endpoint: Pick<KasmEndpoint, 'name' | 'permissions'>;
  /** Values to scrub from any message (API key, secret, passwords in the payload). */
  secrets: readonly string[];
  /** Clock for HTTP-date Retry-After values. */
  now?: () => number;
}

export interface HttpReply {
  status: number;
  headers: { get(name: string): string | null };
  body: Uint8Array;
}

/** Stateless without `stream`, so one serves every reply. */
const utf8 = new TextDecoder();

/** Longest piece of Kasm text kept in a message; error pages can be huge. */
const maxKasmTextLength = 300;

function kasmText(ctx: ClassifyContext, text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > maxKasmTextLength ? `${flat.slice(0, maxKasmTextLength)}…` : flat;
  return scrubSecrets(short, ctx.secrets);
}

/** zod path → `users[3].user_id`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      const name = String(part);
      out += out === '' ? name : `.${name}`;
    }
  }
  return out === '' ? '(root)' : out;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) {
    return undefined;
  }
  return Math.max(0, at - nowMs);
}

function isHtml(contentType: string, text: string): boolean {
  return /text\/html/i.test(contentType) || text.trimStart().startsWith('<');
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function errorMessageOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const message = (value as Record<string, unknown>).error_message;
    if (typeof message === 'string' && message.trim() !== '') {
      return message;
    }
  }
  return undefined;
}

function permissionError(ctx: ClassifyContext, status: number, kasmMessage?: string): KasmPermissionError {
  const needs = ctx.endpoint.permissions.length > 0 ? ctx.endpoint.permissions.join(', ') : 'not recorded for this endpoint';
  const said = kasmMessage !== undefined && !/^unauthori[sz]ed\.?$/i.test(kasmMessage.trim()) ? `; Kasm said: ${kasmText(ctx, kasmMessage)}` : '';
  return new KasmPermissionError(`Kasm API key lacks permission for ${ctx.endpoint.name} (needs: ${needs})${said}`, {
    endpoint: ctx.endpoint.name,
    status,
    requiredPermissions: ctx.endpoint.permissions,
  });
}

const permissionPattern = /unauthori[sz]ed|permission|forbidden|not authori[sz]ed/i;
const notFoundPattern = /not found|invalid kasm_id|does not exist|no such/i;
const conflictPattern = /already exists|duplicate|already taken|already in use/i;
const pendingPattern = /this session is currently requested/i;
const transientPattern = /no resources are available|license limit|unable to create session|try again/i;
/** Failures that carry a transient phrase but that waiting does not fix (the user is disabled or locked). */
const lastingPattern = /disabled|locked/i;

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** Classifies an `error_message` by its wording (Kasm sends no error codes). */
export function errorFromKasmMessage(ctx: ClassifyContext, status: number, message: string, body: unknown): KasmError {
  const endpoint = ctx.endpoint.name;
  const text = kasmText(ctx, message);
  const fields = { endpoint, status };
  if (pendingPattern.test(message)) {
    const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const operationalStatus = typeof record.operational_status === 'string' ? record.operational_status : undefined;
    const progress = numberOf(record.operational_progress);
    const state = [operationalStatus, progress === undefined ? undefined : `${progress}%`].filter(Boolean).join(' ');
    return new KasmPendingError(`Kasm ${endpoint}: session not running yet${state === '' ? '' : ` (${state})`}: ${text}`, {
      ...fields,
      operationalStatus,
      progress,
    });
  }
  if (permissionPattern.test(message)) {
    return permissionError(ctx, status, message);
  }
  if (notFoundPattern.test(message)) {
    return new KasmNotFoundError(`Kasm ${endpoint}: not found: ${text}`, fields);
  }
  if (conflictPattern.test(message)) {
    return new KasmConflictError(`Kasm ${endpoint}: conflict: ${text}`, fields);
  }
  const retryable = transientPattern.test(message) && !lastingPattern.test(message);
  return new KasmBusinessError(`Kasm ${endpoint}: ${text}`, { ...fields, kasmMessage: scrubSecrets(message, ctx.secrets), retryable });
}

/** Errors decided by the status code alone; undefined for 2xx and the 4xx codes that need the body. */
function errorFromStatus(ctx: ClassifyContext, reply: HttpReply, text: string): KasmError | undefined {
  const endpoint = ctx.endpoint.name;
  const { status } = reply;
  // The body is read only for an error status: a large list reply is parsed once, by the caller.
  const kasmMessage = (): string | undefined => {
    const parsed = tryParseJson(text);
    return parsed.ok ? errorMessageOf(parsed.value) : undefined;
  };
  const said = (): string => {
    const message = kasmMessage();
    return message === undefined ? '' : `: ${kasmText(ctx, message)}`;
  };
  if (status === 401) {
    return new KasmAuthenticationError(
      `Kasm rejected the API key for ${endpoint} (HTTP 401): check the key, its secret and its expiry${said()}`,
      { endpoint, status },
    );
  }
  if (status === 403) {
    return permissionError(ctx, status, kasmMessage());
  }
  if (status === 404) {
    return new KasmNotFoundError(`Kasm ${endpoint}: not found (HTTP 404)${said()}`, { endpoint, status });
  }
  if (status === 409) {
    return new KasmConflictError(`Kasm ${endpoint}: conflict (HTTP 409)${said()}`, { endpoint, status });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'), ctx.now?.() ?? Date.now());
    const wait = retryAfterMs === undefined ? '' : `, retry after ${(retryAfterMs / 1000).toFixed(retryAfterMs % 1000 === 0 ? 0 : 1)}s`;
    return new KasmRateLimitedError(`Kasm ${endpoint}: rate limited (HTTP 429)${wait}`, { endpoint, status, retryAfterMs });
  }
  if (status >= 500) {
    const html = isHtml(reply.headers.get('content-type') ?? '', text);
    const what = html ? ' (HTML error page)' : said();
    return new KasmServerError(`Kasm ${endpoint}: server error HTTP ${status}${what}`, { endpoint, status, html });
  }
  return undefined;
}

/** Parses a JSON reply; returns the endpoint's parsed response or throws the classified KasmError. */
export function classifyJsonReply<Res extends z.ZodType>(
  ctx: ClassifyContext & { endpoint: Pick<KasmEndpoint, 'name' | 'permissions'> & { response: Res } },
  reply: HttpReply,
): z.output<Res> {
  const endpoint = ctx.endpoint.name;
  const text = utf8.decode(reply.body);
  const byStatus = errorFromStatus(ctx, reply, text);
  if (byStatus !== undefined) {
    throw byStatus;
  }
  const { status } = reply;
  // Kasm answers `{}` for many writes; an empty body is read the same way.
  const parsed = text.trim() === '' ? { ok: true as const, value: {} } : tryParseJson(text);
  if (!parsed.ok) {
    const kind = isHtml(reply.headers.get('content-type') ?? '', text) ? 'an HTML page' : 'not valid JSON';
    throw new KasmInvalidResponseError(`Kasm ${endpoint}: reply (HTTP ${status}) is ${kind}`, {
      endpoint,
      status,
      field: '(body)',
    });
  }
  const kasmMessage = errorMessageOf(parsed.value);
  if (kasmMessage !== undefined) {
    throw errorFromKasmMessage(ctx, status, kasmMessage, parsed.value);
  }
  if (status < 200 || status >= 300) {
    if (status === 400 || status === 422) {
      throw new KasmInvalidRequestError(`Kasm ${endpoint}: request rejected (HTTP ${status})`, { endpoint, status });
    }
    throw new KasmBusinessError(`Kasm ${endpoint}: unexpected HTTP ${status}`, {
      endpoint,
      status,
      kasmMessage: `HTTP ${status}`,
      retryable: false,
    });
  }
  const result = ctx.endpoint.response.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue === undefined ? '(root)' : formatIssuePath(issue.path);
    const why = issue === undefined ? 'does not match' : issue.message;
    throw new KasmInvalidResponseError(
      scrubSecrets(`Kasm ${endpoint}: unexpected reply at ${field}: ${why}`, ctx.secrets),
      { endpoint, status, field },
    );
  }
  return result.data;
}

/** A reply of a binary endpoint: image bytes, or a JSON error classified like any other reply. */
export function classifyBinaryReply(ctx: ClassifyContext, reply: HttpReply): BinaryReply {
  const endpoint = ctx.endpoint.name;
  const contentType = reply.headers.get('content-type') ?? '';
  if (reply.status >= 200 && reply.status < 300 && /^image\//i.test(contentType.trim())) {
    return { contentType: contentType.split(';', 1)[0]?.trim() ?? contentType, body: reply.body };
  }
  const text = utf8.decode(reply.body);
  const byStatus = errorFromStatus(ctx, reply, text);
  if (byStatus !== undefined) {
    throw byStatus;
  }
  const parsed = tryParseJson(text);
  const kasmMessage = parsed.ok ? errorMessageOf(parsed.value) : undefined;
  if (parsed.ok && kasmMessage !== undefined) {
    throw errorFromKasmMessage(ctx, reply.status, kasmMessage, parsed.value);
  }
  throw new KasmInvalidResponseError(
    `Kasm ${endpoint}: expected image bytes, got HTTP ${reply.status} ${contentType === '' ? 'without a content type' : contentType}`,
    { endpoint, status: reply.status, field: '(content-type)' },
  );
}
