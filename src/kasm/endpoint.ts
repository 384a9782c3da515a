import type { z } from 'zod';

/**
 * An endpoint of the Kasm developer API, described once: where it lives, whether it writes, which
 * API-key permissions it needs (named in 403 errors), and the zod schemas of its request payload and
 * reply. Area modules declare endpoints; the transport executes them.
 */
export type EndpointKind = 'read' | 'write';

export interface KasmEndpoint<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** Kasm's verb, e.g. `create_user`. */
  readonly name: string;
  /** Path below the base URL, e.g. `/api/public/create_user`. */
  readonly path: string;
  /** Reads may be retried on any transient failure; writes only when the request cannot have taken effect. */
  readonly kind: EndpointKind;
  /** API-key permissions the endpoint needs, as the Kasm admin UI names them. */
  readonly permissions: readonly string[];
  /** Payload without credentials (the transport adds `api_key` / `api_key_secret`). */
  readonly request: Req;
  /** Parsed reply. For binary endpoints this schema is unused. */
  readonly response: Res;
  /** The reply is raw bytes (get_kasm_screenshot), not JSON. */
  readonly binary?: boolean;
}

export function defineEndpoint<Req extends z.ZodType, Res extends z.ZodType>(
  endpoint: KasmEndpoint<Req, Res>,
): KasmEndpoint<Req, Res> {
  return endpoint;
}

/** Priority of a call in the per-connection limiter: what a user asked for runs before background reads. */
export type CallPriority = 'user' | 'background';

export interface CallOptions {
  priority?: CallPriority;
  signal?: AbortSignal;
  /** Overrides the connection's per-request timeout. */
  timeoutMs?: number;
}

export interface BinaryReply {
  contentType: string;
  body: Uint8Array;
}

/** What area modules need from the transport. */
export interface KasmCaller {
  /** The Kasm server's URL (no credentials), for links users open (cast URLs); absent on test fakes. */
  readonly baseUrl?: string;
  call<Req extends z.ZodType, Res extends z.ZodType>(
    endpoint: KasmEndpoint<Req, Res>,
    payload: z.input<Req>,
    options?: CallOptions,
  ): Promise<z.output<Res>>;
  callBinary<Req extends z.ZodType>(
    endpoint: KasmEndpoint<Req>,
    payload: z.input<Req>,
    options?: CallOptions,
  ): Promise<BinaryReply>;
}
