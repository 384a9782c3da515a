import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmTransportError } from '../../../src/kasm/errors.js';
import type { KasmTransport } from '../../../src/kasm/transport.js';
import { capturedLogger, createUser, getUsers, kasmErrorOf, testTransport } from './transport-fixtures.js';

/** TLS options against a local HTTPS server whose certificate is made at test time with openssl. */

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasOpenssl = opensslAvailable();

interface Pki {
  caPem: string;
  otherCaPem: string;
  keyPem: string;
  certPem: string;
}

/** A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated second CA. */
function makePki(dir: string): Pki {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=kasm-transport-test-ca');
  run('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=unrelated-ca');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { caPem: read('ca.pem'), otherCaPem: read('other.pem'), keyPem: read('server.key'), certPem: read('server.pem') };
}

describe.skipIf(!hasOpenssl)('TLS (skipped: the openssl CLI is needed to make a certificate at test time)', () => {
  let dir: string;
  let pki: Pki;
  let server: Server;
  let baseUrl: string;
  let requests = 0;
  const transports: KasmTransport[] = [];

  function connect(tls: { caPem?: string; insecureSkipVerify?: boolean }, maxAttempts = 1, logger?: Logger): KasmTransport {
    const transport = testTransport({
      baseUrl,
      apiKey: 'TlsKey123456',
      apiSecret: 'TlsSecret-0123456789abcdef',
      tls,
      retry: { maxAttempts },
      logger,
    });
    transports.push(transport);
    return transport;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kasm-tls-'));
    pki = makePki(dir);
    server = createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
      requests += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"users":[{"user_id":"u1","username":"tls@example.com"}]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a certificate from an unknown CA as a TLS failure that cannot have taken effect', async () => {
    const error = await kasmErrorOf(connect({}).call(getUsers, {}));
    expect(error).toBeInstanceOf(KasmTransportError);
    expect((error as KasmTransportError).failure).toBe('tls');
    expect((error as KasmTransportError).mayHaveTakenEffect).toBe(false);
    expect(requests).toBe(0);
  });

  it('rejects it with an unrelated CA too', async () => {
    const error = await kasmErrorOf(connect({ caPem: pki.otherCaPem }).call(getUsers, {}));
    expect((error as KasmTransportError).failure).toBe('tls');
  });

  it('accepts it with the custom CA', async () => {
    const reply = await connect({ caPem: pki.caPem }).call(getUsers, {});
    expect(reply.users[0]?.username).toBe('tls@example.com');
  });

  it('accepts it with insecureSkipVerify', async () => {
    const reply = await connect({ insecureSkipVerify: true }).call(getUsers, {});
    expect(reply.users).toHaveLength(1);
  });

  it('retries a write after a TLS handshake failure (the request never left)', async () => {
    const before = requests;
    const log = capturedLogger();
    const error = await kasmErrorOf(connect({}, 3, log.logger).call(createUser, { target_user: { username: 'x' } }));
    expect((error as KasmTransportError).failure).toBe('tls');
    expect(log.lines.filter((line) => line.includes('Kasm request failed; retrying'))).toHaveLength(2);
    expect(requests).toBe(before);
  });
});
