import { KasmNotFoundError } from '../errors.js';

/**
 * Kasm has no single-object read for some kinds (groups, images, zones...); the client lists and
 * picks. A miss is reported the same way a Kasm "not found" reply is, so callers handle one error.
 */
export function requireFound<T>(item: T | undefined, description: string, endpoint: string): T {
  if (item === undefined) {
    throw new KasmNotFoundError(`${description} not found`, { endpoint, status: 200 });
  }
  return item;
}
