/**
 * The operator's configuration: environment variables, overridden by command-line flags, validated
 * with zod before anything starts. Every bad value yields one message that names the variable or
 * flag and the form it accepts; all of them are reported together.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { inspect } from 'node:util';
import { z } from 'zod';
import { parseDuration } from './api/annotations.js';
import { logLevels, type LogLevel } from './runtime/logger.js';

export { parseDuration };

/** A credential that prints as [REDACTED] everywhere (String, JSON, util.inspect, pino); `reveal()` gives the value. */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[REDACTED]';
  }
  toJSON(): string {
    return '[REDACTED]';
  }
  [inspect.custom](): string {
    return 'SecretValue([REDACTED])';
  }
}

export interface ConfigError {
  /** The environment variable the option belongs to (KASM_RATE_LIMIT ...). */
  option: string;
  /** One line: where the value came from, what is accepted, what was given. */
  message: string;
}

/** Where defaults that depend on the pod come from; injected by tests. */
export interface ConfigHost {
  /** The namespace file Kubernetes mounts into every pod, if present. */
  serviceAccountNamespace(): string | undefined;
  hostname(): string;
  randomSuffix(): string;
}

const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export const processConfigHost: ConfigHost = {
  serviceAccountNamespace: () => {
    try {
      return readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  },
  hostname: () => hostname(),
  randomSuffix: () => randomBytes(3).toString('hex'),
};

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const bool = z.string().transform((text, ctx) => {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  ctx.addIssue({ code: 'custom', message: 'not a boolean' });
  return z.NEVER;
});
const positiveNumber = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*$/)
  .transform(Number)
  .pipe(z.number().positive());
const positiveInt = z
  .string()
  .regex(/^\s*\d+\s*$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(1_000_000));
const port = z
  .string()
  .regex(/^\s*\d+\s*$/)
  .transform(Number)
  .pipe(z.number().int().min(0).max(65_535));
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text.trim());
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'not a positive duration' });
    return z.NEVER;
  }
  return ms;
});
const nonEmpty = z.string().trim().min(1);
const httpUrl = z
  .string()
  .trim()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol));
const namespaceList = z.string().transform((text, ctx) => {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const bad = names.filter((name) => name.length > 63 || !DNS_LABEL.test(name));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `invalid namespace names: ${bad.join(', ')}` });
    return z.NEVER;
  }
  return [...new Set(names)];
});
const namespace = z
  .string()
  .trim()
  .refine((name) => name.length <= 63 && DNS_LABEL.test(name));
const leaseName = z
  .string()
  .trim()
  .refine((name) => name.length <= 253 && DNS_SUBDOMAIN.test(name));
const level = z.enum(logLevels);

type Group = 'Kasm default connection' | 'Kasm client' | 'Kubernetes' | 'Reconciling' | 'Logging' | 'Health and metrics' | 'Leader election';

interface OptionSpec {
  env: string;
  /** Flag name without dashes; absent for values that must not appear on a command line. */
  flag?: string;
  /** Placeholder shown in help; absent for boolean flags, which may stand alone. */
  placeholder?: string;
  group: Group;
  description: string;
  /** Default as help shows it. */
  defaultText: string;
  /** The accepted form, completing "must be ...". */
  form: string;
  /** Never echo the given value in a message. */
  secret?: boolean;
  schema: z.ZodType<unknown, string>;
}

