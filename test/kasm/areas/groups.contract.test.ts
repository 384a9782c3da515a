import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMINISTRATORS_GROUP_ID, ALL_USERS_GROUP_ID } from '../../../src/kasm/areas/groups.js';
import { KasmBusinessError, KasmConflictError, KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
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

let counter = 0;
const groupName = (): string => `contract-group-${(counter += 1)}`;

describe('groups contract', () => {
  it('the built-in groups are listed as system groups', async () => {
    const groups = await fx.client.groups.list();
    expect(groups.find((g) => g.groupId === ALL_USERS_GROUP_ID)).toMatchObject({ name: 'All Users', isSystem: true, priority: 1000 });
    expect(groups.find((g) => g.groupId === ADMINISTRATORS_GROUP_ID)).toMatchObject({ name: 'Administrators', isSystem: true, priority: 1 });
  });

  it('create → list/get/getByName → update → delete → not found', async () => {
    const { groups } = fx.client;
    const name = groupName();
    const created = await groups.create({ name, priority: 50, description: 'Contract group' });
    expect(created).toMatchObject({ name, priority: 50, description: 'Contract group', isSystem: false });
    expect((await groups.list()).map((g) => g.groupId)).toContain(created.groupId);
    expect((await groups.get(created.groupId)).name).toBe(name);
    expect((await groups.getByName(name)).groupId).toBe(created.groupId);

    const renamed = `${name}-renamed`;
    const updated = await groups.update(created.groupId, { name: renamed, priority: 40 });
    expect(updated).toMatchObject({ groupId: created.groupId, name: renamed, priority: 40, description: 'Contract group' });
    expect((await groups.get(created.groupId)).name).toBe(renamed);

    await groups.delete(created.groupId);
    await expectKasmError(groups.get(created.groupId), KasmNotFoundError);
    await expectKasmError(groups.update(created.groupId, { priority: 1 }), KasmNotFoundError);
    await expectKasmError(groups.delete(created.groupId), KasmNotFoundError);
  });

  it('duplicate names → KasmConflictError', async () => {
    const { groups } = fx.client;
    const name = groupName();
    await groups.create({ name });
    await expectKasmError(groups.create({ name }), KasmConflictError);
    const other = await groups.create({ name: groupName() });
    await expectKasmError(groups.update(other.groupId, { name }), KasmConflictError);
  });

  it('a system group cannot be deleted', async () => {
    const error = await expectKasmError(fx.client.groups.delete(ALL_USERS_GROUP_ID), KasmBusinessError);
    expect(error.retryable).toBe(false);
    expect(error.kasmMessage).toMatch(/system group/);
  });

  it('settings: read as text, update by id and by name', async () => {
    const { groups } = fx.client;
    const group = await groups.create({ name: groupName() });
    const settings = await groups.getSettings(group.groupId);
    const sharing = settings.find((s) => s.name === 'allow_kasm_sharing');
    expect(sharing).toMatchObject({ groupSettingId: '13ef8423a5bb445cacbb6bd9f44a2454', value: 'false', valueType: 'bool' });
    expect(settings.find((s) => s.name === 'keepalive_expiration')?.value).toBe('3600');

    await groups.updateSetting(group.groupId, '13ef8423a5bb445cacbb6bd9f44a2454', true);
    const keepalive = await groups.updateSettingByName(group.groupId, 'keepalive_expiration', 7200);
    expect(keepalive.value).toBe('7200');
    const after = await groups.getSettings(group.groupId);
    expect(after.find((s) => s.name === 'allow_kasm_sharing')?.value).toBe('true');
    expect(after.find((s) => s.name === 'keepalive_expiration')?.value).toBe('7200');

    await expectKasmError(groups.updateSettingByName(group.groupId, 'no_such_setting', 1), KasmNotFoundError);
    await expectKasmError(groups.getSettings('cd'.repeat(16)), KasmNotFoundError);
  });

  it('group images: add → list → remove', async () => {
    const { groups, images } = fx.client;
    const group = await groups.create({ name: groupName() });
    const image = await images.create({ name: 'kasmweb/firefox:1.16.0', friendlyName: 'Firefox' });
    await groups.addImage(group.groupId, image.imageId);
    const listed = await groups.listImages(group.groupId);
    expect(listed).toEqual([
      expect.objectContaining({ groupId: group.groupId, imageId: image.imageId, imageName: 'kasmweb/firefox:1.16.0', imageFriendlyName: 'Firefox', groupName: group.name }),
    ]);
    await groups.removeImage(group.groupId, image.imageId);
    expect(await groups.listImages(group.groupId)).toEqual([]);
    await expectKasmError(groups.addImage(group.groupId, 'ef'.repeat(16)), KasmNotFoundError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Groups View']).client;
    expect((await viewer.groups.list()).length).toBeGreaterThanOrEqual(2);
    const create = await expectKasmError(viewer.groups.create({ name: groupName() }), KasmPermissionError);
    expect(create.requiredPermissions).toEqual(['Groups Create']);
    expect(create.message).toContain('Groups Create');
    const images = await expectKasmError(viewer.groups.listImages(ALL_USERS_GROUP_ID), KasmPermissionError);
    expect(images.message).toContain('Images View');
    const nothing = fx.clientWithPermissions([]).client;
    const list = await expectKasmError(nothing.groups.list(), KasmPermissionError);
    expect(list.message).toContain('Groups View');
  });
});
