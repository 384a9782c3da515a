import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKasmSimulator } from './index.js';
import type { KasmSimulator } from './index.js';
import { callSim, field, text } from './test-requests.js';

let sim: KasmSimulator;

beforeAll(async () => {
  sim = await startKasmSimulator({ sessionStartMs: 0 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.faults.clear();
  sim.calls.reset();
});

describe('transport rules', () => {
  it('answers a GET with an HTML 500 page', async () => {
    const reply = await callSim(sim, 'get_users', {}, { method: 'GET' });
    expect(reply.status).toBe(500);
    expect(reply.contentType).toMatch(/^text\/html/);
    expect(reply.text).toContain('<html>');
  });

  it('answers a body that is not JSON, or not an object, with an HTML 500 page', async () => {
    for (const rawBody of ['{not json', '[1,2]', '']) {
      const reply = await callSim(sim, 'get_users', {}, { rawBody });
      expect(reply.status, rawBody).toBe(500);
      expect(reply.contentType).toMatch(/^text\/html/);
    }
  });

  it('answers an unknown verb with 404', async () => {
    const reply = await callSim(sim, 'no_such_verb');
    expect(reply.status).toBe(404);
  });

  it('serves public verbs under /api/public and admin verbs under /api/admin only', async () => {
    expect((await callSim(sim, 'get_users', {}, { area: 'admin' })).status).toBe(404);
    const group = { target_group: { group_id: '68d557ac4cac42cca9f31c7c853de0f3' } };
    expect((await callSim(sim, 'get_settings_group', group, { area: 'public' })).status).toBe(404);
    expect((await callSim(sim, 'get_settings_group', group, { area: 'admin' })).status).toBe(200);
  });
});

describe('authentication and permissions', () => {
  it('refuses missing or wrong credentials with 401 and a JSON error_message', async () => {
    const missing = await callSim(sim, 'get_users', {}, { key: null });
    expect(missing.status).toBe(401);
    expect(missing.contentType).toMatch(/application\/json/);
    expect(text(missing.body, 'error_message')).toMatch(/Unauthorized/);

    const wrong = await callSim(sim, 'get_users', {}, { key: { apiKey: sim.adminKey.apiKey, apiSecret: 'x'.repeat(32) } });
    expect(wrong.status).toBe(401);
  });

  it('does not accept the secret under another field name', async () => {
    const reply = await callSim(sim, 'get_users', {}, {
      rawBody: JSON.stringify({ api_key: sim.adminKey.apiKey, api_secret: sim.adminKey.apiSecret }),
    });
    expect(reply.status).toBe(401);
  });

  it('mints keys shaped like Kasm keys', () => {
    const key = sim.createApiKey({ permissions: ['Users View'] });
    expect(key.apiKey).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(key.apiSecret).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('rejects unknown permission names when minting a key', () => {
    expect(() => sim.createApiKey({ permissions: ['Users Vew'] })).toThrow(/unknown permission "Users Vew"/);
  });

  it('answers 403 Unauthorized when the key lacks a permission the endpoint needs', async () => {
    const viewer = sim.createApiKey({ permissions: ['Users View'] });
    expect((await callSim(sim, 'get_users', {}, { key: viewer })).status).toBe(200);
    const denied = await callSim(sim, 'get_groups', {}, { key: viewer });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error_message: 'Unauthorized' });
    const none = sim.createApiKey({ permissions: [] });
    expect((await callSim(sim, 'get_users', {}, { key: none })).status).toBe(403);
  });

  it('needs every listed permission (delete_user: Users Delete and Users Modify)', async () => {
    const partial = sim.createApiKey({ permissions: ['Users Delete'] });
    const reply = await callSim(sim, 'delete_user', { target_user: { user_id: '00000000000000000000000000000001' } }, { key: partial });
    expect(reply.status).toBe(403);
  });

  it('blocks writes for a read-only key even when it holds the permission', async () => {
    const readOnly = sim.createApiKey({ permissions: ['Users View', 'Users Create'], readOnly: true });
    expect((await callSim(sim, 'get_users', {}, { key: readOnly })).status).toBe(200);
    const reply = await callSim(sim, 'create_user', { target_user: { username: 'ro@example.com' } }, { key: readOnly });
    expect(reply.status).toBe(403);
    expect(sim.state.findUserByUsername('ro@example.com')).toBeUndefined();
  });

  it('grants everything to a Global Admin key', async () => {
    const admin = sim.createApiKey({ permissions: ['Global Admin'] });
    expect((await callSim(sim, 'get_groups', {}, { key: admin })).status).toBe(200);
  });

  it('refuses a key after its expiry on the simulator clock', async () => {
    const key = sim.createApiKey({ permissions: ['Users View'] });
    const record = sim.state.apiKeys.get(key.apiKey);
    if (record === undefined) throw new Error('key not stored');
    record.expiresAt = sim.clock.now() + 60_000;
    expect((await callSim(sim, 'get_users', {}, { key })).status).toBe(200);
    sim.clock.advance(60_000);
    expect((await callSim(sim, 'get_users', {}, { key })).status).toBe(401);
  });
});

describe('fault injection', () => {
  it('json500 answers 500 with a JSON error_message', async () => {
    sim.faults.failEndpoint('get_users', { mode: 'json500' });
    const reply = await callSim(sim, 'get_users');
    expect(reply.status).toBe(500);
    expect(reply.contentType).toMatch(/application\/json/);
    expect(typeof field(reply.body, 'error_message')).toBe('string');
  });

  it('html500, 502 and 503 answer HTML pages with their status', async () => {
    for (const [mode, status] of [['html500', 500], ['502', 502], ['503', 503]] as const) {
      sim.faults.clear();
      sim.faults.failEndpoint('get_users', { mode });
      const reply = await callSim(sim, 'get_users');
      expect(reply.status, mode).toBe(status);
      expect(reply.contentType, mode).toMatch(/^text\/html/);
    }
  });

  it('only fails the named verb, and "*" fails every verb', async () => {
    sim.faults.failEndpoint('get_groups', { mode: 'html500' });
    expect((await callSim(sim, 'get_users')).status).toBe(200);
    expect((await callSim(sim, 'get_groups')).status).toBe(500);
    sim.faults.clear();
    sim.faults.failEndpoint('*', { mode: '502' });
    expect((await callSim(sim, 'get_users')).status).toBe(502);
    expect((await callSim(sim, 'get_zones')).status).toBe(502);
  });

  it('stops after `times` failures', async () => {
    sim.faults.failEndpoint('get_users', { mode: '503', times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await callSim(sim, 'get_users')).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('never fires at rate 0', async () => {
    sim.faults.failEndpoint('get_users', { mode: 'html500', rate: 0 });
    for (let i = 0; i < 5; i += 1) expect((await callSim(sim, 'get_users')).status).toBe(200);
  });

  it('fails before touching state by default, after processing when asked', async () => {
    sim.faults.failEndpoint('create_user', { mode: 'json500', times: 1 });
    expect((await callSim(sim, 'create_user', { target_user: { username: 'before@example.com' } })).status).toBe(500);
    expect(sim.state.findUserByUsername('before@example.com')).toBeUndefined();

    sim.faults.failEndpoint('create_user', { mode: 'json500', times: 1, afterProcessing: true });
    expect((await callSim(sim, 'create_user', { target_user: { username: 'after@example.com' } })).status).toBe(500);
    expect(sim.state.findUserByUsername('after@example.com')).toBeDefined();
  });

  it('503 never touches state, even with afterProcessing', async () => {
    sim.faults.failEndpoint('create_user', { mode: '503', times: 1, afterProcessing: true });
    expect((await callSim(sim, 'create_user', { target_user: { username: 'unavailable@example.com' } })).status).toBe(503);
    expect(sim.state.findUserByUsername('unavailable@example.com')).toBeUndefined();
  });

  it('reset drops the connection without a response', async () => {
    sim.faults.failEndpoint('get_users', { mode: 'reset', times: 1 });
    await expect(callSim(sim, 'get_users')).rejects.toThrow();
    expect(sim.calls.log().at(-1)).toMatchObject({ endpoint: 'get_users', status: 0 });
    expect((await callSim(sim, 'get_users')).status).toBe(200);
  });

  it('reset after processing keeps the write', async () => {
    sim.faults.failEndpoint('create_group', { mode: 'reset', times: 1, afterProcessing: true });
    await expect(callSim(sim, 'create_group', { target_group: { name: 'Reset Group' } })).rejects.toThrow();
    expect(sim.state.findGroupByName('Reset Group')).toBeDefined();
  });

  it('hang never answers until the client gives up', async () => {
    sim.faults.failEndpoint('get_users', { mode: 'hang', times: 1 });
    await expect(callSim(sim, 'get_users', {}, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(sim.calls.log().at(-1)).toMatchObject({ endpoint: 'get_users', status: 0 });
    expect((await callSim(sim, 'get_users')).status).toBe(200);
  });

  it('adds latency to every reply', async () => {
    sim.faults.setLatency({ minMs: 150, maxMs: 200 });
    const started = performance.now();
    expect((await callSim(sim, 'get_users')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('rejects bad fault settings with a message naming the field', () => {
    expect(() => sim.faults.failEndpoint('get_users', { mode: 'html500', rate: 2 })).toThrow(/rate/);
    expect(() => sim.faults.setLatency({ minMs: 10, maxMs: 5 })).toThrow(/minMs <= maxMs/);
    expect(() => sim.faults.setRateLimit(0)).toThrow(/requestsPerSecond/);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After and JSON once the bucket is empty, and refills on the clock', async () => {
    sim.faults.setRateLimit(0.01, { burst: 2, retryAfterSeconds: 3 });
    expect((await callSim(sim, 'get_users')).status).toBe(200);
    expect((await callSim(sim, 'get_users')).status).toBe(200);
    const limited = await callSim(sim, 'get_users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toEqual({ error_message: 'Too Many Requests' });
    sim.clock.advance(100_000);
    expect((await callSim(sim, 'get_users')).status).toBe(200);
    sim.faults.setRateLimit(null);
    for (let i = 0; i < 5; i += 1) expect((await callSim(sim, 'get_users')).status).toBe(200);
  });

  it('defaults Retry-After to 1 second', async () => {
    sim.faults.setRateLimit(0.01, { burst: 1 });
    await callSim(sim, 'get_users');
    const limited = await callSim(sim, 'get_users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
  });
});

describe('call log', () => {
  it('counts every request per verb, failed and rate-limited ones included', async () => {
    sim.faults.failEndpoint('get_groups', { mode: 'html500', times: 1 });
    await callSim(sim, 'get_groups');
    await callSim(sim, 'get_groups');
    await callSim(sim, 'get_users', {}, { key: null });
    expect(sim.calls.count('get_groups')).toBe(2);
    expect(sim.calls.count('get_users')).toBe(1);
    expect(sim.calls.count('create_user')).toBe(0);
    expect(sim.calls.count()).toBe(3);
    const log = sim.calls.log();
    expect(log.map((entry) => [entry.endpoint, entry.status])).toEqual([
      ['get_groups', 500],
      ['get_groups', 200],
      ['get_users', 401],
    ]);
    const first = log[0];
    if (first === undefined) throw new Error('empty log');
    expect(Math.abs(first.at - Date.now())).toBeLessThan(60_000);
    sim.calls.reset();
    expect(sim.calls.count()).toBe(0);
    expect(sim.calls.log()).toEqual([]);
  });
});

describe('goDown and comeBack', () => {
  it('refuses connections while down, keeps state and port, and serves again', async () => {
    const url = sim.url;
    await callSim(sim, 'create_user', { target_user: { username: 'survivor@example.com' } });
    await sim.goDown();
    await expect(callSim(sim, 'get_users')).rejects.toThrow();
    await sim.comeBack();
    expect(sim.url).toBe(url);
    const reply = await callSim(sim, 'get_user', { target_user: { username: 'survivor@example.com' } });
    expect(text(reply.body, 'user.username')).toBe('survivor@example.com');
  });

  it('drops a hanging request when it goes down', async () => {
    sim.faults.failEndpoint('get_users', { mode: 'hang', times: 1 });
    const pending = callSim(sim, 'get_users');
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const check = (): void => {
        if (sim.calls.count('get_users') > 0) resolve();
        else if (Date.now() > deadline) reject(new Error('request never arrived'));
        else setTimeout(check, 10);
      };
      check();
    });
    await sim.goDown();
    await expect(pending).rejects.toThrow();
    await sim.comeBack();
  });
});
