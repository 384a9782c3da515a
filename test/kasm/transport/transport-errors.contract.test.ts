import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  KasmAuthenticationError,
  KasmBusinessError,
  KasmConflictError,
  KasmNotFoundError,
  KasmPermissionError,
  KasmServerError,
  KasmTransportError,
} from '../../../src/kasm/errors.js';
import type { KasmError } from '../../../src/kasm/errors.js';
import type { KasmTransport, KasmTransportOptions } from '../../../src/kasm/transport.js';
import type { ApiKeyPair } from '../../harness/kasm-sim/index.js';
import { startTransportFixture, type TransportFixture } from './fixture.js';
import { capturedLogger, createUser, getUser, getUsers, kasmErrorOf } from './transport-fixtures.js';

/** Classification of every kind of failure, against the Kasm simulator. */

let fx: TransportFixture;
const log = capturedLogger();
/** Every message of every error seen in this file, checked for secrets at the end. */
const messages: string[] = [];
const secrets: string[] = [];
const password = 'Corr3ct-Horse-Battery';

function track(error: KasmError): KasmError {
  // What a caller logging the error with pino's serializer would print, cause chain included.
  messages.push(error.message, String(error.stack), JSON.stringify(pino.stdSerializers.err(error)));
  return error;
}

function connect(key: ApiKeyPair = fx.sim.adminKey, extra: Partial<KasmTransportOptions> = {}): KasmTransport {
  secrets.push(key.apiKey, key.apiSecret);
  return fx.connect({ logger: log.logger, ...extra }, key);
}

beforeAll(async () => {
  fx = await startTransportFixture();
  secrets.push(password);
});

afterEach(() => {
  fx.reset();
});

afterAll(async () => {
  await fx.close();
});

