/**
 * The project's logger: pino JSON lines on stdout, level names as strings, ISO timestamps, and the
 * project-wide redaction list so credentials never reach a log line. Reconciles log through a child
 * that carries kind, namespace, name and a reconcile id, one line per decision.
 */
import { randomBytes } from 'node:crypto';
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

/** A child logger for one reconcile of one object. */
export function reconcileLogger(parent: Logger, fields: ReconcileLogFields): Logger {
  return parent.child({ kind: fields.kind, namespace: fields.namespace, name: fields.name, reconcileId: fields.reconcileId });
}

/** A short random id that ties the lines of one reconcile together. */
export function newReconcileId(): string {
  return randomBytes(6).toString('hex');
}