/** Every option. Keys are the names in the raw schema; order is the help order. */
const options = {
  kasmBaseUrl: {
    env: 'KASM_BASE_URL',
    flag: 'kasm-base-url',
    placeholder: '<url>',
    group: 'Kasm default connection',
    description: 'Kasm server used by resources without spec.connectionRef.',
    defaultText: 'none',
    form: 'an http or https URL like https://kasm.example.com',
    schema: httpUrl,
  },
  kasmApiKey: {
    env: 'KASM_API_KEY',
    flag: 'kasm-api-key',
    placeholder: '<key>',
    group: 'Kasm default connection',
    description: 'API key of the default connection.',
    defaultText: 'none',
    form: 'a non-empty string',
    secret: true,
    schema: nonEmpty,
  },
  kasmApiSecret: {
    env: 'KASM_API_SECRET',
    group: 'Kasm default connection',
    description: 'API key secret of the default connection. Environment only: command lines are visible to other processes.',
    defaultText: 'none',
    form: 'a non-empty string',
    secret: true,
    schema: nonEmpty,
  },
  kasmCaFile: {
    env: 'KASM_CA_FILE',
    flag: 'kasm-ca-file',
    placeholder: '<path>',
    group: 'Kasm client',
    description: 'PEM file of CA certificates trusted for Kasm servers, added to the system ones.',
    defaultText: 'none',
    form: 'a file path',
    schema: nonEmpty,
  },
  kasmInsecureSkipTlsVerify: {
    env: 'KASM_INSECURE_SKIP_TLS_VERIFY',
    flag: 'kasm-insecure-skip-tls-verify',
    group: 'Kasm client',
    description: 'Accept any TLS certificate from the default Kasm server (test installations only).',
    defaultText: 'false',
    form: 'true or false',
    schema: bool,
  },
  kasmRateLimit: {
    env: 'KASM_RATE_LIMIT',
    flag: 'kasm-rate-limit',
    placeholder: '<per-second>',
    group: 'Kasm client',
    description: 'Kasm API requests per second per connection, unless a KasmConnection sets its own.',
    defaultText: '100',
    form: 'a number of requests per second greater than 0, like 100',
    schema: positiveNumber,
  },
  kasmRateBurst: {
    env: 'KASM_RATE_BURST',
    flag: 'kasm-rate-burst',
    placeholder: '<count>',
    group: 'Kasm client',
    description: 'Requests that may go out back to back before the rate limit applies.',
    defaultText: 'the rate limit, rounded up',
    form: 'a whole number of requests of at least 1, like 100',
    schema: positiveInt,
  },
  kasmMaxConcurrent: {
    env: 'KASM_MAX_CONCURRENT',
    flag: 'kasm-max-concurrent',
    placeholder: '<count>',
    group: 'Kasm client',
    description: 'Kasm API requests in flight at once per connection.',
    defaultText: '10',
    form: 'a whole number of at least 1, like 10',
    schema: positiveInt,
  },
  kasmTimeoutSeconds: {
    env: 'KASM_TIMEOUT_SECONDS',
    flag: 'kasm-timeout-seconds',
    placeholder: '<seconds>',
    group: 'Kasm client',
    description: 'Timeout of one Kasm API request.',
    defaultText: '30',
    form: 'a number of seconds greater than 0, like 30',
    schema: positiveNumber,
  },
  watchNamespaces: {
    env: 'WATCH_NAMESPACES',
    flag: 'watch-namespaces',
    placeholder: '<ns,...>',
    group: 'Kubernetes',
    description: 'Comma-separated namespaces to watch; empty watches all.',
    defaultText: 'all namespaces',
    form: 'comma-separated namespace names (lowercase letters, digits and -), like team-a,team-b',
    schema: namespaceList,
  },
  pollInterval: {
    env: 'POLL_INTERVAL',
    flag: 'poll-interval',
    placeholder: '<duration>',
    group: 'Reconciling',
    description: 'How often each object is compared with Kasm (jittered by 10%); objects may override it.',
    defaultText: '1m',
    form: 'a duration like 30s, 5m or 1h',
    schema: duration,
  },
  workers: {
    env: 'WORKERS',
    flag: 'workers',
    placeholder: '<count>',
    group: 'Reconciling',
    description: 'Concurrent reconciles per controller (kind).',
    defaultText: '4',
    form: 'a whole number of at least 1, like 4',
    schema: positiveInt,
  },
  shutdownTimeout: {
    env: 'SHUTDOWN_TIMEOUT',
    flag: 'shutdown-timeout',
    placeholder: '<duration>',
    group: 'Reconciling',
    description: 'How long reconciles in flight may finish after SIGTERM before they are aborted.',
    defaultText: '30s',
    form: 'a duration like 500ms, 30s or 1m',
    schema: duration,
  },
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    placeholder: '<level>',
    group: 'Logging',
    description: `Least severe level logged: ${logLevels.join(', ')}.`,
    defaultText: 'info',
    form: `one of ${logLevels.join(', ')}`,
    schema: level,
  },
  debug: {
    env: 'KASM_DEBUG',
    flag: 'debug',
    group: 'Logging',
    description: 'Log at debug level (or trace, if LOG_LEVEL says trace).',
    defaultText: 'false',
    form: 'true or false (or 1 or 0)',
    schema: bool,
  },
  healthPort: {
    env: 'HEALTH_PORT',
    flag: 'health-port',
    placeholder: '<port>',
    group: 'Health and metrics',
    description: 'Port serving /healthz, /readyz and /metrics.',
    defaultText: '8080',
    form: 'a port number from 0 to 65535',
    schema: port,
  },
  healthHost: {
    env: 'HEALTH_HOST',
    flag: 'health-host',
    placeholder: '<address>',
    group: 'Health and metrics',
    description: 'Address the health and metrics port listens on.',
    defaultText: '0.0.0.0',
    form: 'a host name or IP address',
    schema: nonEmpty,
  },
  leaderElect: {
    env: 'LEADER_ELECT',
    flag: 'leader-elect',
    group: 'Leader election',
    description: 'Hold a Lease so only one replica reconciles; turn on when running more than one replica.',
    defaultText: 'false',
    form: 'true or false',
    schema: bool,
  },
  leaderElectionNamespace: {
    env: 'LEADER_ELECTION_NAMESPACE',
    flag: 'leader-election-namespace',
    placeholder: '<namespace>',
    group: 'Leader election',
    description: 'Namespace of the Lease.',
    defaultText: "POD_NAMESPACE, else the pod's service account namespace, else default",
    form: 'a namespace name (lowercase letters, digits and -)',
    schema: namespace,
  },
  leaderElectionId: {
    env: 'LEADER_ELECTION_ID',
    flag: 'leader-election-id',
    placeholder: '<name>',
    group: 'Leader election',
    description: 'Name of the Lease.',
    defaultText: 'kasm-operator',
    form: 'a Kubernetes object name (lowercase letters, digits, - and .)',
    schema: leaseName,
  },
  podName: {
    env: 'POD_NAME',
    flag: 'pod-name',
    placeholder: '<name>',
    group: 'Leader election',
    description: 'Identity of this replica in the Lease.',
    defaultText: 'host name plus a random suffix',
    form: 'a non-empty string',
    schema: nonEmpty,
  },
} satisfies Record<string, OptionSpec>;

