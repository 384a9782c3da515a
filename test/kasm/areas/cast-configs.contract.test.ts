import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmConflictError, KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
import { startKasmClientFixture } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;
let imageId: string;

beforeAll(async () => {
  fx = await startKasmClientFixture();
  imageId = (await fx.client.images.create({ name: 'kasmweb/chrome:1.16.0', friendlyName: 'Chrome' })).imageId;
});

afterAll(async () => {
  await fx.close();
});

describe('cast configs contract', () => {
  it('create → get/list/getByKey → update → delete → not found', async () => {
    const api = fx.client.castConfigs;
    const validUntil = new Date('2031-06-30T12:00:00Z');
    const created = await api.create({
      castingConfigName: 'Public demo',
      key: 'public-demo',
      imageId,
      allowAnonymous: true,
      allowedReferrers: ['example.com'],
      limitSessions: true,
      sessionRemaining: 10,
      validUntil,
    });
    expect(created).toMatchObject({
      castingConfigName: 'Public demo',
      key: 'public-demo',
      imageId,
      imageFriendlyName: 'Chrome',
      allowAnonymous: true,
      allowedReferrers: ['example.com'],
      sessionRemaining: 10,
      validUntil,
    });
    expect((await api.get(created.castConfigId)).key).toBe('public-demo');
    expect((await api.list()).map((c) => c.castConfigId)).toContain(created.castConfigId);
    expect((await api.getByKey('public-demo')).castConfigId).toBe(created.castConfigId);

    const updated = await api.update(created.castConfigId, { key: 'public-demo-2', allowAnonymous: false, validUntil: null });
    expect(updated).toMatchObject({ key: 'public-demo-2', allowAnonymous: false, validUntil: null, castingConfigName: 'Public demo' });

    await api.delete(created.castConfigId);
    await expectKasmError(api.get(created.castConfigId), KasmNotFoundError);
    await expectKasmError(api.update(created.castConfigId, { key: 'x' }), KasmNotFoundError);
    await expectKasmError(api.delete(created.castConfigId), KasmNotFoundError);
  });

  it('a taken key → KasmConflictError', async () => {
    const api = fx.client.castConfigs;
    await api.create({ castingConfigName: 'one', key: 'taken' });
    await expectKasmError(api.create({ castingConfigName: 'two', key: 'taken' }), KasmConflictError);
  });

  it('an unknown image → KasmNotFoundError', async () => {
    await expectKasmError(fx.client.castConfigs.create({ castingConfigName: 'x', key: 'no-image', imageId: 'bc'.repeat(16) }), KasmNotFoundError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Casting View']).client;
    await viewer.castConfigs.list();
    const error = await expectKasmError(viewer.castConfigs.create({ castingConfigName: 'x', key: 'denied' }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Casting Modify']);
    expect(error.message).toContain('Casting Modify');
  });
});
