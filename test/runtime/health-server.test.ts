import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer } from '../../src/runtime/health-server.js';

let server: HealthServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function started(setup: (s: HealthServer, registry: Registry) => void = () => undefined, checkTimeoutMs?: number): Promise<string> {
  const registry = new Registry();
  server = new HealthServer({ registry, ...(checkTimeoutMs === undefined ? {} : { checkTimeoutMs }) });
  setup(server, registry);
  const port = await server.start({ host: '127.0.0.1', port: 0 });
  expect(port).toBeGreaterThan(0);
  return `http://127.0.0.1:${port}`;
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: string; type: string | null }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

describe('HealthServer', () => {
  it('answers ok on /healthz and /readyz when every check passes', async () => {
    const base = await started((s) => {
      s.addHealthCheck('ping', () => undefined);
      s.addReadyCheck('informers-synced', async () => true);
    });
    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, body: 'ok' });
    expect(await get(`${base}/readyz`)).toMatchObject({ status: 200, body: 'ok' });
  });

  it('lists each check with ?verbose', async () => {
    const base = await started((s) => {
      s.addReadyCheck('informers-synced', () => true);
      s.addReadyCheck('kasm-config', () => undefined);
    });
    const { status, body } = await get(`${base}/readyz?verbose`);
    expect(status).toBe(200);
    expect(body).toBe('[+]informers-synced ok\n[+]kasm-config ok\nreadyz check passed\n');
  });

  it('answers 500 and names the failing check and its reason', async () => {
    let synced = false;
    const base = await started((s) => {
      s.addHealthCheck('ping', () => undefined);
      s.addReadyCheck('informers-synced', () => {
        if (!synced) throw new Error('KasmUser cache not synced');
      });
      s.addReadyCheck('flag', () => false);
      s.addReadyCheck('ok', () => true);
    });
    const failing = await get(`${base}/readyz`);
    expect(failing.status).toBe(500);
    expect(failing.body).toContain('[-]informers-synced failed: KasmUser cache not synced');
    expect(failing.body).toContain('[-]flag failed: not ready');
    expect(failing.body).toContain('[+]ok ok');
    expect(failing.body).toMatch(/readyz check failed\n$/);
    // Readiness failing does not make the process unhealthy.
    expect((await get(`${base}/healthz`)).status).toBe(200);
    synced = true;
    expect((await get(`${base}/readyz?exclude=flag`)).status).toBe(200);
    expect((await get(`${base}/readyz/informers-synced`)).status).toBe(200);
    expect((await get(`${base}/readyz/flag`)).status).toBe(500);
    expect((await get(`${base}/readyz/nope`)).status).toBe(404);
  });

  it('fails a check that does not answer in time', async () => {
    const base = await started((s) => s.addHealthCheck('stuck', () => new Promise<void>(() => undefined)), 50);
    const { status, body } = await get(`${base}/healthz`);
    expect(status).toBe(500);
    expect(body).toContain('[-]stuck failed: timed out after 50 ms');
  });

  it('serves the registry on /metrics with the Prometheus content type', async () => {
    const base = await started((_s, registry) => {
      new Counter({ name: 'kasm_test_total', help: 'test counter', registers: [registry] }).inc(3);
    });
    const { status, body, type } = await get(`${base}/metrics`);
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body).toContain('kasm_test_total 3');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const base = await started();
    expect((await get(`${base}/`)).status).toBe(404);
    expect((await get(`${base}/healthzz`)).status).toBe(404);
    expect((await get(`${base}/metrics/x`)).status).toBe(404);
    expect((await get(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('rejects duplicate and malformed check names', async () => {
    const s = new HealthServer({ registry: new Registry() });
    s.addHealthCheck('ping', () => undefined);
    expect(() => s.addHealthCheck('ping', () => undefined)).toThrow(/already registered/);
    expect(() => s.addReadyCheck('bad name', () => undefined)).toThrow(/letters, digits/);
    // The same name may exist once per set.
    expect(() => s.addReadyCheck('ping', () => undefined)).not.toThrow();
  });

  it('stops accepting connections after close', async () => {
    const base = await started();
    await server?.close();
    server = undefined;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
