import { KasmTransportError } from './errors.js';
import type { TransportFailure } from './errors.js';
import { scrubSecrets } from './redaction.js';

/**
 * Turns a failed fetch (no usable HTTP response) into a KasmTransportError. undici wraps the socket
 * error in `TypeError: fetch failed` and sometimes in an AggregateError (one error per address tried),
 * so the whole cause tree is searched for a known error code.
 */

export interface TransportFailureHints {
  /** The per-request timeout fired. */
  timedOut: boolean;
  /** The caller's AbortSignal fired. */
  aborted: boolean;
}

export interface TransportFailureKind {
  failure: TransportFailure;
  mayHaveTakenEffect: boolean;
  /** The most specific error text found, for the message. */
  detail: string;
}

interface ErrorFacts {
  codes: string[];
  messages: string[];
}

function collectFacts(error: unknown, facts: ErrorFacts = { codes: [], messages: [] }, depth = 0): ErrorFacts {
  if (depth > 10 || error === null || error === undefined) {
    return facts;
  }
  if (typeof error === 'object') {
    const record = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string') {
      facts.codes.push(record.code);
    }
    if (typeof record.message === 'string' && record.message !== '') {
      facts.messages.push(record.message);
    }
    if (Array.isArray(record.errors)) {
      for (const inner of record.errors) {
        collectFacts(inner, facts, depth + 1);
      }
    }
    collectFacts(record.cause, facts, depth + 1);
  } else if (typeof error === 'string') {
    facts.messages.push(error);
  }
  return facts;
}

const refusedCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE']);
/** Timeouts that fire before a connection exists: the request was never sent. */
const connectTimeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT']);
const replyTimeoutCodes = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isTlsCode(code: string): boolean {
  return tlsCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT');
}

export function describeTransportFailure(error: unknown, hints: TransportFailureHints): TransportFailureKind {
  const facts = collectFacts(error);
  const detail = facts.messages.at(-1) ?? String(error);
  if (hints.aborted) {
    return { failure: 'aborted', mayHaveTakenEffect: true, detail: 'the caller cancelled the request' };
  }
  if (hints.timedOut) {
    return { failure: 'timeout', mayHaveTakenEffect: true, detail: 'no complete reply within the request timeout' };
  }
  const has = (set: ReadonlySet<string>) => facts.codes.some((code) => set.has(code));
  if (has(refusedCodes)) {
    return { failure: 'refused', mayHaveTakenEffect: false, detail };
  }
  if (has(dnsCodes)) {
    return { failure: 'dns', mayHaveTakenEffect: false, detail };
  }
  if (facts.codes.some(isTlsCode) || facts.messages.some((message) => /certificate|\bssl\b|\btls\b/i.test(message))) {
    return { failure: 'tls', mayHaveTakenEffect: false, detail };
  }
  if (has(connectTimeoutCodes)) {
    return { failure: 'timeout', mayHaveTakenEffect: false, detail };
  }
  if (has(replyTimeoutCodes)) {
    return { failure: 'timeout', mayHaveTakenEffect: true, detail };
  }
  if (has(resetCodes) || facts.messages.some((message) => /socket hang up|other side closed|socket closed/i.test(message))) {
    return { failure: 'reset', mayHaveTakenEffect: true, detail };
  }
  // Unknown: assume the worst for writes.
  return { failure: 'other', mayHaveTakenEffect: true, detail };
}

const failureText: Record<TransportFailure, string> = {
  refused: 'connection refused',
  dns: 'host name could not be resolved',
  tls: 'TLS handshake failed',
  reset: 'connection reset before the reply was complete',
  timeout: 'request timed out',
  aborted: 'request cancelled',
  other: 'network failure',
};

export function transportErrorFrom(
  endpoint: string,
  error: unknown,
  hints: TransportFailureHints,
  secrets: readonly string[],
): KasmTransportError {
  const kind = describeTransportFailure(error, hints);
  const message = scrubSecrets(`Kasm ${endpoint}: ${failureText[kind.failure]} (${kind.detail})`, secrets);
  return new KasmTransportError(message, {
    endpoint,
    status: 0,
    failure: kind.failure,
    mayHaveTakenEffect: kind.mayHaveTakenEffect,
    cause: error,
  });
}
