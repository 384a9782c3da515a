/**
 * Counts requests by verb and resource so tests can assert how a client talks to the API (for example
 * that a reconcile did not list).
 */
export interface RequestFilter {
  verb?: string;
  /** A resource (`kasmusers`) or resource/subresource (`kasmusers/status`); each counts only itself. */
  resource?: string;
  namespace?: string;
}

export interface RecordedRequest {
  verb: string;
  resource: string | undefined;
  namespace: string | undefined;
}

export class RequestCounter {
  private recorded: RecordedRequest[] = [];

  record(request: RecordedRequest): void {
    this.recorded.push(request);
  }

  count(filter: RequestFilter = {}): number {
    return this.recorded.filter(
      (r) =>
        (filter.verb === undefined || r.verb === filter.verb) &&
        (filter.resource === undefined || r.resource === filter.resource) &&
        (filter.namespace === undefined || r.namespace === filter.namespace),
    ).length;
  }

  /** Every request since the last reset, oldest first. */
  all(): readonly RecordedRequest[] {
    return this.recorded;
  }

  reset(): void {
    this.recorded = [];
  }
}