describe('transport error classification (simulator)', () => {
  it('sends credentials in the body and parses a good reply', async () => {
    const transport = connect();
    const reply = await transport.call(getUsers, {});
    expect(reply.users.map((user) => user.username)).toContain('admin@kasm.local');
    expect(fx.sim.calls.log()).toEqual([expect.objectContaining({ endpoint: 'get_users', status: 200 })]);
  });

  it('401: a wrong secret → KasmAuthenticationError, not retried', async () => {
    const transport = connect({ apiKey: fx.sim.adminKey.apiKey, apiSecret: 'Wrong-Secret-0123456789abcdefXYZ' });
    const error = track(await kasmErrorOf(transport.call(getUsers, {})));
    expect(error).toBeInstanceOf(KasmAuthenticationError);
    expect(error.status).toBe(401);
    expect(fx.sim.calls.count('get_users')).toBe(1);
  });

  it('403: the message names the endpoint and the permissions it needs', async () => {
    const transport = connect(fx.sim.createApiKey({ permissions: ['Groups View'] }));
    const error = track(await kasmErrorOf(transport.call(getUsers, {})));
    expect(error).toBeInstanceOf(KasmPermissionError);
    expect(error.message).toBe('Kasm API key lacks permission for get_users (needs: Users View)');
    expect((error as KasmPermissionError).requiredPermissions).toEqual(['Users View']);
    expect(fx.sim.calls.count('get_users')).toBe(1);
  });

  it('200 + error_message: not found, conflict, business', async () => {
    const transport = connect();
    const notFound = track(await kasmErrorOf(transport.call(getUser, { target_user: { username: 'nobody@example.com' } })));
    expect(notFound).toBeInstanceOf(KasmNotFoundError);
    expect(notFound.status).toBe(200);

    await transport.call(createUser, { target_user: { username: 'dup@example.com', password } });
    const conflict = track(await kasmErrorOf(transport.call(createUser, { target_user: { username: 'dup@example.com', password } })));
    expect(conflict).toBeInstanceOf(KasmConflictError);
    expect(conflict.message).toContain('Username already exists');

    const weak = track(await kasmErrorOf(transport.call(createUser, { target_user: { username: 'weak@example.com', password: 'short' } })));
    expect(weak).toBeInstanceOf(KasmBusinessError);
    expect(weak.retryable).toBe(false);
    expect((weak as KasmBusinessError).kasmMessage).toBe('Password does not meet complexity requirements');
    // Business errors are answers, not failures: nothing is retried.
    expect(fx.sim.calls.count('create_user')).toBe(3);
  });

  it('500 with a JSON body → KasmServerError (html false)', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'json500' });
    const error = track(await kasmErrorOf(connect(undefined, { retry: { maxAttempts: 1 } }).call(getUsers, {})));
    expect(error).toBeInstanceOf(KasmServerError);
    expect(error.status).toBe(500);
    expect((error as KasmServerError).html).toBe(false);
  });

  it('500 with an HTML page → KasmServerError (html true)', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'html500' });
    const error = track(await kasmErrorOf(connect(undefined, { retry: { maxAttempts: 1 } }).call(getUsers, {})));
    expect(error).toBeInstanceOf(KasmServerError);
    expect((error as KasmServerError).html).toBe(true);
    expect(error.message).not.toContain('<');
  });

  it('502 and 503 → KasmServerError with their status', async () => {
    const transport = connect(undefined, { retry: { maxAttempts: 1 } });
    fx.sim.faults.failEndpoint('get_users', { mode: '502', times: 1 });
    const badGateway = track(await kasmErrorOf(transport.call(getUsers, {})));
    expect(badGateway).toBeInstanceOf(KasmServerError);
    expect(badGateway.status).toBe(502);
    fx.sim.faults.failEndpoint('get_users', { mode: '503', times: 1 });
    const unavailable = track(await kasmErrorOf(transport.call(getUsers, {})));
    expect(unavailable.status).toBe(503);
    expect(unavailable.retryable).toBe(true);
  });

  it('a reset connection → KasmTransportError reset, mayHaveTakenEffect', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'reset' });
    const error = track(await kasmErrorOf(connect(undefined, { retry: { maxAttempts: 1 } }).call(getUsers, {})));
    expect(error).toBeInstanceOf(KasmTransportError);
    expect((error as KasmTransportError).failure).toBe('reset');
    expect((error as KasmTransportError).mayHaveTakenEffect).toBe(true);
    expect(error.status).toBe(0);
  });

  it('a hanging server → KasmTransportError timeout after timeoutMs', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'hang' });
    const transport = connect(undefined, { retry: { maxAttempts: 1 }, timeoutMs: 200 });
    const started = performance.now();
    const error = track(await kasmErrorOf(transport.call(getUsers, {})));
    expect(error).toBeInstanceOf(KasmTransportError);
    expect((error as KasmTransportError).failure).toBe('timeout');
    expect((error as KasmTransportError).mayHaveTakenEffect).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    // The per-call option overrides the connection's timeout.
    const quick = performance.now();
    track(await kasmErrorOf(transport.call(getUsers, {}, { timeoutMs: 50 })));
    expect(performance.now() - quick).toBeLessThan(190);
  });

  it('a server that is down → KasmTransportError refused, cannot have taken effect', async () => {
    const transport = connect(undefined, { retry: { maxAttempts: 2 } });
    await fx.sim.goDown();
    try {
      const error = track(await kasmErrorOf(transport.call(createUser, { target_user: { username: 'down@example.com', password } })));
      expect(error).toBeInstanceOf(KasmTransportError);
      expect((error as KasmTransportError).failure).toBe('refused');
      expect((error as KasmTransportError).mayHaveTakenEffect).toBe(false);
    } finally {
      await fx.sim.comeBack();
    }
  });

  it('a caller abort → KasmTransportError aborted, not retried', async () => {
    fx.sim.faults.failEndpoint('get_users', { mode: 'hang' });
    const transport = connect();
    const controller = new AbortController();
    const pending = kasmErrorOf(transport.call(getUsers, {}, { signal: controller.signal }));
    const deadline = Date.now() + 5000;
    while (fx.sim.calls.count('get_users') === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const error = track(await pending);
    expect((error as KasmTransportError).failure).toBe('aborted');
    expect(fx.sim.calls.count('get_users')).toBe(1);
  });

  it('no secret appears in any error message or log line', () => {
    expect(messages.length).toBeGreaterThan(10);
    const output = log.lines.join('');
    expect(output).toContain('"endpoint":"get_users"');
    for (const secret of secrets) {
      for (const message of messages) {
        expect(message).not.toContain(secret);
      }
      expect(output).not.toContain(secret);
    }
  });
});
