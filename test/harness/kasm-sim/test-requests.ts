import type { ApiKeyPair, KasmSimulator } from './index.js';

/**
 * Plain-fetch calls to the simulator for its own tests: no client library, so the tests see the
 * wire exactly as a client would.
 */
export interface WireReply {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  bytes: Uint8Array;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

export interface CallOptions {
  key?: ApiKeyPair | null;
  area?: 'public' | 'admin';
  method?: string;
  /** Sent as is instead of the JSON payload. */
  rawBody?: string;
  signal?: AbortSignal;
}

export async function callSim(
  sim: Pick<KasmSimulator, 'url' | 'adminKey'>,
  verb: string,
  payload: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<WireReply> {
  const key = options.key === undefined ? sim.adminKey : options.key;
  const credentials = key === null ? {} : { api_key: key.apiKey, api_key_secret: key.apiSecret };
  const method = options.method ?? 'POST';
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = options.rawBody ?? JSON.stringify({ ...credentials, ...payload });
  }
  if (options.signal !== undefined) init.signal = options.signal;
  const response = await fetch(`${sim.url}/api/${options.area ?? 'public'}/${verb}`, init);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, text, bytes, body };
}

/** The value at a dotted path ("user.groups.0.name") of a parsed body. */
export function field(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function text(body: unknown, path: string): string {
  const value = field(body, path);
  if (typeof value !== 'string') {
    throw new Error(`expected a string at ${path}, got ${JSON.stringify(value)} in ${JSON.stringify(body)}`);
  }
  return value;
}

export function list(body: unknown, path: string): unknown[] {
  const value = field(body, path);
  if (!Array.isArray(value)) {
    throw new Error(`expected an array at ${path}, got ${JSON.stringify(value)}`);
  }
  return value as unknown[];
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
