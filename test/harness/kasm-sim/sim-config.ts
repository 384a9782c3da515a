/** Run-time knobs of the simulated deployment; tests may change them while it runs. */
export interface SimConfig {
  /** requested → running duration of a new session, ms. */
  sessionStartMs: number;
  /** Concurrent sessions the deployment has room for. */
  maxSessions: number;
  /** Default of the keepalive_expiration group setting, seconds. */
  keepaliveExpirationSeconds: number;
}
