import { KNOWN_PERMISSIONS } from './permissions.js';
import type { ApiKeyOptions, ApiKeyPair } from './api-keys.js';
import { CallLog } from './call-log.js';
import type { CallLogEntry } from './call-log.js';
import { SimClock } from './clock.js';
import { FaultPlan } from './faults.js';
import type { FaultMode, FaultSpec, Latency } from './faults.js';
import { RateGate } from './rate-gate.js';
import type { RateLimitOptions } from './rate-gate.js';
import { ALL_ROUTES } from './routes/all-routes.js';
import { seedState } from './seed.js';
import { SimHttpServer } from './server.js';
import { SessionControls } from './session-controls.js';
import type { SimSessionControls } from './session-controls.js';
import type { SimConfig } from './sim-config.js';
import { SimState } from './state.js';

/**
 * An in-process simulator of the Kasm Workspaces developer API (see README.md): start it, point a
 * client at `url` with `adminKey` or a key from `createApiKey`, switch faults on, read the call log.
 */
export type { ApiKeyPair, FaultMode, FaultSpec, Latency, RateLimitOptions, SimConfig, SimSessionControls };
export { SimState };
export type { ExecRecord, RecordingRecord, SessionRecord, UserRecord, GroupRecord, ImageRecord } from './records.js';
export { ADMIN_USERNAME, ADMINISTRATORS_GROUP_ID, ALL_USERS_GROUP_ID, USER_USERNAME } from './seed.js';
export { SETTINGS_CATALOGUE } from './settings-catalogue.js';
export { KNOWN_PERMISSIONS } from './permissions.js';

export interface KasmSimulatorOptions {
  host?: string;
  port?: number;
  /** requested → running duration, ms (default 2000). */
  sessionStartMs?: number;
  /** Concurrent session capacity (default 50). */
  maxSessions?: number;
  /** Default of the keepalive_expiration group setting, seconds (default 3600). */
  keepaliveExpirationSeconds?: number;
}

export interface SimFaults {
  setLatency(latency: Latency): void;
  /** endpoint is the verb (e.g. 'create_user') or '*'. See FaultSpec. */
  failEndpoint(endpoint: string, fault: FaultSpec): void;
  /** Token bucket on the simulator's clock; excess gets 429 + Retry-After. null turns it off. */
  setRateLimit(requestsPerSecond: number | null, opts?: RateLimitOptions): void;
  /** Removes every fault rule, the latency and the rate limit. */
  clear(): void;
}

export interface SimCalls {
  count(endpoint?: string): number;
  log(): readonly CallLogEntry[];
  reset(): void;
}

export interface SimClockControls {
  /** The simulator's time, epoch ms. */
  now(): number;
  /** Pushes simulated time forward (session start and expiry, rate-limit refill). */
  advance(ms: number): void;
}

export interface KasmSimulator {
  readonly url: string;
  readonly adminKey: ApiKeyPair;
  createApiKey(opts: ApiKeyOptions): ApiKeyPair;
  readonly faults: SimFaults;
  readonly calls: SimCalls;
  readonly state: SimState;
  /** Run-time knobs (sessionStartMs, maxSessions, keepaliveExpirationSeconds); edit them freely. */
  readonly config: SimConfig;
  readonly clock: SimClockControls;
  readonly sessions: SimSessionControls;
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

function checkOption(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`startKasmSimulator: ${name} must be a number >= ${min}, got ${value}`);
  }
  return value;
}

export async function startKasmSimulator(options: KasmSimulatorOptions = {}): Promise<KasmSimulator> {
  const config: SimConfig = {
    sessionStartMs: checkOption('sessionStartMs', options.sessionStartMs ?? 2000, 0),
    maxSessions: checkOption('maxSessions', options.maxSessions ?? 50, 0),
    keepaliveExpirationSeconds: checkOption('keepaliveExpirationSeconds', options.keepaliveExpirationSeconds ?? 3600, 1),
  };
  const port = checkOption('port', options.port ?? 0, 0);
  const clock = new SimClock();
  const state = new SimState();
  seedState(state, clock.now());
  const adminKey = state.apiKeys.create({ permissions: KNOWN_PERMISSIONS });
  const faultPlan = new FaultPlan();
  const rateGate = new RateGate(() => clock.now());
  const callLog = new CallLog();
  const server = new SimHttpServer({
    host: options.host ?? '127.0.0.1',
    port,
    routes: ALL_ROUTES,
    state,
    config,
    clock,
    faults: faultPlan,
    rateGate,
    calls: callLog,
  });
  await server.listen();

  return {
    get url() {
      return server.url;
    },
    adminKey,
    createApiKey: (opts) => state.apiKeys.create(opts),
    faults: {
      setLatency: (latency) => faultPlan.setLatency(latency),
      failEndpoint: (endpoint, fault) => faultPlan.failEndpoint(endpoint, fault),
      setRateLimit: (requestsPerSecond, opts) => rateGate.configure(requestsPerSecond, opts),
      clear: () => {
        faultPlan.clear();
        rateGate.configure(null);
      },
    },
    calls: {
      count: (endpoint) => callLog.count(endpoint),
      log: () => callLog.log(),
      reset: () => callLog.reset(),
    },
    state,
    config,
    clock: {
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
    },
    sessions: new SessionControls(state, clock),
    goDown: () => server.goDown(),
    comeBack: () => server.listen(),
    close: () => server.close(),
  };
}
