import { describe, expect, it } from 'vitest';
import { GroupsApi } from '../../../src/kasm/areas/groups.js';
import { ImagesApi } from '../../../src/kasm/areas/images.js';
import { RegistriesApi } from '../../../src/kasm/areas/registries.js';
import type { KasmInvalidRequestError } from '../../../src/kasm/errors.js';
import { KasmInvalidResponseError, KasmNotFoundError } from '../../../src/kasm/errors.js';
import { FakeKasmCaller } from './fake-caller.js';

const GROUP_ID = '68d557ac4cac42cca9f31c7c853de0f3';
const OTHER_GROUP = '31aa063c670648589533d3c42092d02a';
const IMAGE_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const SETTING_ID = '13ef8423a5bb445cacbb6bd9f44a2454';

const rawGroup = (groupId: string, name: string) => ({
  group_id: groupId,
  name,
  description: null,
  priority: 1000,
  is_system: true,
  group_metadata: [{ key: 'team', value: 'ops' }],
  group_mappings: [],
});

describe('GroupsApi', () => {
  it('list maps groups; get and getByName pick from the list', async () => {
    const caller = new FakeKasmCaller().reply('get_groups', { groups: [rawGroup(GROUP_ID, 'All Users'), rawGroup(OTHER_GROUP, 'Administrators')] });
    const api = new GroupsApi(caller);
    const groups = await api.list();
    expect(groups[0]).toEqual({ groupId: GROUP_ID, name: 'All Users', description: null, priority: 1000, isSystem: true, groupMetadata: [{ key: 'team', value: 'ops' }], workspaceNames: null });
    expect((await api.get('31AA063C-6706-4858-9533-D3C42092D02A')).name).toBe('Administrators');
    expect((await api.getByName('All Users')).groupId).toBe(GROUP_ID);
    await expect(api.getByName('Nobody')).rejects.toBeInstanceOf(KasmNotFoundError);
    await expect(api.get('0000000000000000000000000000abcd')).rejects.toThrow(/Group not found/);
  });

  it('tolerates group_metadata in a shape it does not know, or missing', async () => {
    const { group_metadata: _omitted, ...withoutMetadata } = rawGroup(OTHER_GROUP, 'h');
    const caller = new FakeKasmCaller().reply('get_groups', { groups: [{ ...rawGroup(GROUP_ID, 'g'), group_metadata: { team: 'ops' } }, withoutMetadata] });
    expect((await new GroupsApi(caller).list()).map((g) => g.groupMetadata)).toEqual([[], []]);
  });

  it('reads workspace_names as a list of names, and null when absent or of another shape', async () => {
    const caller = new FakeKasmCaller().reply('get_groups', {
      groups: [
        { ...rawGroup(GROUP_ID, 'a'), workspace_names: ['Chrome', 'GIMP'] },
        { ...rawGroup(OTHER_GROUP, 'b'), workspace_names: 'Chrome' },
        { ...rawGroup(IMAGE_ID, 'c'), workspace_names: [{ name: 'Chrome' }] },
      ],
    });
    expect((await new GroupsApi(caller).list()).map((g) => g.workspaceNames)).toEqual([['Chrome', 'GIMP'], null, null]);
  });

  it('create and update send target_group; update falls back to a list when Kasm echoes nothing', async () => {
    const caller = new FakeKasmCaller()
      .reply('create_group', { group: rawGroup(OTHER_GROUP, 'devs') })
      .reply('update_group', {})
      .reply('get_groups', { groups: [{ ...rawGroup(OTHER_GROUP, 'devs'), priority: 5 }] });
    const api = new GroupsApi(caller);
    await api.create({ name: 'devs', priority: 50, description: 'Developers' });
    const updated = await api.update(OTHER_GROUP, { priority: 5 });
    expect(caller.bodies('create_group')).toEqual([{ target_group: { name: 'devs', priority: 50, description: 'Developers' } }]);
    expect(caller.bodies('update_group')).toEqual([{ target_group: { group_id: OTHER_GROUP, priority: 5 } }]);
    expect(updated.priority).toBe(5);
  });

  it('settings: values are text on the wire both ways', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_settings_group', {
        settings: [
          { group_id: GROUP_ID, group_setting_id: SETTING_ID, name: 'allow_kasm_sharing', description: 'd', value: 'true', value_type: 'bool' },
          { group_id: GROUP_ID, group_setting_id: 'aa'.repeat(16), name: 'keepalive_expiration', description: 'd', value: 3600 },
        ],
      })
      .reply('update_settings_group', {});
    const api = new GroupsApi(caller);
    const settings = await api.getSettings(GROUP_ID);
    expect(settings.map((s) => [s.name, s.value, s.valueType])).toEqual([
      ['allow_kasm_sharing', 'true', 'bool'],
      ['keepalive_expiration', '3600', null],
    ]);
    await api.updateSetting(GROUP_ID, SETTING_ID, false);
    await api.updateSetting(GROUP_ID, SETTING_ID, 7200);
    expect(caller.bodies('update_settings_group')).toEqual([
      { target_group: { group_id: GROUP_ID }, target_setting: { group_setting_id: SETTING_ID, value: 'false' } },
      { target_group: { group_id: GROUP_ID }, target_setting: { group_setting_id: SETTING_ID, value: '7200' } },
    ]);
    expect(caller.sent.find((c) => c.endpoint === 'get_settings_group')?.path).toBe('/api/admin/get_settings_group');
  });

  it('group images: list maps, add/remove send both wrappers', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_images_group', {
        images: [{ group_image_id: 'bb'.repeat(16), group_id: GROUP_ID, image_id: IMAGE_ID, image_name: 'kasmweb/chrome:1.16.0', group_name: 'All Users', image_friendly_name: 'Chrome', image_src: 'img/chrome.png' }],
      })
      .reply('add_images_group', {})
      .reply('remove_images_group', {});
    const api = new GroupsApi(caller);
    expect(await api.listImages(GROUP_ID)).toEqual([
      { groupImageId: 'bb'.repeat(16), groupId: GROUP_ID, imageId: IMAGE_ID, groupName: 'All Users', imageName: 'kasmweb/chrome:1.16.0', imageFriendlyName: 'Chrome', imageSrc: 'img/chrome.png' },
    ]);
    await api.addImage(GROUP_ID, IMAGE_ID);
    await api.removeImage(GROUP_ID, IMAGE_ID);
    const body = { target_group: { group_id: GROUP_ID }, target_image: { image_id: IMAGE_ID } };
    expect(caller.bodies('add_images_group')).toEqual([body]);
    expect(caller.bodies('remove_images_group')).toEqual([body]);
  });
});

