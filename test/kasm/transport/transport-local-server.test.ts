import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEndpoint } from '../../../src/kasm/endpoint.js';
import {
  KasmInvalidRequestError,
  KasmInvalidResponseError,
  KasmNotFoundError,
  KasmServerError,
  KasmTransportError,
} from '../../../src/kasm/errors.js';
import { createKasmTransport } from '../../../src/kasm/transport.js';
import type { KasmTransport } from '../../../src/kasm/transport.js';
import { KasmTransportOptionsError } from '../../../src/kasm/transport-options.js';
import { capturedLogger, createUser, getUsers, kasmErrorOf, testTransport } from './transport-fixtures.js';

/**
 * Replies the simulator does not produce (malformed JSON, wrong shapes, image bytes) from a tiny
 * local server that also records exactly what the transport sent.
 */

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
const apiKey = 'LocalKey1234';
const apiSecret = 'LocalSecret-abcdefghijklmnopqrstuv';
let server: Server;
let baseUrl: string;
let received: Received[] = [];
/** path → reply; set per test. */
let replies: Record<string, (res: ServerResponse) => void> = {};
const transports: KasmTransport[] = [];

function json(status: number, body: string, headers: Record<string, string> = {}) {
  return (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
}

function connect(extra: Partial<Parameters<typeof testTransport>[0]> = {}): KasmTransport {
  const transport = testTransport({ baseUrl: `${baseUrl}/kasm-prefix/`, apiKey, apiSecret, retry: { maxAttempts: 1 }, ...extra });
  transports.push(transport);
  return transport;
}

const screenshot = defineEndpoint({
  name: 'get_kasm_screenshot',
  path: '/api/public/get_kasm_screenshot',
  kind: 'read',
  permissions: ['Users Auth Session', 'User'],
  request: z.object({ kasm_id: z.string(), user_id: z.string(), width: z.number().int().positive().optional() }),
  response: z.unknown(),
  binary: true,
});

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      });
      const reply = replies[req.url ?? ''];
      if (reply === undefined) {
        res.writeHead(404).end();
      } else {
        reply(res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function reset(routes: Record<string, (res: ServerResponse) => void>): void {
  received = [];
  replies = Object.fromEntries(Object.entries(routes).map(([path, reply]) => [`/kasm-prefix${path}`, reply]));
}

describe('transport against a local server', () => {
  it('POSTs JSON to baseUrl (with its path prefix) + path, credentials merged into the payload', async () => {
    reset({ '/api/public/create_user': json(200, '{"user":{"user_id":"u1","username":"ann"}}') });
    const reply = await connect().call(createUser, { target_user: { username: 'ann', password: 'Secret-Pass-1' } });
    expect(reply.user.user_id).toBe('u1');
    expect(received).toEqual([
      {
        method: 'POST',
        path: '/kasm-prefix/api/public/create_user',
        contentType: 'application/json',
        body: { target_user: { username: 'ann', password: 'Secret-Pass-1' }, api_key: apiKey, api_key_secret: apiSecret },
      },
    ]);
  });

  it('an invalid payload → KasmInvalidRequestError naming the field; nothing is sent', async () => {
    reset({});
    const error = await kasmErrorOf(connect().call(createUser, { target_user: { username: '' } }));
    expect(error).toBeInstanceOf(KasmInvalidRequestError);
    expect((error as KasmInvalidRequestError).field).toBe('target_user.username');
    expect(error.message).toContain('target_user.username');
    expect(received).toHaveLength(0);
  });

  it('malformed JSON on 200 → KasmInvalidResponseError', async () => {
    reset({ '/api/public/get_users': json(200, '{"users": [{"user_id": "a"') });
    const error = await kasmErrorOf(connect().call(getUsers, {}));
    expect(error).toBeInstanceOf(KasmInvalidResponseError);
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(false);
  });

  it('a schema mismatch → KasmInvalidResponseError naming the path users[3].user_id', async () => {
    const users = [0, 1, 2, 3].map((i) => ({ user_id: i === 3 ? 3 : `u${i}`, username: `n${i}` }));
    reset({ '/api/public/get_users': json(200, JSON.stringify({ users })) });
    const error = await kasmErrorOf(connect().call(getUsers, {}));
    expect((error as KasmInvalidResponseError).field).toBe('users[3].user_id');
  });

  it('an HTML page with status 200 (a proxy login page) → KasmInvalidResponseError', async () => {
    reset({
      '/api/public/get_users': (res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Sign in</body></html>');
      },
    });
    expect(await kasmErrorOf(connect().call(getUsers, {}))).toBeInstanceOf(KasmInvalidResponseError);
  });

  it('a binary endpoint returns JPEG bytes; a JSON error body is classified', async () => {
    reset({
      '/api/public/get_kasm_screenshot': (res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(jpeg);
      },
    });
    const transport = connect();
    const image = await transport.callBinary(screenshot, { kasm_id: 'k1', user_id: 'u1', width: 300 });
    expect(image.contentType).toBe('image/jpeg');
    expect(Buffer.from(image.body).equals(jpeg)).toBe(true);
    expect(received[0]?.body).toMatchObject({ kasm_id: 'k1', user_id: 'u1', width: 300, api_key: apiKey });

    reset({ '/api/public/get_kasm_screenshot': json(200, '{"error_message":"Invalid kasm_id (k9)"}') });
    expect(await kasmErrorOf(transport.callBinary(screenshot, { kasm_id: 'k9', user_id: 'u1' }))).toBeInstanceOf(KasmNotFoundError);

    reset({
      '/api/public/get_kasm_screenshot': (res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<html>500</html>');
      },
    });
    const crash = await kasmErrorOf(transport.callBinary(screenshot, { kasm_id: 'k1', user_id: 'u1' }));
    expect(crash).toBeInstanceOf(KasmServerError);
    expect((crash as KasmServerError).html).toBe(true);
  });

  it('a 429 with an HTTP-date Retry-After is honoured', async () => {
    let calls = 0;
    const times: number[] = [];
    reset({
      '/api/public/get_users': (res) => {
        calls += 1;
        times.push(Date.now());
        if (calls === 1) {
          res.writeHead(429, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
          res.end();
        } else {
          json(200, '{"users":[]}')(res);
        }
      },
    });
    await connect({ retry: { maxAttempts: 2 } }).call(getUsers, {});
    expect(calls).toBe(2);
    // The HTTP date has whole-second resolution, so the wait is at least 1 s.
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('an unknown host → KasmTransportError dns, and nothing about the secret in the message', async () => {
    const log = capturedLogger();
    const transport = createKasmTransport({
      baseUrl: 'http://kasm-transport-test.invalid',
      apiKey,
      apiSecret,
      logger: log.logger,
      retry: { maxAttempts: 1 },
    });
    transports.push(transport);
    const error = await kasmErrorOf(transport.call(getUsers, {}));
    expect(error).toBeInstanceOf(KasmTransportError);
    expect((error as KasmTransportError).failure).toBe('dns');
    expect((error as KasmTransportError).mayHaveTakenEffect).toBe(false);
    expect(error.message).not.toContain(apiSecret);
    expect(log.lines.join('')).not.toContain(apiSecret);
  });

  it('several connections share one metrics registry, told apart by the connection label', async () => {
    reset({ '/api/public/get_users': json(200, '{"users":[]}') });
    const registry = new Registry();
    const first = connect({ name: 'kasm-a', metrics: registry });
    const second = connect({ name: 'kasm-b', metrics: registry });
    await first.call(getUsers, {});
    await second.call(getUsers, {});
    await second.call(getUsers, {});
    const requests = await registry.getSingleMetric('kasm_client_requests_total')?.get();
    const count = (connection: string) =>
      requests?.values.find((value) => value.labels.connection === connection && value.labels.outcome === 'success')?.value;
    expect(count('kasm-a')).toBe(1);
    expect(count('kasm-b')).toBe(2);
    const text = await registry.metrics();
    for (const name of [
      'kasm_client_request_duration_seconds_bucket',
      'kasm_client_limiter_queued{connection="kasm-b"} 0',
      'kasm_client_circuit_breaker_state{connection="kasm-a"} 0',
      'kasm_client_retries_total',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('bad options fail at construction, naming the field', () => {
    expect(() => createKasmTransport({ baseUrl: 'kasm.local', apiKey, apiSecret })).toThrow(KasmTransportOptionsError);
    expect(() => createKasmTransport({ baseUrl, apiKey, apiSecret, rateLimit: { maxConcurrent: 0 } })).toThrow(/rateLimit\.maxConcurrent/);
  });
});