type OptionKey = keyof typeof options;
const optionKeys = Object.keys(options) as OptionKey[];

const rawSchema = z.object(
  Object.fromEntries(optionKeys.map((key) => [key, options[key].schema.optional()])) as {
    [K in OptionKey]: z.ZodOptional<(typeof options)[K]['schema']>;
  },
);
type RawValues = z.output<typeof rawSchema>;

interface Given {
  value: string;
  from: 'env' | 'flag';
}

function sourceName(key: OptionKey, from: 'env' | 'flag'): string {
  const spec: OptionSpec = options[key];
  return from === 'flag' && spec.flag !== undefined ? `--${spec.flag}` : spec.env;
}

function describe(key: OptionKey): string {
  const spec: OptionSpec = options[key];
  return spec.flag === undefined ? spec.env : `${spec.env} (--${spec.flag})`;
}

const flagToKey = new Map<string, OptionKey>(
  optionKeys.flatMap((key) => {
    const flag = (options[key] as OptionSpec).flag;
    return flag === undefined ? [] : [[flag, key] as const];
  }),
);

function isBooleanOption(key: OptionKey): boolean {
  return (options[key] as OptionSpec).placeholder === undefined;
}

/** Flags as given: `--name value`, `--name=value`, and boolean flags alone (`--debug`). */
function readFlags(argv: readonly string[], given: Map<OptionKey, Given>, errors: ConfigError[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') continue;
    const match = /^--([a-z0-9-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (match === null) {
      errors.push({ option: arg, message: `unexpected argument "${arg}": options are flags like --log-level=debug; see --help` });
      continue;
    }
    const name = match[1] ?? '';
    const key = flagToKey.get(name);
    if (key === undefined) {
      const envOnly = optionKeys.find((k) => options[k].env.toLowerCase().replaceAll('_', '-') === name);
      const hint = envOnly === undefined ? 'see --help for the flags' : `set it through the environment variable ${options[envOnly].env}`;
      errors.push({ option: `--${name}`, message: `unknown flag --${name}: ${hint}` });
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      if (isBooleanOption(key)) value = 'true';
      else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) {
          errors.push({ option: options[key].env, message: `--${name} needs a value: ${options[key].form}` });
          continue;
        }
        value = next;
        i++;
      }
    }
    given.set(key, { value, from: 'flag' });
  }
}