const rawImage = {
  image_id: IMAGE_ID,
  name: 'kasmweb/chrome:1.16.0',
  friendly_name: 'Chrome',
  memory: 2768000000,
  cores: 2.5,
  enabled: true,
  run_config: '{"hostname": "kasm"}',
  exec_config: { first_launch: { user: 'root', cmd: 'echo hi' } },
  volume_mappings: '',
  launch_config: null,
  categories: ['Browser'],
  imageAttributes: [{ attr_id: 'cc'.repeat(16), name: 'a', category: 'c', value: 'v' }],
  docker_token: 'should-not-survive',
};

describe('ImagesApi', () => {
  it('reads JSON fields given as text or object; memory is bytes, cores a float', async () => {
    const caller = new FakeKasmCaller().reply('get_images', { images: [rawImage] });
    const [image] = await new ImagesApi(caller).list();
    expect(image).toMatchObject({
      imageId: IMAGE_ID,
      name: 'kasmweb/chrome:1.16.0',
      memory: 2768000000,
      cores: 2.5,
      runConfig: { hostname: 'kasm' },
      execConfig: { first_launch: { user: 'root', cmd: 'echo hi' } },
      volumeMappings: null,
      launchConfig: null,
      categories: ['Browser'],
      restrictNetworkNames: [],
      imageAttributes: [{ attrId: 'cc'.repeat(16), name: 'a', category: 'c', value: 'v' }],
    });
    expect(image).not.toHaveProperty('dockerToken');
  });

  it('create sends JSON fields as text and camelCase keys in snake_case', async () => {
    const caller = new FakeKasmCaller().reply('create_image', { image: rawImage });
    await new ImagesApi(caller).create({
      name: 'kasmweb/chrome:1.16.0',
      friendlyName: 'Chrome',
      memory: 2768000000,
      cores: 2.5,
      xRes: 1280,
      runConfig: { hostname: 'kasm' },
      execConfig: '{"first_launch":{"cmd":"x"}}',
    });
    expect(caller.bodies('create_image')).toEqual([
      {
        target_image: {
          name: 'kasmweb/chrome:1.16.0',
          friendly_name: 'Chrome',
          memory: 2768000000,
          cores: 2.5,
          x_res: 1280,
          run_config: '{"hostname":"kasm"}',
          exec_config: '{"first_launch":{"cmd":"x"}}',
        },
      },
    ]);
  });

  it('refuses fractional memory and non-JSON config before sending', async () => {
    const api = new ImagesApi(new FakeKasmCaller());
    const memory = await api.create({ name: 'x', memory: 1.5 }).catch((e: unknown) => e);
    expect((memory as KasmInvalidRequestError).field).toBe('memory');
    const config = await api.create({ name: 'x', runConfig: 'hostname=kasm' }).catch((e: unknown) => e);
    expect((config as KasmInvalidRequestError).field).toBe('runConfig');
  });

  it('a run_config that is neither object nor JSON text is an invalid response', async () => {
    const caller = new FakeKasmCaller().reply('get_images', { images: [{ ...rawImage, run_config: 'oops' }] });
    const error = await new ImagesApi(caller).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KasmInvalidResponseError);
    expect((error as KasmInvalidResponseError).field).toBe('images[0].run_config');
  });

  it('update, delete and get', async () => {
    const caller = new FakeKasmCaller()
      .reply('update_image', { image: { ...rawImage, enabled: false } })
      .reply('delete_image', {})
      .reply('get_images', { images: [rawImage] });
    const api = new ImagesApi(caller);
    expect((await api.update(IMAGE_ID, { enabled: false })).enabled).toBe(false);
    await api.delete(IMAGE_ID);
    expect(caller.bodies('update_image')).toEqual([{ target_image: { image_id: IMAGE_ID, enabled: false } }]);
    expect(caller.bodies('delete_image')).toEqual([{ target_image: { image_id: IMAGE_ID } }]);
    expect((await api.get(IMAGE_ID)).friendlyName).toBe('Chrome');
    await expect(api.get('dd'.repeat(16))).rejects.toBeInstanceOf(KasmNotFoundError);
  });
});

