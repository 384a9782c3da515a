import type { ApiKeyRecord } from './api-keys.js';
import type { Payload } from './payload.js';
import type { SimConfig } from './sim-config.js';
import type { SimState } from './state.js';

/**
 * One simulated endpoint. Area modules under routes/ export lists of these; the server looks them
 * up by path and runs the checks Kasm runs before the handler (method, JSON, key, permissions).
 */
export interface RouteContext {
  /** The request body without `api_key` / `api_key_secret`. */
  readonly payload: Payload;
  readonly state: SimState;
  readonly config: SimConfig;
  /** The simulator's clock when the request was processed, epoch ms. */
  readonly now: number;
  /** The simulator's own base URL, e.g. http://127.0.0.1:PORT. */
  readonly baseUrl: string;
  readonly key: ApiKeyRecord;
  /** Throws a 403 unless the key holds every one of `permissions` (checks that depend on the target). */
  demand(...permissions: string[]): void;
}

export type RouteResult =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'bytes'; readonly contentType: string; readonly body: Uint8Array };

export interface SimRoute {
  /** Kasm's verb, e.g. `create_user`; also the name faults and the call log use. */
  readonly name: string;
  readonly path: string;
  /** Permissions the key must hold before the handler runs. */
  readonly permissions: readonly string[];
  /** Writes are refused to read-only keys. */
  readonly write: boolean;
  handle(context: RouteContext): RouteResult;
}

export function json(body: unknown): RouteResult {
  return { kind: 'json', body };
}

export function publicPath(verb: string): string {
  return `/api/public/${verb}`;
}

export function adminPath(verb: string): string {
  return `/api/admin/${verb}`;
}
