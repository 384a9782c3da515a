import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { helpText, isConfigErrors, parseConfig, parseDuration, wantsHelp, type Config, type ConfigError, type ConfigHost } from '../src/config.js';

const host: ConfigHost = {
  serviceAccountNamespace: () => undefined,
  hostname: () => 'node-1',
  randomSuffix: () => 'abc123',
};

const connection = { KASM_BASE_URL: 'https://kasm.example.com', KASM_API_KEY: 'key-1', KASM_API_SECRET: 'very-secret-value' };

function ok(argv: string[], env: NodeJS.ProcessEnv, withHost: ConfigHost = host): Config {
  const result = parseConfig(argv, env, withHost);
  if (isConfigErrors(result)) throw new Error(`unexpected errors: ${result.map((e) => e.message).join('; ')}`);
  return result;
}

function errors(argv: string[], env: NodeJS.ProcessEnv): ConfigError[] {
  const result = parseConfig(argv, env, host);
  if (!isConfigErrors(result)) throw new Error('expected configuration errors');
  return result;
}

describe('parseConfig defaults', () => {
  it('runs with no settings at all', () => {
    const config = ok([], {});
    expect(config).toEqual({
      kasm: {
        defaultConnection: undefined,
        caFile: undefined,
        insecureSkipTlsVerify: false,
        rateLimitPerSecond: 100,
        rateBurst: 100,
        maxConcurrent: 10,
        timeoutMs: 30_000,
      },
      watchNamespaces: [],
      logLevel: 'info',
      health: { host: '0.0.0.0', port: 8080 },
      leaderElection: { enabled: false, namespace: 'default', id: 'kasm-operator', identity: 'node-1-abc123' },
      pollIntervalMs: 60_000,
      workers: 4,
      shutdownTimeoutMs: 30_000,
    });
  });

  it('takes the lease namespace from POD_NAMESPACE, else the service account file', () => {
    const inPod: ConfigHost = { ...host, serviceAccountNamespace: () => 'kasm-system' };
    expect(ok([], {}, inPod).leaderElection.namespace).toBe('kasm-system');
    expect(ok([], { POD_NAMESPACE: 'ops' }, inPod).leaderElection.namespace).toBe('ops');
    expect(ok([], { POD_NAMESPACE: 'ops', LEADER_ELECTION_NAMESPACE: 'leases' }, inPod).leaderElection.namespace).toBe('leases');
  });

  it('treats an empty variable as unset', () => {
    expect(ok([], { KASM_RATE_LIMIT: '', KASM_BASE_URL: '' }).kasm.rateLimitPerSecond).toBe(100);
  });
});

