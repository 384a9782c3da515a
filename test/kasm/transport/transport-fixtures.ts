import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { z } from 'zod';
import { defineEndpoint } from '../../../src/kasm/endpoint.js';
import { KasmError } from '../../../src/kasm/errors.js';
import { createKasmTransport } from '../../../src/kasm/transport.js';
import type { KasmTransport, KasmTransportOptions } from '../../../src/kasm/transport.js';

/** Minimal endpoints of the test's own, so the transport is tested apart from the area modules. */
const userShape = z.looseObject({ user_id: z.string(), username: z.string() });

export const getUsers = defineEndpoint({
  name: 'get_users',
  path: '/api/public/get_users',
  kind: 'read',
  permissions: ['Users View'],
  request: z.object({}),
  response: z.object({ users: z.array(userShape) }),
});

export const getUser = defineEndpoint({
  name: 'get_user',
  path: '/api/public/get_user',
  kind: 'read',
  permissions: ['Users View'],
  request: z.object({ target_user: z.object({ user_id: z.string().optional(), username: z.string().optional() }) }),
  response: z.object({ user: userShape }),
});

export const createUser = defineEndpoint({
  name: 'create_user',
  path: '/api/public/create_user',
  kind: 'write',
  permissions: ['Users Create'],
  request: z.object({
    target_user: z.object({ username: z.string().min(1), password: z.string().optional(), first_name: z.string().optional() }),
  }),
  response: z.object({ user: userShape }),
});

export const getGroups = defineEndpoint({
  name: 'get_groups',
  path: '/api/public/get_groups',
  kind: 'read',
  permissions: ['Groups View'],
  request: z.object({}),
  response: z.object({ groups: z.array(z.looseObject({ group_id: z.string(), name: z.string() })) }),
});

/** A pino logger at debug level whose lines are kept for assertions. */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Test defaults: short delays and timeouts so failures resolve quickly. */
export function testTransport(options: KasmTransportOptions): KasmTransport {
  return createKasmTransport({
    ...options,
    timeoutMs: options.timeoutMs ?? 2000,
    retry: { baseDelayMs: 10, maxDelayMs: 40, ...options.retry },
    breaker: { failureThreshold: 1000, ...options.breaker },
    rateLimit: { requestsPerSecond: 1000, ...options.rateLimit },
  });
}

/** The KasmError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function kasmErrorOf(promise: Promise<unknown>): Promise<KasmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KasmError) {
      return error;
    }
    throw new Error(`expected a KasmError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

/** Polls `condition` until it holds or the deadline passes. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
