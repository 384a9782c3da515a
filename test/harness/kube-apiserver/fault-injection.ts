/**
 * Test switches for failure: answer matching requests with 500, 503 or 429 (with Retry-After) for a
 * number of requests or for a time, and add latency to every request.
 */
import type { ApiError } from './status-errors.js';
import { internalError, serviceUnavailable, tooManyRequests } from './status-errors.js';

export interface FaultMatch {
  /** A kube verb (get, list, watch, create, update, patch, delete, deletecollection); discovery is `get`. */
  verb?: string;
  /** A resource (`kasmusers`) or resource/subresource (`kasmusers/status`). */
  resource?: string;
}

export interface FaultSpec {
  status: 500 | 503 | 429;
  /** Fail this many matching requests, then stop. */
  count?: number;
  /** Fail matching requests for this long, then stop. */
  durationMs?: number;
  match?: FaultMatch;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
  until: number;
}

export interface RequestIdentity {
  verb: string;
  /** resource or resource/subresource; undefined for non-resource requests. */
  resource: string | undefined;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private latencyMs = 0;

  add(spec: FaultSpec): void {
    if (![500, 503, 429].includes(spec.status)) throw new Error(`failRequests: status must be 500, 503 or 429, got ${spec.status}`);
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) {
      throw new Error(`failRequests: count must be a positive integer, got ${spec.count}`);
    }
    if (spec.durationMs !== undefined && !(spec.durationMs > 0)) {
      throw new Error(`failRequests: durationMs must be positive, got ${spec.durationMs}`);
    }
    this.faults.push({
      spec,
      remaining: spec.count ?? Number.POSITIVE_INFINITY,
      until: spec.durationMs !== undefined ? Date.now() + spec.durationMs : Number.POSITIVE_INFINITY,
    });
  }

  clear(): void {
    this.faults = [];
  }

  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new Error(`setLatency: ms must be >= 0, got ${ms}`);
    this.latencyMs = ms;
  }

  latency(): number {
    return this.latencyMs;
  }

  /** The failure to answer with, consuming one from the first matching fault; undefined to proceed. */
  take(request: RequestIdentity): ApiError | undefined {
    const now = Date.now();
    this.faults = this.faults.filter((f) => f.remaining > 0 && f.until > now);
    const fault = this.faults.find((f) => matches(f.spec.match, request));
    if (!fault) return undefined;
    fault.remaining -= 1;
    switch (fault.spec.status) {
      case 429:
        return tooManyRequests(1);
      case 503:
        return serviceUnavailable('the server is currently unable to handle the request');
      default:
        return internalError('injected failure');
    }
  }
}

function matches(match: FaultMatch | undefined, request: RequestIdentity): boolean {
  if (!match) return true;
  if (match.verb !== undefined && match.verb !== request.verb) return false;
  if (match.resource !== undefined && match.resource !== request.resource) return false;
  return true;
}
