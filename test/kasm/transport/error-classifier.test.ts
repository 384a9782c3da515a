import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  classifyBinaryReply,
  classifyJsonReply,
  errorFromKasmMessage,
  formatIssuePath,
  parseRetryAfter,
} from '../../../src/kasm/error-classifier.js';
import {
  KasmAuthenticationError,
  KasmBusinessError,
  KasmConflictError,
  KasmError,
  KasmInvalidRequestError,
  KasmInvalidResponseError,
  KasmNotFoundError,
  KasmPendingError,
  KasmPermissionError,
  KasmRateLimitedError,
  KasmServerError,
} from '../../../src/kasm/errors.js';

const endpoint = {
  name: 'get_users',
  permissions: ['Users View'],
  response: z.object({ users: z.array(z.object({ user_id: z.string(), username: z.string() })) }),
};
const secrets = ['KEY-abcdef123456', 'SECRET-0123456789abcdef'];
const ctx = { endpoint, secrets, now: () => Date.parse('2030-01-01T00:00:00Z') };

function reply(status: number, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return {
    status,
    headers: new Headers(headers),
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  };
}

function classifyError(status: number, body: string, headers?: Record<string, string>): KasmError {
  try {
    classifyJsonReply(ctx, reply(status, body, headers));
  } catch (error) {
    if (error instanceof KasmError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a KasmError');
}

describe('classifyJsonReply', () => {
  it('returns the parsed reply on 200', () => {
    const value = classifyJsonReply(ctx, reply(200, JSON.stringify({ users: [{ user_id: 'a', username: 'b', extra: 1 }] })));
    expect(value.users[0]?.user_id).toBe('a');
  });

  it('401 → KasmAuthenticationError', () => {
    const error = classifyError(401, '');
    expect(error).toBeInstanceOf(KasmAuthenticationError);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
  });

  it('403 → KasmPermissionError naming the endpoint and its permissions', () => {
    const error = classifyError(403, '{"error_message":"Unauthorized"}');
    expect(error).toBeInstanceOf(KasmPermissionError);
    expect(error.message).toBe('Kasm API key lacks permission for get_users (needs: Users View)');
    expect((error as KasmPermissionError).requiredPermissions).toEqual(['Users View']);
  });

  it('404 and 409 → NotFound and Conflict', () => {
    expect(classifyError(404, '{"error_message":"nope"}')).toBeInstanceOf(KasmNotFoundError);
    expect(classifyError(409, '')).toBeInstanceOf(KasmConflictError);
  });

  it('429 → RateLimited with Retry-After in seconds or as an HTTP date', () => {
    const seconds = classifyError(429, '', { 'retry-after': '3' });
    expect(seconds).toBeInstanceOf(KasmRateLimitedError);
    expect((seconds as KasmRateLimitedError).retryAfterMs).toBe(3000);
    const date = classifyError(429, '', { 'retry-after': 'Tue, 01 Jan 2030 00:00:05 GMT' });
    expect((date as KasmRateLimitedError).retryAfterMs).toBe(5000);
    expect((classifyError(429, '') as KasmRateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('5xx → KasmServerError; html flag from content-type or a leading <', () => {
    const json = classifyError(500, '{"error_message":"boom"}');
    expect(json).toBeInstanceOf(KasmServerError);
    expect((json as KasmServerError).html).toBe(false);
    expect(json.message).toContain('boom');
    const html = classifyError(500, '<html><body>Internal error</body></html>', { 'content-type': 'text/html' });
    expect((html as KasmServerError).html).toBe(true);
    const sniffed = classifyError(502, '  <!DOCTYPE html><p>bad gateway</p>', { 'content-type': 'text/plain' });
    expect((sniffed as KasmServerError).html).toBe(true);
    expect(sniffed.status).toBe(502);
    expect(classifyError(503, '')).toBeInstanceOf(KasmServerError);
  });

  it('200 with a body that is not JSON → InvalidResponse', () => {
    const error = classifyError(200, '{"users": [');
    expect(error).toBeInstanceOf(KasmInvalidResponseError);
    expect((error as KasmInvalidResponseError).field).toBe('(body)');
    expect(classifyError(200, '<html>login</html>', { 'content-type': 'text/html' }).message).toContain('HTML');
  });

  it('200 with a schema mismatch → InvalidResponse naming the field path', () => {
    const users = Array.from({ length: 4 }, (_, i) => ({ user_id: `u${i}`, username: `n${i}` }));
    (users[3] as Record<string, unknown>).user_id = 42;
    const error = classifyError(200, JSON.stringify({ users }));
    expect(error).toBeInstanceOf(KasmInvalidResponseError);
    expect((error as KasmInvalidResponseError).field).toBe('users[3].user_id');
    expect(error.message).toContain('users[3].user_id');
  });

  it('an empty 200 body reads as {}', () => {
    const empty = { endpoint: { ...endpoint, response: z.object({}) }, secrets };
    expect(classifyJsonReply(empty, reply(200, ''))).toEqual({});
  });

  it('200 + error_message is classified by wording', () => {
    const cases: [string, new (...args: never[]) => KasmError, boolean][] = [
      ['Unauthorized', KasmPermissionError, false],
      ['User does not have permission to do that', KasmPermissionError, false],
      ['User not found', KasmNotFoundError, false],
      ['Invalid kasm_id (4fa42139-aef3-4c86-929a-e479cda68857)', KasmNotFoundError, false],
      ['The group does not exist', KasmNotFoundError, false],
      ['Username already exists', KasmConflictError, false],
      ['Duplicate name', KasmConflictError, false],
      ['That name is already taken', KasmConflictError, false],
      ['No resources are available to create the requested Kasm. Please try again later or contact an Administrator', KasmBusinessError, true],
      ['The license limit has been reached', KasmBusinessError, true],
      ['Unable to create session', KasmBusinessError, true],
      ['Unable to create session: the user is disabled or locked', KasmBusinessError, false],
      ['Error Creating User', KasmBusinessError, false],
      ['Password does not meet complexity requirements', KasmBusinessError, false],
      ['Unable to delete user. The user has active sessions. Use force to delete', KasmBusinessError, false],
    ];
    for (const [message, type, retryable] of cases) {
      const error = classifyError(200, JSON.stringify({ error_message: message }));
      expect(error, message).toBeInstanceOf(type);
      expect(error.retryable, message).toBe(retryable);
      expect(error.status).toBe(200);
    }
    const business = classifyError(200, '{"error_message":"Error Creating User"}') as KasmBusinessError;
    expect(business.kasmMessage).toBe('Error Creating User');
  });

  it('"This session is currently requested." → Pending with operational status and progress', () => {
    const error = classifyError(
      200,
      JSON.stringify({
        error_message: 'This session is currently requested.',
        operational_status: 'starting',
        operational_progress: 40,
        operational_message: 'Pulling image',
      }),
    );
    expect(error).toBeInstanceOf(KasmPendingError);
    expect((error as KasmPendingError).operationalStatus).toBe('starting');
    expect((error as KasmPendingError).progress).toBe(40);
    expect(error.retryable).toBe(true);
    const textual = errorFromKasmMessage(ctx, 200, 'This session is currently requested.', { operational_progress: '15' });
    expect((textual as KasmPendingError).progress).toBe(15);
  });

  it('4xx + error_message is classified by wording; bare 400/422 → InvalidRequest', () => {
    expect(classifyError(400, '{"error_message":"not found"}')).toBeInstanceOf(KasmNotFoundError);
    expect(classifyError(400, '{}')).toBeInstanceOf(KasmInvalidRequestError);
    expect(classifyError(422, '')).toBeInstanceOf(KasmInvalidRequestError);
    const other = classifyError(418, '');
    expect(other).toBeInstanceOf(KasmBusinessError);
    expect(other.retryable).toBe(false);
  });

  it('scrubs secrets out of every message built from Kasm text', () => {
    const echoes = [
      classifyError(200, JSON.stringify({ error_message: `Bad key KEY-abcdef123456 with secret SECRET-0123456789abcdef` })),
      classifyError(500, JSON.stringify({ error_message: `crash for SECRET-0123456789abcdef` })),
      classifyError(403, JSON.stringify({ error_message: `key KEY-abcdef123456 may not` })),
      classifyError(200, JSON.stringify({ error_message: `user KEY-abcdef123456 not found` })),
    ];
    for (const error of echoes) {
      expect(error.message).not.toContain('KEY-abcdef123456');
      expect(error.message).not.toContain('SECRET-0123456789abcdef');
      expect(error.message).toContain('[REDACTED]');
    }
  });
});

describe('classifyBinaryReply', () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00]);

  it('returns the bytes and media type of an image reply', () => {
    const result = classifyBinaryReply(ctx, reply(200, jpeg, { 'content-type': 'image/jpeg; charset=binary' }));
    expect(result.contentType).toBe('image/jpeg');
    expect([...result.body]).toEqual([...jpeg]);
  });

  it('classifies JSON error bodies like any other reply', () => {
    expect(() => classifyBinaryReply(ctx, reply(200, '{"error_message":"Invalid kasm_id (x)"}'))).toThrow(KasmNotFoundError);
    expect(() => classifyBinaryReply(ctx, reply(500, '<html></html>', { 'content-type': 'text/html' }))).toThrow(KasmServerError);
    expect(() => classifyBinaryReply(ctx, reply(200, '{"ok":true}'))).toThrow(KasmInvalidResponseError);
  });
});

describe('helpers', () => {
  it('formatIssuePath', () => {
    expect(formatIssuePath(['users', 3, 'user_id'])).toBe('users[3].user_id');
    expect(formatIssuePath([0, 'a'])).toBe('[0].a');
    expect(formatIssuePath([])).toBe('(root)');
  });

  it('parseRetryAfter', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
