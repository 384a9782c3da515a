import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { missingPermissions } from './api-keys.js';
import type { CallLog, CallLogEntry } from './call-log.js';
import type { SimClock } from './clock.js';
import type { FaultDecision, FaultPlan } from './faults.js';
import { bytesReply, htmlReply, jsonReply, send } from './http-replies.js';
import type { SimReply } from './http-replies.js';
import { isObject } from './payload.js';
import type { RateGate } from './rate-gate.js';
import { BusinessFailure, PermissionDenied, ServerCrash } from './route-errors.js';
import type { RouteContext, SimRoute } from './route.js';
import type { SimConfig } from './sim-config.js';
import type { SimState } from './state.js';

/**
 * The HTTP side of the simulator: every request is logged, passed through the rate gate, the added
 * latency and the fault plan, then checked the way Kasm checks it (path, POST, JSON body, key,
 * permissions, read-only) before its handler runs against the state.
 */
export interface SimServerParts {
  readonly host: string;
  readonly port: number;
  readonly routes: readonly SimRoute[];
  readonly state: SimState;
  readonly config: SimConfig;
  readonly clock: SimClock;
  readonly faults: FaultPlan;
  readonly rateGate: RateGate;
  readonly calls: CallLog;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // 'close' before 'end' means the client went away mid-body; after 'end' the reject is a no-op.
    req.on('close', () => reject(new Error('client closed the request')));
  });
}

/** The verb a path names: its last segment (also for unknown paths, so faults and counts see them). */
function verbOf(pathname: string): string {
  const segments = pathname.split('/').filter((segment) => segment.length > 0);
  return segments.at(-1) ?? '';
}

export class SimHttpServer {
  readonly #parts: SimServerParts;
  readonly #routes: ReadonlyMap<string, SimRoute>;
  readonly #server: Server;
  #port: number;
  #listening = false;
  #closed = false;

  constructor(parts: SimServerParts) {
    this.#parts = parts;
    this.#routes = new Map(parts.routes.map((route) => [route.path, route]));
    if (this.#routes.size !== parts.routes.length) {
      throw new Error('two simulator routes share a path');
    }
    this.#port = parts.port;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        // A defect in the plumbing itself: answer like a crashed server rather than leave the client hanging.
        send(res, htmlReply(500, error instanceof Error ? error.message : String(error)));
      });
    });
  }

  get url(): string {
    const host = this.#parts.host.includes(':') ? `[${this.#parts.host}]` : this.#parts.host;
    return `http://${host}:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  async listen(): Promise<void> {
    if (this.#closed) throw new Error('the Kasm simulator is closed');
    if (this.#listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(this.#port, this.#parts.host, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#listening = true;
  }

  /** Stops listening and drops open connections (hanging requests included); state and port stay. */
  async goDown(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async close(): Promise<void> {
    await this.goDown();
    this.#closed = true;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { calls, rateGate, faults } = this.#parts;
    const pathname = new URL(req.url ?? '/', 'http://kasm-sim').pathname;
    const endpoint = verbOf(pathname);
    const entry = calls.record(endpoint);
    const verdict = rateGate.take();

    let bodyText: string;
    try {
      bodyText = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        this.#answer(res, entry, htmlReply(413));
        req.socket.destroy();
      }
      return;
    }

    const latency = faults.sampleLatency();
    if (latency > 0) {
      await delay(latency);
    }
    if (!verdict.allowed) {
      this.#answer(
        res,
        entry,
        jsonReply(429, { error_message: 'Too Many Requests' }, { 'retry-after': String(verdict.retryAfterSeconds) }),
      );
      return;
    }

    const fault = faults.decide(endpoint);
    if (fault !== undefined && !fault.afterProcessing) {
      this.#fail(req, res, entry, fault);
      return;
    }
    const reply = this.#process(req.method ?? 'GET', pathname, bodyText);
    if (fault !== undefined) {
      this.#fail(req, res, entry, fault);
      return;
    }
    this.#answer(res, entry, reply);
  }

  #answer(res: ServerResponse, entry: CallLogEntry, reply: SimReply): void {
    entry.status = reply.status;
    send(res, reply);
  }

  #fail(req: IncomingMessage, res: ServerResponse, entry: CallLogEntry, fault: FaultDecision): void {
    switch (fault.mode) {
      case 'json500':
        this.#answer(res, entry, jsonReply(500, { error_message: 'Internal Server Error' }));
        return;
      case 'html500':
        this.#answer(res, entry, htmlReply(500));
        return;
      case '502':
        this.#answer(res, entry, htmlReply(502));
        return;
      case '503':
        this.#answer(res, entry, htmlReply(503));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        // Never answer; the socket goes when the client gives up or the simulator closes.
        return;
    }
  }

  #process(method: string, pathname: string, bodyText: string): SimReply {
    const route = this.#routes.get(pathname);
    if (route === undefined) {
      return htmlReply(404);
    }
    // Kasm routes only POST; anything else, or a body that is not a JSON object, crashes its handler.
    if (method !== 'POST') {
      return htmlReply(500);
    }
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return htmlReply(500);
    }
    if (!isObject(body)) {
      return htmlReply(500);
    }
    const { state, clock, config } = this.#parts;
    const now = clock.now();
    const key = state.apiKeys.authenticate(body['api_key'], body['api_key_secret'], now);
    if (key === undefined) {
      return jsonReply(401, { error_message: 'Unauthorized: invalid credentials' });
    }
    if (missingPermissions(key, route.permissions).length > 0 || (route.write && key.readOnly)) {
      return jsonReply(403, { error_message: 'Unauthorized' });
    }
    const { api_key: _key, api_key_secret: _secret, ...payload } = body;
    state.sweepExpired(now);
    const context: RouteContext = {
      payload,
      state,
      config,
      now,
      baseUrl: this.url,
      key,
      demand: (...permissions: string[]) => {
        const missing = missingPermissions(key, permissions);
        if (missing.length > 0) throw new PermissionDenied(missing);
      },
    };
    try {
      const result = route.handle(context);
      return result.kind === 'json' ? jsonReply(200, result.body) : bytesReply(result.contentType, result.body);
    } catch (error) {
      if (error instanceof BusinessFailure) {
        return jsonReply(200, { error_message: error.message, ...error.extra });
      }
      if (error instanceof PermissionDenied) {
        return jsonReply(403, { error_message: 'Unauthorized' });
      }
      if (error instanceof ServerCrash) {
        return htmlReply(500, error.message);
      }
      // A defect in a handler: answer like a crashed server, with the reason for whoever debugs it.
      return htmlReply(500, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
}
