import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { collectSecretValues, kasmRedactOptions, kasmRedactPaths, scrubSecrets } from '../../../src/kasm/redaction.js';

describe('scrubSecrets', () => {
  it('replaces every occurrence, including JSON-escaped and URL-encoded forms', () => {
    const secret = 'p@ss "word"/x';
    const text = `raw ${secret}; json ${JSON.stringify(secret)}; url ${encodeURIComponent(secret)}; again ${secret}`;
    const scrubbed = scrubSecrets(text, [secret]);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(scrubbed).not.toContain(encodeURIComponent(secret));
    expect(scrubbed.match(/\[REDACTED\]/g)?.length).toBe(4);
  });

  it('prefers the longer secret when one contains another', () => {
    expect(scrubSecrets('abcdefgh', ['abcd', 'abcdefgh'])).toBe('[REDACTED]');
  });

  it('leaves text alone without secrets and ignores very short values', () => {
    expect(scrubSecrets('nothing here', [])).toBe('nothing here');
    expect(scrubSecrets('a true story', ['a', 'tru'])).toBe('a true story');
  });
});

describe('collectSecretValues', () => {
  it('finds string values under password/secret/token/key-like keys at any depth', () => {
    const payload = {
      target_user: { username: 'alice', password: 'hunter22!', first_name: 'Al' },
      registry: { docker_token: 'tok-123456' },
      items: [{ client_secret: 'cs-abcdef' }],
      activation_key: 'ACT-0000-1111',
      count: 3,
    };
    expect(collectSecretValues(payload).sort()).toEqual(['ACT-0000-1111', 'cs-abcdef', 'hunter22!', 'tok-123456']);
  });
});

describe('kasmRedactPaths with pino', () => {
  it('censors credentials and tokens at the top level and nested', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = pino({ redact: kasmRedactOptions }, stream);
    logger.info(
      {
        api_key: 'KEY-111111',
        body: { api_key_secret: 'SEC-222222', target_user: { password: 'PW-333333' } },
        session_token: 'TOK-444444',
        reply: { kasm_url: '/#/connect/kasm/a/b/TOK-555555', url: 'https://k/#/login/u/TOK-666666' },
        headers: { authorization: 'Basic QUJDREVGRw==' },
        activation_key: 'ACT-777777',
        registry: { docker_token: 'DT-888888' },
        username: 'alice',
      },
      'call',
    );
    const out = lines.join('');
    for (const secret of ['KEY-111111', 'SEC-222222', 'PW-333333', 'TOK-444444', 'TOK-555555', 'TOK-666666', 'QUJDREVGRw', 'ACT-777777', 'DT-888888']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('alice');
    expect(out).toContain('[REDACTED]');
    expect(kasmRedactPaths).toContain('api_key');
    expect(kasmRedactPaths).toContain('*.password');
  });
});
