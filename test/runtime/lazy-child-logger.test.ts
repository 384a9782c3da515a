import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, lazyChildLogger } from '../../src/runtime/logger.js';

function capture(level: 'info' | 'warn'): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ level, destination }) };
}

describe('lazyChildLogger', () => {
  it('logs with the bindings, as a child would, redaction included', () => {
    const { lines, logger } = capture('info');
    const log = lazyChildLogger(logger, { kind: 'KasmUser', name: 'alice' });
    log.info({ password: 'hunter2-secret' }, 'created');
    log.warn('late');
    expect(lines.map((l) => [l.kind, l.name, l.msg])).toEqual([
      ['KasmUser', 'alice', 'created'],
      ['KasmUser', 'alice', 'late'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('hunter2-secret');
  });

  it('makes no child while nothing is logged at an enabled level', () => {
    const { lines, logger } = capture('warn');
    const child = vi.spyOn(logger, 'child');
    const log = lazyChildLogger(logger, { kind: 'KasmUser', name: 'bob' });
    log.info('filtered');
    log.debug('filtered');
    expect(child).not.toHaveBeenCalled();
    log.error('kept');
    expect(child).toHaveBeenCalledTimes(1);
    log.warn('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => l.msg)).toEqual(['kept', 'again']);
  });
});