/** Whether the command line asks for the help text. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Read the configuration from `argv` (process.argv.slice(2)) and `env`. Returns the validated
 * configuration, or every problem found, each naming its variable or flag and the accepted form.
 */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv, host: ConfigHost = processConfigHost): Config | ConfigError[] {
  const given = new Map<OptionKey, Given>();
  for (const key of optionKeys) {
    const value = env[options[key].env];
    // An empty variable counts as unset: charts often render unset values as "".
    if (value !== undefined && value !== '') given.set(key, { value, from: 'env' });
  }
  const errors: ConfigError[] = [];
  readFlags(argv, given, errors);

  const input = Object.fromEntries([...given].map(([key, { value }]) => [key, value]));
  const parsed = rawSchema.safeParse(input);
  const reported = new Set<OptionKey>();
  for (const issue of parsed.error?.issues ?? []) {
    const key = issue.path[0] as OptionKey | undefined;
    if (key === undefined || reported.has(key)) continue;
    reported.add(key);
    const spec: OptionSpec = options[key];
    const source = given.get(key);
    const shown = spec.secret === true || source === undefined ? '' : ` (got "${source.value}")`;
    errors.push({ option: spec.env, message: `${sourceName(key, source?.from ?? 'env')} must be ${spec.form}${shown}` });
  }

  const connectionKeys = ['kasmBaseUrl', 'kasmApiKey', 'kasmApiSecret'] as const;
  const present = connectionKeys.filter((key) => given.has(key));
  if (present.length > 0 && present.length < connectionKeys.length) {
    const missing = connectionKeys.filter((key) => !given.has(key));
    errors.push({
      option: options[missing[0] ?? 'kasmBaseUrl'].env,
      message:
        `the default Kasm connection needs KASM_BASE_URL, KASM_API_KEY and KASM_API_SECRET together (or none, with a KasmConnection per namespace); ` +
        `${present.map(describe).join(' and ')} ${present.length === 1 ? 'is' : 'are'} set but ${missing.map(describe).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`,
    });
  }

  if (errors.length > 0 || !parsed.success) return errors;
  return assemble(parsed.data, env, host);
}

function moreVerbose(a: LogLevel, b: LogLevel): LogLevel {
  return logLevels.indexOf(a) <= logLevels.indexOf(b) ? a : b;
}