describe('RegistriesApi', () => {
  const rawRegistry = {
    registry_id: 'ee'.repeat(16),
    registry_url: 'https://registry.kasmweb.com/',
    channel: '1.16',
    do_auto_update: true,
    schema_version: 1.1,
    is_verified: true,
    workspaces: [
      {
        friendly_name: 'Chrome',
        run_config: '{}',
        compatibility: [{ image: 'kasmweb/chrome', version: '1.16.x', available_tags: ['1.16.0'], uncompressed_size_mb: 2500 }],
      },
    ],
  };

  it('create sends {registry, channel, override_schema}; list maps workspaces', async () => {
    const caller = new FakeKasmCaller().reply('create_registry', { registry: rawRegistry }).reply('get_registries', { registries: [rawRegistry] });
    const api = new RegistriesApi(caller);
    const created = await api.create({ registryUrl: 'https://registry.kasmweb.com/', channel: '1.16' });
    expect(caller.bodies('create_registry')).toEqual([{ registry: 'https://registry.kasmweb.com/', channel: '1.16' }]);
    expect(created.schemaVersion).toBe('1.1');
    expect(created.workspaces[0]?.compatibility[0]?.availableTags).toEqual(['1.16.0']);
    expect((await api.getByUrl('https://REGISTRY.kasmweb.com')).registryId).toBe('ee'.repeat(16));
    expect(caller.sent[0]?.path).toBe('/api/admin/create_registry');
  });

  it('refuses a registry URL that is not a URL', async () => {
    const error = await new RegistriesApi(new FakeKasmCaller()).create({ registryUrl: 'registry' }).catch((e: unknown) => e);
    expect((error as KasmInvalidRequestError).field).toBe('registryUrl');
  });
});
