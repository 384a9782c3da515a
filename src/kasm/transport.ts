import { setTimeout as delay } from 'node:timers/promises';
import ky, { isNetworkError } from 'ky';
import type { KyInstance } from 'ky';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { CircuitBreaker } from './circuit-breaker.js';
import type { BreakerOutcome, BreakerSnapshot } from './circuit-breaker.js';
import type { BinaryReply, CallOptions, CallPriority, KasmCaller, KasmEndpoint } from './endpoint.js';
import { classifyBinaryReply, classifyJsonReply, formatIssuePath } from './error-classifier.js';
import type { ClassifyContext, HttpReply } from './error-classifier.js';
import {
  KasmCircuitOpenError,
  KasmError,
  KasmInvalidRequestError,
  KasmServerError,
  KasmTransportError,
} from './errors.js';
import { createKasmClientMetrics, noKasmClientMetrics } from './kasm-metrics.js';
import type { KasmClientMetrics } from './kasm-metrics.js';
import { RateLimiter } from './rate-limiter.js';
import { collectSecretValues, scrubSecrets } from './redaction.js';
import { decideRetry } from './retry-policy.js';
import { transportErrorFrom } from './transport-failure.js';
import { parseKasmTransportOptions } from './transport-options.js';
import type { KasmTransportOptions, ResolvedKasmTransportOptions } from './transport-options.js';
import { createHttpAgent, fetchThrough } from './undici-fetch.js';
import type { Agent } from 'undici';

/**
 * One connection to a Kasm server: executes endpoint calls with credentials in the body, a
 * per-attempt timeout, retries that never repeat a write that may have taken effect, a token-bucket
 * rate limit with priorities, and a circuit breaker. Every attempt passes the limiter and the breaker.
 */

export type { BreakerSnapshot } from './circuit-breaker.js';
export type { KasmTransportOptions } from './transport-options.js';

export interface KasmTransport extends KasmCaller {
  /** Connection label for logs and metrics. */
  readonly name: string;
  breakerState(): BreakerSnapshot;
  limiterQueued(): number;
  /** Cancels queued and running calls, stops the limiter and closes the connection pool. */
  close(): Promise<void>;
}

export function createKasmTransport(options: KasmTransportOptions): KasmTransport {
  return new HttpKasmTransport(parseKasmTransportOptions(options));
}

type ReplyParser<T> = (ctx: ClassifyContext, reply: HttpReply) => T;

interface CallContext {
  endpoint: KasmEndpoint;
  body: Record<string, unknown>;
  secrets: readonly string[];
  priority: CallPriority;
  timeoutMs: number;
  /** The caller's signal joined with the connection's close signal. */
  signal: AbortSignal;
}

