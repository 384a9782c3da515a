import { describe, expect, it } from 'vitest';
import { describeTransportFailure, transportErrorFrom } from '../../../src/kasm/transport-failure.js';

function coded(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

/** The shape undici gives: TypeError('fetch failed') with the socket error as cause. */
function fetchFailed(cause: unknown): Error {
  return new TypeError('fetch failed', { cause });
}

const none = { timedOut: false, aborted: false };

describe('describeTransportFailure', () => {
  it('maps socket error codes found anywhere in the cause chain', () => {
    const cases: [unknown, string, boolean][] = [
      [fetchFailed(coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')), 'refused', false],
      [fetchFailed(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'all failed')), 'refused', false],
      [fetchFailed(coded('ENOTFOUND', 'getaddrinfo ENOTFOUND kasm.invalid')), 'dns', false],
      [fetchFailed(coded('EAI_AGAIN')), 'dns', false],
      [fetchFailed(coded('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')), 'tls', false],
      [fetchFailed(coded('ERR_TLS_CERT_ALTNAME_INVALID')), 'tls', false],
      [fetchFailed(coded('ERR_SSL_WRONG_VERSION_NUMBER')), 'tls', false],
      [fetchFailed(coded('ECONNRESET', 'read ECONNRESET')), 'reset', true],
      [fetchFailed(coded('UND_ERR_SOCKET', 'other side closed')), 'reset', true],
      [fetchFailed(new Error('socket hang up')), 'reset', true],
      [fetchFailed(coded('UND_ERR_CONNECT_TIMEOUT')), 'timeout', false],
      [fetchFailed(coded('UND_ERR_HEADERS_TIMEOUT')), 'timeout', true],
      [new Error('something odd'), 'other', true],
    ];
    for (const [error, failure, mayHaveTakenEffect] of cases) {
      const kind = describeTransportFailure(error, none);
      expect(kind.failure, String(error)).toBe(failure);
      expect(kind.mayHaveTakenEffect, String(error)).toBe(mayHaveTakenEffect);
    }
  });

  it('digs through several levels of wrapping', () => {
    const deep = new Error('outer', { cause: new Error('middle', { cause: fetchFailed(coded('ECONNREFUSED')) }) });
    expect(describeTransportFailure(deep, none).failure).toBe('refused');
  });

  it('the caller abort wins over the timeout, which wins over codes', () => {
    const error = fetchFailed(coded('ECONNRESET'));
    expect(describeTransportFailure(error, { aborted: true, timedOut: true }).failure).toBe('aborted');
    expect(describeTransportFailure(error, { aborted: false, timedOut: true })).toMatchObject({ failure: 'timeout', mayHaveTakenEffect: true });
  });
});

describe('transportErrorFrom', () => {
  it('builds a KasmTransportError with status 0 and the cause, scrubbing secrets', () => {
    const error = transportErrorFrom('get_users', fetchFailed(coded('ECONNRESET', 'reset while sending s3cr3t-value')), none, ['s3cr3t-value']);
    expect(error.failure).toBe('reset');
    expect(error.status).toBe(0);
    expect(error.endpoint).toBe('get_users');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('get_users');
    expect(error.message).not.toContain('s3cr3t-value');
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
