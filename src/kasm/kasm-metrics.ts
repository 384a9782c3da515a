import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metric, Registry } from 'prom-client';
import type { BreakerStateName } from './circuit-breaker.js';

/**
 * Prometheus metrics of the Kasm client. Metrics are fetched from the registry when already there,
 * so several connections (transports) share one set of series told apart by the `connection` label.
 */

export interface KasmClientMetrics {
  /** One HTTP request (attempt) ended; outcome is `success` or the KasmError code. */
  request(endpoint: string, outcome: string, durationSeconds: number | undefined): void;
  retry(endpoint: string): void;
  limiterQueued(queued: number): void;
  breakerState(state: BreakerStateName): void;
}

const breakerStateValue: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

function getOrCreate<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function createKasmClientMetrics(registry: Registry, connection: string): KasmClientMetrics {
  const requests = getOrCreate(
    registry,
    'kasm_client_requests_total',
    () =>
      new Counter({
        name: 'kasm_client_requests_total',
        help: 'Requests to the Kasm API by connection, endpoint and outcome (success or error code)',
        labelNames: ['connection', 'endpoint', 'outcome'] as const,
        registers: [registry],
      }),
  );
  const duration = getOrCreate(
    registry,
    'kasm_client_request_duration_seconds',
    () =>
      new Histogram({
        name: 'kasm_client_request_duration_seconds',
        help: 'Duration of Kasm API requests (one attempt), seconds',
        labelNames: ['connection', 'endpoint'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  );
  const retries = getOrCreate(
    registry,
    'kasm_client_retries_total',
    () =>
      new Counter({
        name: 'kasm_client_retries_total',
        help: 'Kasm API requests sent again after a transient failure',
        labelNames: ['connection', 'endpoint'] as const,
        registers: [registry],
      }),
  );
  const queued = getOrCreate(
    registry,
    'kasm_client_limiter_queued',
    () =>
      new Gauge({
        name: 'kasm_client_limiter_queued',
        help: 'Kasm API calls waiting in the connection rate limiter',
        labelNames: ['connection'] as const,
        registers: [registry],
      }),
  );
  const breaker = getOrCreate(
    registry,
    'kasm_client_circuit_breaker_state',
    () =>
      new Gauge({
        name: 'kasm_client_circuit_breaker_state',
        help: 'Kasm connection circuit breaker: 0 closed, 1 half-open, 2 open',
        labelNames: ['connection'] as const,
        registers: [registry],
      }),
  );
  queued.set({ connection }, 0);
  breaker.set({ connection }, 0);
  return {
    request(endpoint, outcome, durationSeconds) {
      requests.inc({ connection, endpoint, outcome });
      if (durationSeconds !== undefined) {
        duration.observe({ connection, endpoint }, durationSeconds);
      }
    },
    retry(endpoint) {
      retries.inc({ connection, endpoint });
    },
    limiterQueued(count) {
      queued.set({ connection }, count);
    },
    breakerState(state) {
      breaker.set({ connection }, breakerStateValue[state]);
    },
  };
}

/** For transports without a registry. */
export const noKasmClientMetrics: KasmClientMetrics = {
  request: () => undefined,
  retry: () => undefined,
  limiterQueued: () => undefined,
  breakerState: () => undefined,
};
