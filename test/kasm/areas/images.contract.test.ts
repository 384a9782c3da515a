import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmInvalidRequestError, KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
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

describe('images contract', () => {
  it('create → list/get → update → delete → not found', async () => {
    const { images } = fx.client;
    const created = await images.create({
      name: 'kasmweb/chrome:1.16.0',
      friendlyName: 'Chrome',
      description: 'Browser',
      memory: 2_768_000_000,
      cores: 1.5,
      enabled: true,
      categories: ['Browser'],
      runConfig: { hostname: 'kasm', environment: { TZ: 'UTC' } },
      execConfig: { first_launch: { user: 'root', cmd: 'echo hi' } },
      volumeMappings: { '/data': { bind: '/home/kasm-user/data', mode: 'rw' } },
    });
    expect(created).toMatchObject({
      name: 'kasmweb/chrome:1.16.0',
      friendlyName: 'Chrome',
      memory: 2_768_000_000,
      cores: 1.5,
      enabled: true,
      categories: ['Browser'],
      runConfig: { hostname: 'kasm', environment: { TZ: 'UTC' } },
      execConfig: { first_launch: { user: 'root', cmd: 'echo hi' } },
      volumeMappings: { '/data': { bind: '/home/kasm-user/data', mode: 'rw' } },
    });
    // The simulator stores JSON fields as text, as Kasm does; the client hands back objects.
    expect(typeof fx.sim.state.images.get(created.imageId)?.run_config).toBe('string');

    expect((await images.list()).map((image) => image.imageId)).toContain(created.imageId);
    expect((await images.get(created.imageId)).description).toBe('Browser');

    const updated = await images.update(created.imageId, { friendlyName: 'Chrome Stable', cores: 2, runConfig: { hostname: 'chrome' } });
    expect(updated).toMatchObject({ friendlyName: 'Chrome Stable', cores: 2, description: 'Browser', runConfig: { hostname: 'chrome' } });

    await images.delete(created.imageId);
    await expectKasmError(images.get(created.imageId), KasmNotFoundError);
    await expectKasmError(images.update(created.imageId, { enabled: false }), KasmNotFoundError);
    await expectKasmError(images.delete(created.imageId), KasmNotFoundError);
  });

  it('image names are not unique: the same name twice makes two images', async () => {
    const { images } = fx.client;
    const a = await images.create({ name: 'kasmweb/duplicate:1.0.0' });
    const b = await images.create({ name: 'kasmweb/duplicate:1.0.0' });
    expect(a.imageId).not.toBe(b.imageId);
    expect((await images.list()).filter((image) => image.name === 'kasmweb/duplicate:1.0.0')).toHaveLength(2);
  });

  it('bad input never reaches Kasm', async () => {
    const before = fx.sim.calls.count('create_image');
    const error = await expectKasmError(fx.client.images.create({ name: 'x', memory: -1 }), KasmInvalidRequestError);
    expect(error.field).toBe('memory');
    expect(fx.sim.calls.count('create_image')).toBe(before);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Images View']).client;
    await viewer.images.list();
    const error = await expectKasmError(viewer.images.create({ name: 'kasmweb/x:1' }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Images Create']);
    const image = await fx.client.images.create({ name: 'kasmweb/y:1' });
    const del = await expectKasmError(viewer.images.delete(image.imageId), KasmPermissionError);
    expect(del.message).toContain('Images Delete');
  });
});
