import type { z } from 'zod';
import type { BinaryReply, CallOptions, KasmCaller, KasmEndpoint } from '../../../src/kasm/endpoint.js';
import { classifyJsonReply, formatIssuePath } from '../../../src/kasm/error-classifier.js';
import { KasmInvalidRequestError } from '../../../src/kasm/errors.js';

/**
 * A KasmCaller without HTTP: validates and maps the payload with the endpoint's request schema (as
 * the transport does), records the wire body, and answers with a scripted raw Kasm body that goes
 * through the transport's own reply classifier and the endpoint's response schema.
 */
export interface SentCall {
  endpoint: string;
  path: string;
  body: Record<string, unknown>;
  options: CallOptions | undefined;
}

/** A raw Kasm body, or a function of the wire request that returns one. */
type Reply = Record<string, unknown> | ((body: Record<string, unknown>) => unknown);

export class FakeKasmCaller implements KasmCaller {
  readonly sent: SentCall[] = [];
  readonly #replies = new Map<string, Reply[]>();
  readonly #binary = new Map<string, BinaryReply>();

  /** Queues a raw reply body for the endpoint verb; the last one queued is repeated. */
  reply(endpoint: string, body: Reply): this {
    const queue = this.#replies.get(endpoint) ?? [];
    queue.push(body);
    this.#replies.set(endpoint, queue);
    return this;
  }

  replyBinary(endpoint: string, reply: BinaryReply): this {
    this.#binary.set(endpoint, reply);
    return this;
  }

  /** The wire bodies sent to one verb, in order. */
  bodies(endpoint: string): Record<string, unknown>[] {
    return this.sent.filter((call) => call.endpoint === endpoint).map((call) => call.body);
  }

  #send(endpoint: KasmEndpoint, payload: unknown, options: CallOptions | undefined): Record<string, unknown> {
    const parsed = endpoint.request.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue === undefined ? '(root)' : formatIssuePath(issue.path);
      throw new KasmInvalidRequestError(`Kasm ${endpoint.name}: invalid request at ${field}: ${issue?.message}`, {
        endpoint: endpoint.name,
        status: 0,
        field,
      });
    }
    const body = parsed.data as Record<string, unknown>;
    this.sent.push({ endpoint: endpoint.name, path: endpoint.path, body, options });
    return body;
  }

  async call<Req extends z.ZodType, Res extends z.ZodType>(
    endpoint: KasmEndpoint<Req, Res>,
    payload: z.input<Req>,
    options?: CallOptions,
  ): Promise<z.output<Res>> {
    const body = this.#send(endpoint, payload, options);
    const queue = this.#replies.get(endpoint.name);
    if (queue === undefined || queue.length === 0) {
      throw new Error(`FakeKasmCaller: no reply scripted for ${endpoint.name}`);
    }
    const next = queue.length > 1 ? queue.shift() : queue[0];
    const raw: unknown = typeof next === 'function' ? next(body) : next;
    const text = JSON.stringify(raw);
    return classifyJsonReply(
      { endpoint, secrets: [] },
      { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: new TextEncoder().encode(text) },
    );
  }

  async callBinary<Req extends z.ZodType>(
    endpoint: KasmEndpoint<Req>,
    payload: z.input<Req>,
    options?: CallOptions,
  ): Promise<BinaryReply> {
    this.#send(endpoint, payload, options);
    const reply = this.#binary.get(endpoint.name);
    if (reply === undefined) {
      throw new Error(`FakeKasmCaller: no binary reply scripted for ${endpoint.name}`);
    }
    return reply;
  }
}