describe('parseConfig reads every option', () => {
  const env: NodeJS.ProcessEnv = {
    ...connection,
    KASM_CA_FILE: '/etc/kasm/ca.pem',
    KASM_INSECURE_SKIP_TLS_VERIFY: 'true',
    KASM_RATE_LIMIT: '2.5',
    KASM_RATE_BURST: '7',
    KASM_MAX_CONCURRENT: '3',
    KASM_TIMEOUT_SECONDS: '12.5',
    WATCH_NAMESPACES: ' team-a, team-b,,team-a ',
    LOG_LEVEL: 'warn',
    HEALTH_PORT: '9090',
    HEALTH_HOST: '127.0.0.1',
    LEADER_ELECT: '1',
    LEADER_ELECTION_NAMESPACE: 'kasm-system',
    LEADER_ELECTION_ID: 'kasm-operator.kasm.io',
    POD_NAME: 'kasm-operator-7d9f-x2',
    POLL_INTERVAL: '5m',
    WORKERS: '8',
    SHUTDOWN_TIMEOUT: '1m30s',
  };

  it('from the environment', () => {
    const config = ok([], env);
    expect(config.kasm.defaultConnection?.baseUrl).toBe('https://kasm.example.com');
    expect(config.kasm.defaultConnection?.apiKey.reveal()).toBe('key-1');
    expect(config.kasm.defaultConnection?.apiSecret.reveal()).toBe('very-secret-value');
    expect(config.kasm).toMatchObject({
      caFile: '/etc/kasm/ca.pem',
      insecureSkipTlsVerify: true,
      rateLimitPerSecond: 2.5,
      rateBurst: 7,
      maxConcurrent: 3,
      timeoutMs: 12_500,
    });
    expect(config.watchNamespaces).toEqual(['team-a', 'team-b']);
    expect(config.logLevel).toBe('warn');
    expect(config.health).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.leaderElection).toEqual({ enabled: true, namespace: 'kasm-system', id: 'kasm-operator.kasm.io', identity: 'kasm-operator-7d9f-x2' });
    expect(config.pollIntervalMs).toBe(300_000);
    expect(config.workers).toBe(8);
    expect(config.shutdownTimeoutMs).toBe(90_000);
  });

  it('from flags, which override the environment', () => {
    const config = ok(
      [
        '--kasm-base-url=https://other.example.com',
        '--kasm-api-key',
        'key-2',
        '--kasm-ca-file=/ca2.pem',
        '--kasm-insecure-skip-tls-verify=false',
        '--kasm-rate-limit=20',
        '--kasm-rate-burst=40',
        '--kasm-max-concurrent',
        '5',
        '--kasm-timeout-seconds=2',
        '--watch-namespaces=x',
        '--log-level=error',
        '--health-port=0',
        '--health-host=::1',
        '--leader-elect=false',
        '--leader-election-namespace=other',
        '--leader-election-id=lease-2',
        '--pod-name=me',
        '--poll-interval=30s',
        '--workers=1',
        '--shutdown-timeout=500ms',
      ],
      env,
    );
    expect(config.kasm.defaultConnection?.baseUrl).toBe('https://other.example.com');
    expect(config.kasm.defaultConnection?.apiKey.reveal()).toBe('key-2');
    expect(config.kasm).toMatchObject({ caFile: '/ca2.pem', insecureSkipTlsVerify: false, rateLimitPerSecond: 20, rateBurst: 40, maxConcurrent: 5, timeoutMs: 2_000 });
    expect(config.watchNamespaces).toEqual(['x']);
    expect(config.logLevel).toBe('error');
    expect(config.health).toEqual({ host: '::1', port: 0 });
    expect(config.leaderElection).toEqual({ enabled: false, namespace: 'other', id: 'lease-2', identity: 'me' });
    expect(config.pollIntervalMs).toBe(30_000);
    expect(config.workers).toBe(1);
    expect(config.shutdownTimeoutMs).toBe(500);
  });

  it('accepts boolean flags on their own', () => {
    expect(ok(['--leader-elect', '--kasm-insecure-skip-tls-verify'], {})).toMatchObject({ leaderElection: { enabled: true }, kasm: { insecureSkipTlsVerify: true } });
  });

  it('defaults the burst to the rate limit rounded up', () => {
    expect(ok([], { KASM_RATE_LIMIT: '7.2' }).kasm.rateBurst).toBe(8);
  });

  it('lowers the level to debug with KASM_DEBUG=1 or --debug, but keeps trace', () => {
    expect(ok([], { KASM_DEBUG: '1' }).logLevel).toBe('debug');
    expect(ok([], { KASM_DEBUG: '1', LOG_LEVEL: 'error' }).logLevel).toBe('debug');
    expect(ok([], { KASM_DEBUG: '1', LOG_LEVEL: 'trace' }).logLevel).toBe('trace');
    expect(ok([], { KASM_DEBUG: '0' }).logLevel).toBe('info');
    expect(ok(['--debug'], {}).logLevel).toBe('debug');
    expect(ok(['--debug=false'], { KASM_DEBUG: '1' }).logLevel).toBe('info');
  });
});

