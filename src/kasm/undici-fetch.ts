import { Agent, fetch as undiciFetch } from 'undici';

/**
 * The HTTP layer under ky: undici's fetch over an undici Agent, so the connection's TLS settings
 * (extra CA, insecure switch) and keep-alive pool apply to every request. ky builds a global
 * `Request`, which undici's own fetch does not accept as input, so the adapter unpacks it.
 */

export interface HttpAgentOptions {
  caPem?: string | undefined;
  insecureSkipVerify: boolean;
  /** Upper bound of open connections per origin; matches the limiter's concurrency. */
  maxConnections: number;
}

export function createHttpAgent(options: HttpAgentOptions): Agent {
  return new Agent({
    connections: options.maxConnections,
    keepAliveTimeout: 30_000,
    // Timeouts are owned by the transport (one deadline per attempt, body included).
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      rejectUnauthorized: !options.insecureSkipVerify,
      ...(options.caPem === undefined ? {} : { ca: options.caPem }),
    },
  });
}

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function fetchThrough(dispatcher: Agent): FetchFunction {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const response = await undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body,
      signal: request.signal,
      redirect: request.redirect,
      dispatcher,
    });
    return response;
  };
}
