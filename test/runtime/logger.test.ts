import { describe, expect, it } from 'vitest';
import { SecretValue } from '../../src/config.js';
import { createLogger, newReconcileId, reconcileLogger, type LoggerOptions } from '../../src/runtime/logger.js';

function capture(options: Omit<LoggerOptions, 'destination'> = { level: 'info' }) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (line: string) => void lines.push(line) } });
  const records = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level name, time, base fields and message', () => {
    const { logger, lines, records } = capture({ level: 'info', base: { component: 'kasm-operator' } });
    logger.info({ queue: 'kasmuser' }, 'started');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const [record] = records();
    expect(record).toMatchObject({ level: 'info', component: 'kasm-operator', queue: 'kasmuser', msg: 'started' });
    expect(Date.parse(String(record?.time))).not.toBeNaN();
  });

  it('honours the configured level', () => {
    const { logger, records } = capture({ level: 'warn' });
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(records().map((r) => r.msg)).toEqual(['shown']);
  });

  it('redacts passwords, tokens and API secrets in logged objects', () => {
    const { logger, lines } = capture({ level: 'trace' });
    const secrets = ['hunter2-password', 'tok-abc123', 'api-secret-xyz', 'api-key-123', 'Bearer zzz', 'nested-pass', 'deeper-token'];
    logger.info(
      {
        password: secrets[0],
        token: secrets[1],
        api_key_secret: secrets[2],
        api_key: secrets[3],
        headers: { authorization: secrets[4] },
        request: { target_user: { password: secrets[5] } },
        reply: { session: { token: secrets[6] } },
        username: 'alice',
      },
      'request sent',
    );
    logger.info({ config: { apiSecret: new SecretValue('from-config-secret') } }, 'config');
    const output = lines.join('');
    for (const secret of [...secrets, 'from-config-secret']) expect(output).not.toContain(secret);
    expect(output).toContain('[REDACTED]');
    expect(output).toContain('alice');
  });

  it('gives each reconcile a child logger carrying kind, namespace, name and reconcile id', () => {
    const { logger, records } = capture();
    const reconcileId = newReconcileId();
    reconcileLogger(logger, { kind: 'KasmUser', namespace: 'team-a', name: 'alice', reconcileId }).info({ decision: 'create' }, 'creating Kasm user');
    expect(records()[0]).toMatchObject({ kind: 'KasmUser', namespace: 'team-a', name: 'alice', reconcileId, decision: 'create' });
    expect(reconcileId).toMatch(/^[0-9a-f]{12}$/);
    expect(newReconcileId()).not.toBe(reconcileId);
  });
});
