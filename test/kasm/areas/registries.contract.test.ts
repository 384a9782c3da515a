import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmConflictError, KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
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

describe('registries contract', () => {
  it('create → list/get/getByUrl → delete → not found', async () => {
    const { registries } = fx.client;
    const url = 'https://registry.example.com/';
    const created = await registries.create({ registryUrl: url, channel: '1.16' });
    expect(created).toMatchObject({ registryUrl: url, channel: '1.16' });
    expect(created.workspaces.length).toBeGreaterThan(0);
    expect(created.workspaces[0]?.friendlyName).toEqual(expect.any(String));

    expect((await registries.list()).map((r) => r.registryId)).toContain(created.registryId);
    expect((await registries.get(created.registryId)).registryUrl).toBe(url);
    expect((await registries.getByUrl('https://registry.example.com')).registryId).toBe(created.registryId);

    await registries.delete(created.registryId);
    await expectKasmError(registries.get(created.registryId), KasmNotFoundError);
    await expectKasmError(registries.delete(created.registryId), KasmNotFoundError);
  });

  it('the same URL twice → KasmConflictError', async () => {
    const url = 'https://twice.example.com/';
    await fx.client.registries.create({ registryUrl: url });
    await expectKasmError(fx.client.registries.create({ registryUrl: url }), KasmConflictError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const nothing = fx.clientWithPermissions(['Images View']).client;
    const list = await expectKasmError(nothing.registries.list(), KasmPermissionError);
    expect(list.requiredPermissions).toEqual(['Registries View']);
    expect(list.message).toContain('Registries View');
    const viewer = fx.clientWithPermissions(['Registries View']).client;
    await viewer.registries.list();
    const create = await expectKasmError(viewer.registries.create({ registryUrl: 'https://no.example.com/' }), KasmPermissionError);
    expect(create.message).toContain('Registries Modify');
  });
});