function assemble(raw: RawValues, env: NodeJS.ProcessEnv, host: ConfigHost) {
  const rateLimitPerSecond = raw.kasmRateLimit ?? 100;
  const baseUrl = raw.kasmBaseUrl;
  const apiKey = raw.kasmApiKey;
  const apiSecret = raw.kasmApiSecret;
  const baseLevel = raw.logLevel ?? 'info';
  return {
    kasm: {
      /** Used by resources without spec.connectionRef; absent when no default connection is configured. */
      defaultConnection:
        baseUrl !== undefined && apiKey !== undefined && apiSecret !== undefined
          ? { baseUrl, apiKey: new SecretValue(apiKey), apiSecret: new SecretValue(apiSecret) }
          : undefined,
      caFile: raw.kasmCaFile,
      insecureSkipTlsVerify: raw.kasmInsecureSkipTlsVerify ?? false,
      rateLimitPerSecond,
      rateBurst: raw.kasmRateBurst ?? Math.max(1, Math.ceil(rateLimitPerSecond)),
      maxConcurrent: raw.kasmMaxConcurrent ?? 10,
      timeoutMs: Math.round((raw.kasmTimeoutSeconds ?? 30) * 1000),
    },
    /** Empty means every namespace. */
    watchNamespaces: raw.watchNamespaces ?? [],
    logLevel: raw.debug === true ? moreVerbose(baseLevel, 'debug') : baseLevel,
    health: { host: raw.healthHost ?? '0.0.0.0', port: raw.healthPort ?? 8080 },
    leaderElection: {
      enabled: raw.leaderElect ?? false,
      namespace: raw.leaderElectionNamespace ?? podNamespace(env, host),
      id: raw.leaderElectionId ?? 'kasm-operator',
      identity: raw.podName ?? `${host.hostname()}-${host.randomSuffix()}`,
    },
    pollIntervalMs: raw.pollInterval ?? 60_000,
    workers: raw.workers ?? 4,
    shutdownTimeoutMs: raw.shutdownTimeout ?? 30_000,
  };
}

// POD_NAMESPACE is set on purpose (downward API); the mounted file is the fallback inside a pod.
function podNamespace(env: NodeJS.ProcessEnv, host: ConfigHost): string {
  const fromEnv = env.POD_NAMESPACE?.trim();
  if (fromEnv !== undefined && fromEnv !== '' && namespace.safeParse(fromEnv).success) return fromEnv;
  return host.serviceAccountNamespace() ?? 'default';
}

export type Config = ReturnType<typeof assemble>;

export function isConfigErrors(result: Config | ConfigError[]): result is ConfigError[] {
  return Array.isArray(result);
}

/** The text `--help` prints: every option with its flag, variable and default. */
export function helpText(): string {
  const lines = [
    'kasm-operator: keeps Kasm Workspaces objects equal to kasm.io custom resources.',
    '',
    'Usage: kasm-operator [flags]',
    '',
    'Every option is an environment variable; most are also a flag, and a flag wins over its variable.',
    'Durations are written like 500ms, 30s, 5m or 1h. Booleans are true/false (or 1/0).',
  ];
  let group: Group | undefined;
  for (const key of optionKeys) {
    const spec: OptionSpec = options[key];
    if (spec.group !== group) {
      group = spec.group;
      lines.push('', `${group}${group === 'Kasm default connection' ? ' (all three or none)' : ''}:`);
    }
    const flag = spec.flag === undefined ? '(no flag)' : `--${spec.flag}${spec.placeholder === undefined ? '' : ` ${spec.placeholder}`}`;
    lines.push(`  ${flag.padEnd(44)} env ${spec.env}`, `      ${spec.description}`, `      default: ${spec.defaultText}`);
  }
  lines.push(
    '',
    'Cluster access: in a pod the service account is used; elsewhere KUBECONFIG (or ~/.kube/config) is read by @kubernetes/client-node.',
    '',
    `  ${'--help, -h'.padEnd(44)} print this text and exit`,
    '',
  );
  return lines.join('\n');
}