function breakerOutcomeOf(error: unknown): BreakerOutcome {
  if (error instanceof KasmTransportError) {
    return error.failure === 'aborted' ? 'neutral' : 'failure';
  }
  return error instanceof KasmServerError ? 'failure' : 'neutral';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class HttpKasmTransport implements KasmTransport {
  readonly name: string;
  readonly baseUrl: string;
  readonly #config: ResolvedKasmTransportOptions;
  readonly #agent: Agent;
  readonly #http: KyInstance;
  readonly #breaker: CircuitBreaker;
  readonly #limiter: RateLimiter;
  readonly #metrics: KasmClientMetrics;
  readonly #log: Logger;
  /** Aborted by close(): cancels every queued and running attempt. */
  readonly #closing = new AbortController();

  constructor(config: ResolvedKasmTransportOptions) {
    this.#config = config;
    this.name = config.name;
    this.baseUrl = config.baseUrl;
    this.#log = (config.logger ?? pino({ level: 'silent' })).child({ component: 'kasm-client', connection: config.name });
    this.#metrics = config.metrics === undefined ? noKasmClientMetrics : createKasmClientMetrics(config.metrics, config.name);
    this.#agent = createHttpAgent({
      caPem: config.tls.caPem,
      insecureSkipVerify: config.tls.insecureSkipVerify,
      maxConnections: config.rateLimit.maxConcurrent,
    });
    this.#http = ky.create({
      fetch: fetchThrough(this.#agent),
      // Retries and timeouts are done here, around the limiter and the breaker.
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      headers: { accept: 'application/json, image/*;q=0.9' },
    });
    this.#breaker = new CircuitBreaker({
      ...config.breaker,
      name: config.name,
      onStateChange: (state, snapshot) => {
        this.#metrics.breakerState(state);
        if (state === 'open') {
          this.#log.warn(
            { breaker: state, consecutiveFailures: snapshot.consecutiveFailures, retryAt: snapshot.retryAt?.toISOString() },
            'Kasm circuit breaker opened: calls fail fast until retryAt',
          );
        } else {
          this.#log.info({ breaker: state }, `Kasm circuit breaker ${state}`);
        }
      },
    });
    this.#limiter = new RateLimiter({
      ...config.rateLimit,
      onQueueChange: (queued) => this.#metrics.limiterQueued(queued),
    });
    if (config.tls.insecureSkipVerify) {
      this.#log.warn('TLS certificate verification is off for this Kasm connection');
    }
  }

  breakerState(): BreakerSnapshot {
    return this.#breaker.snapshot();
  }

  limiterQueued(): number {
    return this.#limiter.queued();
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) {
      return;
    }
    this.#closing.abort();
    await this.#limiter.stop();
    await this.#agent.close();
  }

  async call<Req extends z.ZodType, Res extends z.ZodType>(
    endpoint: KasmEndpoint<Req, Res>,
    payload: z.input<Req>,
    options: CallOptions = {},
  ): Promise<z.output<Res>> {
    return this.#execute(endpoint, payload, options, (ctx, reply) =>
      classifyJsonReply({ ...ctx, endpoint }, reply),
    );
  }

  async callBinary<Req extends z.ZodType>(
    endpoint: KasmEndpoint<Req>,
    payload: z.input<Req>,
    options: CallOptions = {},
  ): Promise<BinaryReply> {
    return this.#execute(endpoint, payload, options, classifyBinaryReply);
  }

  async #execute<T>(endpoint: KasmEndpoint, payload: unknown, options: CallOptions, parse: ReplyParser<T>): Promise<T> {
    const ctx = this.#prepare(endpoint, payload, options);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#attempt(ctx, attempt, parse);
      } catch (error) {
        const decision = decideRetry({ error, kind: endpoint.kind, attemptsMade: attempt, config: this.#config.retry });
        if (!decision.retry) {
          throw error;
        }
        this.#metrics.retry(endpoint.name);
        this.#log.warn(
          {
            endpoint: endpoint.name,
            attempt,
            delayMs: decision.delayMs,
            errorCode: error instanceof KasmError ? error.code : undefined,
            error: error instanceof Error ? error.message : String(error),
          },
          'Kasm request failed; retrying',
        );
        await this.#wait(decision.delayMs, ctx);
      }
    }
  }

  /** Validates the payload and builds the body; nothing is sent when the payload is wrong. */
  #prepare(endpoint: KasmEndpoint, payload: unknown, options: CallOptions): CallContext {
    const secrets = [this.#config.apiKey, this.#config.apiSecret, ...collectSecretValues(payload)];
    const parsed = endpoint.request.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue === undefined ? '(root)' : formatIssuePath(issue.path);
      throw new KasmInvalidRequestError(
        scrubSecrets(`Kasm ${endpoint.name}: invalid request at ${field}: ${issue?.message ?? 'does not match'}`, secrets),
        { endpoint: endpoint.name, status: 0, field },
      );
    }
    const data: unknown = parsed.data ?? {};
    if (!isPlainObject(data)) {
      throw new KasmInvalidRequestError(`Kasm ${endpoint.name}: the request payload must be a JSON object`, {
        endpoint: endpoint.name,
        status: 0,
        field: '(root)',
      });
    }
    return {
      endpoint,
      body: { ...data, api_key: this.#config.apiKey, api_key_secret: this.#config.apiSecret },
      secrets: [...secrets, ...collectSecretValues(data)],
      priority: options.priority ?? (endpoint.kind === 'write' ? 'user' : 'background'),
      timeoutMs: options.timeoutMs ?? this.#config.timeoutMs,
      signal: options.signal === undefined ? this.#closing.signal : AbortSignal.any([options.signal, this.#closing.signal]),
    };
  }

  /** `inFlight`: the request had been sent, so Kasm may have acted on it. */
  #abortedError(ctx: CallContext, inFlight = false): KasmTransportError {
    const closed = this.#closing.signal.aborted;
    return new KasmTransportError(
      closed
        ? `Kasm ${ctx.endpoint.name}: request cancelled: the Kasm connection '${this.name}' is closed`
        : `Kasm ${ctx.endpoint.name}: request cancelled by the caller`,
      { endpoint: ctx.endpoint.name, status: 0, failure: 'aborted', mayHaveTakenEffect: inFlight },
    );
  }

  async #wait(ms: number, ctx: CallContext): Promise<void> {
    try {
      await delay(ms, undefined, { signal: ctx.signal });
    } catch {
      throw this.#abortedError(ctx);
    }
  }

  async #attempt<T>(ctx: CallContext, attempt: number, parse: ReplyParser<T>): Promise<T> {
    const { endpoint } = ctx;
    try {
      // Fail fast before queueing: an open breaker must not hold calls in the limiter.
      this.#breaker.check(endpoint.name);
    } catch (error) {
      this.#recordAttempt(endpoint.name, attempt, error, undefined, 0);
      throw error;
    }
    return this.#limiter.schedule(
      { priority: ctx.priority, signal: ctx.signal, abortError: () => this.#abortedError(ctx) },
      async () => {
        const ticket = this.#breaker.admit(endpoint.name);
        const started = performance.now();
        let status = 0;
        try {
          const reply = await this.#send(ctx);
          status = reply.status;
          const value = parse({ endpoint, secrets: ctx.secrets }, reply);
          this.#breaker.record(ticket, 'success');
          this.#recordAttempt(endpoint.name, attempt, undefined, performance.now() - started, status);
          return value;
        } catch (error) {
          if (error instanceof KasmTransportError && error.failure === 'aborted') {
            this.#breaker.releaseProbe(ticket);
          } else {
            this.#breaker.record(ticket, breakerOutcomeOf(error));
          }
          this.#recordAttempt(endpoint.name, attempt, error, performance.now() - started, status);
          throw error;
        }
      },
    ).catch((error: unknown) => {
      if (error instanceof KasmCircuitOpenError) {
        // Lost the race for the probe slot while queued.
        this.#recordAttempt(endpoint.name, attempt, error, undefined, 0);
      }
      throw error;
    });
  }

  /** One HTTP exchange with a deadline that covers the reply body too. */
  async #send(ctx: CallContext): Promise<HttpReply> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), ctx.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, deadline.signal]);
    try {
      const response = await this.#http.post(`${this.#config.baseUrl}${ctx.endpoint.path}`, { json: ctx.body, signal });
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (ctx.signal.aborted) {
        throw this.#abortedError(ctx, true);
      }
      // ky's NetworkError carries the Request (and so the body stream); keep only the socket error.
      const cause: unknown = isNetworkError(error) ? error.cause : error;
      throw transportErrorFrom(ctx.endpoint.name, cause, { aborted: false, timedOut: deadline.signal.aborted }, ctx.secrets);
    } finally {
      clearTimeout(timer);
    }
  }

  #recordAttempt(endpoint: string, attempt: number, error: unknown, durationMs: number | undefined, status: number): void {
    const outcome = error === undefined ? 'success' : error instanceof KasmError ? error.code : 'Unexpected';
    this.#metrics.request(endpoint, outcome, durationMs === undefined ? undefined : durationMs / 1000);
    this.#log.debug(
      { endpoint, status, attempt, durationMs: durationMs === undefined ? undefined : Math.round(durationMs), outcome },
      'Kasm request',
    );
  }
}
