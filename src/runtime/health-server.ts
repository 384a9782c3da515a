/**
 * One HTTP port for the kubelet and Prometheus: `/healthz` (liveness), `/readyz` (readiness) and
 * `/metrics`. Checks are named and added while the process starts up; `?verbose` lists each as
 * `[+]name ok` / `[-]name failed: reason`, `/healthz/<name>` runs one, `?exclude=<name>` skips one.
 * Leadership is deliberately not a readiness condition: a standby replica must stay Ready.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** A check passes unless it throws, rejects or returns false. */
export type HealthCheck = () => void | boolean | Promise<void | boolean>;

export interface HealthServerOptions {
  registry: Registry;
  logger?: Logger;
  /** A check still running after this long counts as failed. Default 5 s. */
  checkTimeoutMs?: number;
}

interface CheckOutcome {
  name: string;
  ok: boolean;
  reason?: string;
}

type CheckSet = 'healthz' | 'readyz';

const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class HealthServer {
  private readonly registry: Registry;
  private readonly logger: Logger | undefined;
  private readonly checkTimeoutMs: number;
  private readonly checks: Record<CheckSet, Map<string, HealthCheck>> = { healthz: new Map(), readyz: new Map() };
  private readonly lastOk = new Map<string, boolean>();
  private server: Server | undefined;

  constructor(options: HealthServerOptions) {
    this.registry = options.registry;
    this.logger = options.logger;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 5_000;
  }

  addHealthCheck(name: string, check: HealthCheck): void {
    this.addCheck('healthz', name, check);
  }

  addReadyCheck(name: string, check: HealthCheck): void {
    this.addCheck('readyz', name, check);
  }

  /** Listen; resolves with the bound port (useful with port 0). */
  async start(options: { host: string; port: number }): Promise<number> {
    if (this.server !== undefined) throw new Error('health server is already started');
    const server = createServer((request, response) => {
      this.handle(request, response).catch((err: unknown) => {
        this.logger?.error({ err, url: request.url }, 'health server request failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('internal error\n');
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    this.logger?.info({ host: options.host, port }, 'serving /healthz, /readyz and /metrics');
    return port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private addCheck(set: CheckSet, name: string, check: HealthCheck): void {
    if (!CHECK_NAME.test(name)) throw new Error(`${set} check name "${name}" must be letters, digits, '.', '_' or '-'`);
    if (this.checks[set].has(name)) throw new Error(`${set} check "${name}" is already registered`);
    this.checks[set].set(name, check);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://health.local');
    const [, root, only, extra] = url.pathname.split('/');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
      return;
    }
    if (root === 'metrics' && only === undefined) {
      const body = await this.registry.metrics();
      send(response, 200, this.registry.contentType, body);
      return;
    }
    if ((root === 'healthz' || root === 'readyz') && extra === undefined) {
      await this.serveChecks(root, only === '' ? undefined : only, url.searchParams, response);
      return;
    }
    send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  private async serveChecks(set: CheckSet, only: string | undefined, query: URLSearchParams, response: ServerResponse): Promise<void> {
    let selected = [...this.checks[set]];
    if (only !== undefined) {
      selected = selected.filter(([name]) => name === only);
      if (selected.length === 0) {
        send(response, 404, 'text/plain; charset=utf-8', `no ${set} check named "${only}"\n`);
        return;
      }
    }
    const excluded = new Set(query.getAll('exclude'));
    selected = selected.filter(([name]) => !excluded.has(name));
    const outcomes = await Promise.all(selected.map(([name, check]) => this.runCheck(set, name, check)));
    const ok = outcomes.every((outcome) => outcome.ok);
    const verbose = query.has('verbose');
    if (ok && !verbose && only === undefined) {
      send(response, 200, 'text/plain; charset=utf-8', 'ok');
      return;
    }
    const lines = outcomes.map((outcome) => (outcome.ok ? `[+]${outcome.name} ok` : `[-]${outcome.name} failed: ${outcome.reason ?? 'check failed'}`));
    for (const name of excluded) lines.push(`[+]${name} excluded: ok`);
    lines.push(`${set} check ${ok ? 'passed' : 'failed'}`);
    send(response, ok ? 200 : 500, 'text/plain; charset=utf-8', `${lines.join('\n')}\n`);
  }

  private async runCheck(set: CheckSet, name: string, check: HealthCheck): Promise<CheckOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ name, ok: false, reason: `timed out after ${this.checkTimeoutMs} ms` }), this.checkTimeoutMs);
    });
    const run = (async (): Promise<CheckOutcome> => {
      try {
        const result = await check();
        return result === false ? { name, ok: false, reason: 'not ready' } : { name, ok: true };
      } catch (err: unknown) {
        return { name, ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    })();
    const outcome = await Promise.race([run, timeout]);
    clearTimeout(timer);
    this.noteTransition(set, outcome);
    return outcome;
  }

  // Probes run every few seconds: log when a check changes state, not on every probe.
  private noteTransition(set: CheckSet, outcome: CheckOutcome): void {
    const key = `${set}/${outcome.name}`;
    const before = this.lastOk.get(key);
    this.lastOk.set(key, outcome.ok);
    if (before === outcome.ok || (before === undefined && outcome.ok)) return;
    if (outcome.ok) this.logger?.info({ check: key }, 'check passes again');
    else this.logger?.warn({ check: key, reason: outcome.reason }, 'check failing');
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