describe('parseConfig errors', () => {
  const bad: [env: string, value: string, expected: string][] = [
    ['KASM_BASE_URL', 'ftp://kasm', 'KASM_BASE_URL must be an http or https URL like https://kasm.example.com (got "ftp://kasm")'],
    ['KASM_INSECURE_SKIP_TLS_VERIFY', 'maybe', 'KASM_INSECURE_SKIP_TLS_VERIFY must be true or false (got "maybe")'],
    ['KASM_RATE_LIMIT', 'fast', 'KASM_RATE_LIMIT must be a number of requests per second greater than 0, like 100 (got "fast")'],
    ['KASM_RATE_LIMIT', '0', 'KASM_RATE_LIMIT must be a number of requests per second greater than 0, like 100 (got "0")'],
    ['KASM_RATE_BURST', '1.5', 'KASM_RATE_BURST must be a whole number of requests of at least 1, like 100 (got "1.5")'],
    ['KASM_MAX_CONCURRENT', '0', 'KASM_MAX_CONCURRENT must be a whole number of at least 1, like 10 (got "0")'],
    ['KASM_TIMEOUT_SECONDS', '30s', 'KASM_TIMEOUT_SECONDS must be a number of seconds greater than 0, like 30 (got "30s")'],
    ['WATCH_NAMESPACES', 'team-a,Team_B', 'WATCH_NAMESPACES must be comma-separated namespace names (lowercase letters, digits and -), like team-a,team-b (got "team-a,Team_B")'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal (got "verbose")'],
    ['KASM_DEBUG', 'please', 'KASM_DEBUG must be true or false (or 1 or 0) (got "please")'],
    ['HEALTH_PORT', '70000', 'HEALTH_PORT must be a port number from 0 to 65535 (got "70000")'],
    ['HEALTH_HOST', '   ', 'HEALTH_HOST must be a host name or IP address (got "   ")'],
    ['LEADER_ELECT', 'sometimes', 'LEADER_ELECT must be true or false (got "sometimes")'],
    ['LEADER_ELECTION_NAMESPACE', 'Kasm', 'LEADER_ELECTION_NAMESPACE must be a namespace name (lowercase letters, digits and -) (got "Kasm")'],
    ['LEADER_ELECTION_ID', 'kasm operator', 'LEADER_ELECTION_ID must be a Kubernetes object name (lowercase letters, digits, - and .) (got "kasm operator")'],
    ['POD_NAME', ' ', 'POD_NAME must be a non-empty string (got " ")'],
    ['POLL_INTERVAL', '5 minutes', 'POLL_INTERVAL must be a duration like 30s, 5m or 1h (got "5 minutes")'],
    ['POLL_INTERVAL', '0s', 'POLL_INTERVAL must be a duration like 30s, 5m or 1h (got "0s")'],
    ['WORKERS', 'four', 'WORKERS must be a whole number of at least 1, like 4 (got "four")'],
    ['SHUTDOWN_TIMEOUT', '30', 'SHUTDOWN_TIMEOUT must be a duration like 500ms, 30s or 1m (got "30")'],
  ];

  it.each(bad)('%s=%j gives one message naming it and the accepted form', (name, value, expected) => {
    const env = name === 'KASM_BASE_URL' ? { ...connection, [name]: value } : { [name]: value };
    expect(errors([], env)).toEqual([{ option: name, message: expected }]);
  });

  it('names the flag when the bad value came from a flag', () => {
    expect(errors(['--workers=0'], { WORKERS: '2' })).toEqual([{ option: 'WORKERS', message: '--workers must be a whole number of at least 1, like 4 (got "0")' }]);
  });

  it('reports every bad value at once', () => {
    const found = errors(['--log-level', 'loud'], { WORKERS: 'x', HEALTH_PORT: '-1', POLL_INTERVAL: '1d' });
    expect(found.map((e) => e.option).sort()).toEqual(['HEALTH_PORT', 'LOG_LEVEL', 'POLL_INTERVAL', 'WORKERS']);
  });

  it('needs the default connection complete or absent, naming what is missing', () => {
    expect(errors([], { KASM_BASE_URL: 'https://kasm.example.com' })).toEqual([
      {
        option: 'KASM_API_KEY',
        message:
          'the default Kasm connection needs KASM_BASE_URL, KASM_API_KEY and KASM_API_SECRET together (or none, with a KasmConnection per namespace); ' +
          'KASM_BASE_URL (--kasm-base-url) is set but KASM_API_KEY (--kasm-api-key) and KASM_API_SECRET are missing',
      },
    ]);
    const [onlySecretMissing] = errors(['--kasm-api-key=k'], { KASM_BASE_URL: 'https://kasm.example.com' });
    expect(onlySecretMissing?.option).toBe('KASM_API_SECRET');
    expect(onlySecretMissing?.message).toMatch(/are set but KASM_API_SECRET is missing$/);
  });

  it('never echoes the API key or secret in a message', () => {
    const found = errors(['--kasm-api-secret=leaked-secret'], { KASM_BASE_URL: 'https://k.example.com', KASM_API_KEY: 'leaked-key' });
    const text = found.map((e) => e.message).join('\n');
    expect(text).not.toContain('leaked-secret');
    expect(text).not.toContain('leaked-key');
    expect(found.map((e) => e.message)).toContain('unknown flag --kasm-api-secret: set it through the environment variable KASM_API_SECRET');
  });

  it('rejects unknown flags, stray arguments and value flags without a value', () => {
    expect(errors(['--verbose'], {})).toEqual([{ option: '--verbose', message: 'unknown flag --verbose: see --help for the flags' }]);
    expect(errors(['run'], {})[0]?.message).toMatch(/^unexpected argument "run"/);
    expect(errors(['--workers'], {})).toEqual([{ option: 'WORKERS', message: '--workers needs a value: a whole number of at least 1, like 4' }]);
    expect(errors(['--workers', '--debug'], {})[0]?.option).toBe('WORKERS');
  });
});

describe('secrets in the configuration', () => {
  it('never print through String, JSON or util.inspect', () => {
    const config = ok([], connection);
    const secret = config.kasm.defaultConnection?.apiSecret;
    expect(String(secret)).toBe('[REDACTED]');
    expect(`${String(secret)}`).not.toContain('very-secret-value');
    expect(JSON.stringify(config)).not.toContain('very-secret-value');
    expect(inspect(config, { depth: 10 })).not.toContain('very-secret-value');
    expect(JSON.stringify(config)).not.toContain('key-1');
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m, h and combinations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    for (const bad of ['', '30', 's', '5 m', '1d', '-1s', '1m-']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});

describe('help', () => {
  it('lists every option with its variable, flag and default', () => {
    const text = helpText();
    const rows: [env: string, flag: string | undefined, defaultText: string][] = [
      ['KASM_BASE_URL', '--kasm-base-url <url>', 'none'],
      ['KASM_API_KEY', '--kasm-api-key <key>', 'none'],
      ['KASM_API_SECRET', undefined, 'none'],
      ['KASM_CA_FILE', '--kasm-ca-file <path>', 'none'],
      ['KASM_INSECURE_SKIP_TLS_VERIFY', '--kasm-insecure-skip-tls-verify', 'false'],
      ['KASM_RATE_LIMIT', '--kasm-rate-limit <per-second>', '100'],
      ['KASM_RATE_BURST', '--kasm-rate-burst <count>', 'the rate limit, rounded up'],
      ['KASM_MAX_CONCURRENT', '--kasm-max-concurrent <count>', '10'],
      ['KASM_TIMEOUT_SECONDS', '--kasm-timeout-seconds <seconds>', '30'],
      ['WATCH_NAMESPACES', '--watch-namespaces <ns,...>', 'all namespaces'],
      ['LOG_LEVEL', '--log-level <level>', 'info'],
      ['KASM_DEBUG', '--debug', 'false'],
      ['HEALTH_PORT', '--health-port <port>', '8080'],
      ['HEALTH_HOST', '--health-host <address>', '0.0.0.0'],
      ['LEADER_ELECT', '--leader-elect', 'false'],
      ['LEADER_ELECTION_NAMESPACE', '--leader-election-namespace <namespace>', "POD_NAMESPACE, else the pod's service account namespace, else default"],
      ['LEADER_ELECTION_ID', '--leader-election-id <name>', 'kasm-operator'],
      ['POD_NAME', '--pod-name <name>', 'host name plus a random suffix'],
      ['POLL_INTERVAL', '--poll-interval <duration>', '1m'],
      ['WORKERS', '--workers <count>', '4'],
      ['SHUTDOWN_TIMEOUT', '--shutdown-timeout <duration>', '30s'],
    ];
    const lines = text.split('\n');
    for (const [env, flag, defaultText] of rows) {
      const at = lines.findIndex((line) => line.endsWith(`env ${env}`));
      expect(at, env).toBeGreaterThanOrEqual(0);
      expect(lines[at]?.trim().startsWith(flag ?? '(no flag)'), env).toBe(true);
      expect(lines[at + 2]?.trim(), env).toBe(`default: ${defaultText}`);
    }
    expect(text).toContain('KUBECONFIG');
    expect(text).toContain('--help');
  });

  it('is asked for with --help or -h, whatever else is wrong', () => {
    expect(wantsHelp(['--workers=x', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--debug'])).toBe(false);
    expect(isConfigErrors(parseConfig(['--help'], {}, host))).toBe(false);
  });
});
