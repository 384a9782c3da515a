/**
 * The project's logger: pino JSON lines on stdout, level names as strings, ISO timestamps, and the
 * project-wide redaction list so credentials never reach a log line. Reconciles log through a child
 * that carries kind, namespace, name and a reconcile id, one line per decision.
 */
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import { kasmRedactPaths, REDACTED } from '../kasm/redaction.js';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  level: LogLevel | 'silent';
  /** Fields on every line (component, version ...). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout when absent. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level as a word: log pipelines and humans read "warn" more reliably than 40.
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...kasmRedactPaths], censor: REDACTED },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

export interface ReconcileLogFields {
  kind: string;
  namespace: string;
  name: string;
  reconcileId: string;
}

/** A child logger for one reconcile of one object, made only once something is logged (see lazyChildLogger). */
export function reconcileLogger(parent: Logger, fields: ReconcileLogFields): Logger {
  return lazyChildLogger(parent, { kind: fields.kind, namespace: fields.namespace, name: fields.name, reconcileId: fields.reconcileId });
}

/** A short random id (12 hex digits) that ties the lines of one reconcile together. */
export function newReconcileId(): string {
  // randomUUID draws from a buffered entropy pool, cheaper per reconcile than randomBytes; the
  // first two groups of a v4 UUID are all random.
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13);
}

const LEVEL_METHODS: ReadonlySet<string> = new Set(logLevels);
const noop = (): void => undefined;

/**
 * `parent.child(bindings)`, made on first use. pino redacts a child's bindings when it makes the
 * child, which at 10,000 objects cost more CPU than the rest of many a reconcile; most reconciles
 * log nothing at the configured level, so most never make theirs.
 */
export function lazyChildLogger(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= parent.child(bindings));
  // An empty target: the proxy answers everything from the child (no invariants to keep).
  return new Proxy({} as Logger, {
    get(_target, prop) {
      if (typeof prop === 'string' && LEVEL_METHODS.has(prop) && !parent.isLevelEnabled(prop)) return noop;
      const logger = real();
      const value: unknown = Reflect.get(logger, prop, logger);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
  });
}
