import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
import { startKasmClientFixture } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;
let imageId: string;
let zoneId: string;

beforeAll(async () => {
  fx = await startKasmClientFixture();
  imageId = (await fx.client.images.create({ name: 'kasmweb/desktop:1.16.0', friendlyName: 'Desktop' })).imageId;
  zoneId = (await fx.client.zones.getByName('default')).zoneId;
});

afterAll(async () => {
  await fx.close();
});

describe('staging configs contract', () => {
  it('create → get/list → update → delete → not found', async () => {
    const api = fx.client.stagingConfigs;
    const created = await api.create({ zoneId, imageId, numSessions: 3, expiration: 2.5, allowKasmAudio: false });
    expect(created).toMatchObject({ zoneId, zoneName: 'default', imageId, imageFriendlyName: 'Desktop', numSessions: 3, expiration: 2.5, allowKasmAudio: false });
    expect((await api.get(created.stagingConfigId)).numSessions).toBe(3);
    expect((await api.list()).map((c) => c.stagingConfigId)).toContain(created.stagingConfigId);

    const updated = await api.update(created.stagingConfigId, { numSessions: 5 });
    expect(updated).toMatchObject({ numSessions: 5, expiration: 2.5 });

    await api.delete(created.stagingConfigId);
    await expectKasmError(api.get(created.stagingConfigId), KasmNotFoundError);
    await expectKasmError(api.update(created.stagingConfigId, { numSessions: 1 }), KasmNotFoundError);
    await expectKasmError(api.delete(created.stagingConfigId), KasmNotFoundError);
  });

  it('an unknown zone or image → KasmNotFoundError', async () => {
    const api = fx.client.stagingConfigs;
    await expectKasmError(api.create({ zoneId: 'de'.repeat(16), imageId, numSessions: 1, expiration: 1 }), KasmNotFoundError);
    await expectKasmError(api.create({ zoneId, imageId: 'de'.repeat(16), numSessions: 1, expiration: 1 }), KasmNotFoundError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Staging View']).client;
    await viewer.stagingConfigs.list();
    const error = await expectKasmError(viewer.stagingConfigs.create({ zoneId, imageId, numSessions: 1, expiration: 1 }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Staging Modify']);
    expect(error.message).toContain('Staging Modify');
  });
});
