import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { z } from 'zod';
import { kubeStatusSchema } from './kube-object.js';

/**
 * JSON requests to the Kubernetes API through client-node's transport (kubeconfig auth, TLS,
 * proxies), for the generic runtime: any resource by path, any patch content type, and typed errors.
 * The generated per-kind clients would need one code path per resource and mishandle MicroTime.
 */
export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const contentTypes = {
  json: 'application/json',
  mergePatch: 'application/merge-patch+json',
  jsonPatch: 'application/json-patch+json',
} as const;

export interface KubeRequest {
  method: KubeMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Default application/json when a body is given. */
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's request timeout. */
  timeoutMs?: number;
}

/** The API's Status reason (NotFound, Conflict, AlreadyExists, ...) or Transport, Timeout, Aborted, InvalidResponse, HTTP<code>. */
export type KubeErrorReason = string;

/** A failed API call. `status` is 0 when no HTTP response arrived. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: KubeErrorReason;
  readonly retryable: boolean;
  readonly method: KubeMethod;
  readonly path: string;

  constructor(message: string, fields: { status: number; reason: KubeErrorReason; method: KubeMethod; path: string; cause?: unknown }) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'KubeApiError';
    this.status = fields.status;
    this.reason = fields.reason;
    this.method = fields.method;
    this.path = fields.path;
    this.retryable = fields.reason !== 'Aborted' && (fields.status === 0 || fields.status === 409 || fields.status === 429 || fields.status >= 500);
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409;
export const isGone = (err: unknown): boolean => err instanceof KubeApiError && err.status === 410;
export const isAlreadyExists = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists';

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

/** What writers need from the client; tests substitute a fake. */
export type KubeRequester = Pick<KubeJsonClient, 'request' | 'requestParsed'>;

export interface KubeJsonClientOptions {
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** How long one TLS connection pool is reused before a fresh one picks up rotated certificates. Default 10 min. */
  dispatcherMaxAgeMs?: number;
}

export class KubeJsonClient {
  readonly kubeConfig: KubeConfig;
  private readonly timeoutMs: number;
  private readonly dispatcherMaxAgeMs: number;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private dispatcher: { value: Dispatcher; createdAt: number } | undefined;

  constructor(kubeConfig: KubeConfig, options: KubeJsonClientOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.dispatcherMaxAgeMs = options.dispatcherMaxAgeMs ?? 600_000;
  }

  /** The server's base URL, without a trailing slash. */
  serverUrl(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster: set current-context or run in a pod with a service account');
    return cluster.server.replace(/\/+$/, '');
  }

  /** Sends a request; resolves with the parsed JSON body (undefined when empty). */
  async request(req: KubeRequest): Promise<unknown> {
    const url = new URL(this.serverUrl() + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), HttpMethod[req.method]);
    await this.kubeConfig.applySecurityAuthentication(ctx);
    this.reuseDispatcher(ctx);
    ctx.setHeaderParam('Accept', 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? contentTypes.json);
      ctx.setBody(JSON.stringify(req.body));
    }
    const timeout = AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs);
    ctx.setSignal(req.signal ? AbortSignal.any([req.signal, timeout]) : timeout);

    const fail = (status: number, reason: KubeErrorReason, message: string, cause?: unknown): KubeApiError =>
      new KubeApiError(`${req.method} ${req.path}: ${message}`, { status, reason, method: req.method, path: req.path, cause });

    let status: number;
    let text: string;
    try {
      const res = await this.http.send(ctx).toPromise();
      status = res.httpStatusCode;
      text = await res.body.text();
    } catch (err) {
      if (req.signal?.aborted) throw fail(0, 'Aborted', 'aborted by caller', err);
      if (timeout.aborted) throw fail(0, 'Timeout', `no reply within ${req.timeoutMs ?? this.timeoutMs} ms`, err);
      throw fail(0, 'Transport', err instanceof Error ? err.message : String(err), err);
    }

    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (err) {
        if (status >= 400) throw fail(status, `HTTP${status}`, text.slice(0, 200));
        throw fail(status, 'InvalidResponse', 'reply is not JSON', err);
      }
    }
    if (status >= 400) {
      const st = kubeStatusSchema.safeParse(body);
      const reason = st.success && st.data.reason ? st.data.reason : `HTTP${status}`;
      const message = st.success && st.data.message ? st.data.message : `HTTP ${status}`;
      throw fail(status, reason, message);
    }
    return body;
  }

  /** Sends a request and validates the reply; a malformed reply is a KubeApiError 'InvalidResponse'. */
  async requestParsed<S extends z.ZodType>(req: KubeRequest, schema: S): Promise<z.infer<S>> {
    const body = await this.request(req);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new KubeApiError(`${req.method} ${req.path}: unexpected reply: ${parsed.error.message.slice(0, 300)}`, {
        status: 200,
        reason: 'InvalidResponse',
        method: req.method,
        path: req.path,
      });
    }
    return parsed.data;
  }

  // client-node builds a new TLS agent per request; reusing one keeps connections alive across
  // the many small writes an operator makes (status, events, leases).
  private reuseDispatcher(ctx: RequestContext): void {
    const fresh = ctx.getDispatcher();
    if (fresh === undefined) return;
    const now = Date.now();
    if (!this.dispatcher || now - this.dispatcher.createdAt > this.dispatcherMaxAgeMs) {
      this.dispatcher = { value: fresh, createdAt: now };
      return;
    }
    if (this.dispatcher.value) ctx.setDispatcher(this.dispatcher.value);
  }
}
