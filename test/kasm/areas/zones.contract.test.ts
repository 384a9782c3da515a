import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
import { startKasmClientFixture } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;

beforeAll(async () => {
  fx = await startKasmClientFixture();
});

afterAll(async () => {
  await fx.close();
});

describe('zones contract', () => {
  it('lists the seeded default zone; get and getByName find it', async () => {
    const { zones } = fx.client;
    const all = await zones.list();
    const zone = all.find((z) => z.zoneName === 'default');
    expect(zone?.zoneId).toMatch(/^[0-9a-f]{32}$/);
    expect(zone?.proxyPort).toEqual(expect.any(Number));
    expect((await zones.list({ brief: true })).map((z) => z.zoneId)).toContain(zone?.zoneId);
    expect((await zones.getByName('default')).zoneId).toBe(zone?.zoneId);
    expect((await zones.get(zone?.zoneId ?? '')).zoneName).toBe('default');
    await expectKasmError(zones.getByName('nowhere'), KasmNotFoundError);
    await expectKasmError(zones.get('9a'.repeat(16)), KasmNotFoundError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const error = await expectKasmError(fx.clientWithPermissions(['Users View']).client.zones.list(), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['System View']);
    expect(error.message).toContain('System View');
  });
});
