import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_USERS_GROUP_ID, startKasmSimulator } from './index.js';
import type { KasmSimulator } from './index.js';
import { callSim, field, list, text } from './test-requests.js';

const HEX32 = /^[0-9a-f]{32}$/;

let sim: KasmSimulator;

beforeAll(async () => {
  sim = await startKasmSimulator({ sessionStartMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

async function createImage(extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await callSim(sim, 'create_image', { target_image: { name: 'kasmweb/chromium:1.16.0', friendly_name: 'Chromium', ...extra } });
  return text(reply.body, 'image.image_id');
}

describe('images', () => {
  it('create_image keeps JSON-string configs as strings, masks docker_token and prints numbers as sent', async () => {
    const reply = await callSim(sim, 'create_image', {
      target_image: {
        name: 'kasmweb/chromium:1.16.0',
        friendly_name: 'Chromium',
        memory: 2_768_000_000,
        cores: 1.5,
        run_config: '{"hostname": "kasm"}',
        exec_config: '{"first_launch": {"user": "root", "cmd": "echo hi"}}',
        docker_user: 'robot',
        docker_token: 'super-secret-token',
        categories: ['Browsers'],
      },
    });
    expect(reply.body).toMatchObject({
      image: { name: 'kasmweb/chromium:1.16.0', memory: 2_768_000_000, cores: 1.5, run_config: '{"hostname": "kasm"}', enabled: true, image_type: 'Container' },
    });
    expect(text(reply.body, 'image.image_id')).toMatch(HEX32);
    expect(typeof field(reply.body, 'image.exec_config')).toBe('string');
    expect(reply.text).not.toContain('super-secret-token');
    expect(text(reply.body, 'image.docker_token')).toMatch(/^\*+$/);
  });

  it('keeps the docker_token when the mask is sent back, and replaces it when a new one is sent', async () => {
    const id = await createImage({ docker_token: 'first-token' });
    await callSim(sim, 'update_image', { target_image: { image_id: id, docker_token: '**********' } });
    expect(sim.state.images.get(id)?.docker_token).toBe('first-token');
    await callSim(sim, 'update_image', { target_image: { image_id: id, docker_token: 'second-token' } });
    expect(sim.state.images.get(id)?.docker_token).toBe('second-token');
    const cleared = await callSim(sim, 'update_image', { target_image: { image_id: id, docker_token: '' } });
    expect(text(cleared.body, 'image.docker_token')).toBe('');
  });

  it('accepts a config sent as an object and returns it as a JSON string', async () => {
    const reply = await callSim(sim, 'create_image', { target_image: { name: 'x/y:1', volume_mappings: { '/data': { bind: '/data' } } } });
    expect(JSON.parse(text(reply.body, 'image.volume_mappings'))).toEqual({ '/data': { bind: '/data' } });
  });

  it('refuses a config string that is not JSON, naming the field', async () => {
    const reply = await callSim(sim, 'create_image', { target_image: { name: 'x/y:1', run_config: '{oops' } });
    expect(text(reply.body, 'error_message')).toMatch(/target_image\.run_config/);
  });

  it('allows duplicate names', async () => {
    const first = await createImage();
    const second = await createImage();
    expect(first).not.toBe(second);
  });

  it('update_image changes only what is sent; delete_image returns {}; unknown is "Image not found"', async () => {
    const id = await createImage({ cores: 2 });
    const updated = await callSim(sim, 'update_image', { target_image: { image_id: id, friendly_name: 'Chromium 2' } });
    expect(updated.body).toMatchObject({ image: { image_id: id, friendly_name: 'Chromium 2', cores: 2 } });
    expect((await callSim(sim, 'delete_image', { target_image: { image_id: id } })).body).toEqual({});
    expect((await callSim(sim, 'update_image', { target_image: { image_id: id, cores: 1 } })).body).toEqual({ error_message: 'Image not found' });
    const images = list((await callSim(sim, 'get_images')).body, 'images');
    expect(images.some((image) => field(image, 'image_id') === id)).toBe(false);
  });
});

describe('group images', () => {
  it('adds, lists and removes images of a group', async () => {
    const imageId = await createImage({ friendly_name: 'Group Chromium' });
    const target = { target_group: { group_id: ALL_USERS_GROUP_ID }, target_image: { image_id: imageId } };
    expect((await callSim(sim, 'add_images_group', target)).body).toEqual({});
    const listed = await callSim(sim, 'get_images_group', { target_group: { group_id: ALL_USERS_GROUP_ID } });
    expect(list(listed.body, 'images')).toContainEqual(
      expect.objectContaining({ image_id: imageId, group_id: ALL_USERS_GROUP_ID, group_name: 'All Users', image_friendly_name: 'Group Chromium' }),
    );
    const groups = list((await callSim(sim, 'get_groups')).body, 'groups');
    const allUsers = groups.find((group) => field(group, 'group_id') === ALL_USERS_GROUP_ID);
    expect(field(allUsers, 'workspace_names')).toContain('Group Chromium');
    expect((await callSim(sim, 'remove_images_group', target)).body).toEqual({});
    const after = await callSim(sim, 'get_images_group', { target_group: { group_id: ALL_USERS_GROUP_ID } });
    expect(list(after.body, 'images').some((row) => field(row, 'image_id') === imageId)).toBe(false);
  });
});

describe('registries', () => {
  it('creates with a URL, refuses duplicates, lists a workspace catalogue, deletes', async () => {
    const payload = { registry: 'https://registry.example.com/', channel: 'stable' };
    const created = await callSim(sim, 'create_registry', payload, { area: 'admin' });
    expect(created.body).toMatchObject({ registry: { registry_url: 'https://registry.example.com/', channel: 'stable' } });
    const registryId = text(created.body, 'registry.registry_id');
    expect((await callSim(sim, 'create_registry', payload, { area: 'admin' })).body).toEqual({ error_message: 'Registry already exists' });
    const listed = await callSim(sim, 'get_registries', {}, { area: 'admin' });
    const registry = list(listed.body, 'registries')[0];
    expect(list(registry, 'workspaces').length).toBeGreaterThanOrEqual(2);
    expect((await callSim(sim, 'delete_registry', { target_registry: { registry_id: registryId } }, { area: 'admin' })).body).toEqual({});
    expect((await callSim(sim, 'delete_registry', { target_registry: { registry_id: registryId } }, { area: 'admin' })).body).toEqual({
      error_message: 'Registry not found',
    });
  });
});

describe('zones', () => {
  it('has the seeded default zone', async () => {
    const reply = await callSim(sim, 'get_zones');
    const zones = list(reply.body, 'zones');
    expect(zones).toHaveLength(1);
    expect(field(zones[0], 'zone_name')).toBe('default');
    const zoneId = text(zones[0], 'zone_id');
    expect(zoneId).toMatch(HEX32);
    const brief = await callSim(sim, 'get_zones', { brief: true });
    expect(list(brief.body, 'zones')).toEqual([{ zone_id: zoneId, zone_name: 'default' }]);
  });
});

describe('licences', () => {
  it('activates a key of 16+ characters once, refuses short keys and never prints the key', async () => {
    const key = 'ABCDEFGHIJKLMNOPQRSTUVWX';
    const short = await callSim(sim, 'activate', { activation_key: 'short' });
    expect(short.body).toEqual({ error_message: 'Invalid activation key' });
    const activated = await callSim(sim, 'activate', { activation_key: key, seats: 10, issued_to: 'ACME' });
    expect(activated.body).toMatchObject({ license: { limit: 10, issued_to: 'ACME', is_verified: true } });
    expect(activated.text).not.toContain(key);
    const again = await callSim(sim, 'activate', { activation_key: key });
    expect(text(again.body, 'license.license_id')).toBe(text(activated.body, 'license.license_id'));
    expect(list((await callSim(sim, 'get_licenses')).body, 'licenses')).toHaveLength(1);
  });
});

describe('cast configs', () => {
  it('creates, refuses a taken key, reads through the wrapper or top level, updates and deletes', async () => {
    const imageId = await createImage({ friendly_name: 'Cast Image' });
    const created = await callSim(sim, 'create_cast_config', {
      target_cast_config: { casting_config_name: 'Demo', key: 'demo', image_id: imageId, allowed_referrers: ['example.com'] },
    });
    expect(created.body).toMatchObject({ cast_config: { casting_config_name: 'Demo', key: 'demo', image_friendly_name: 'Cast Image' } });
    const castId = text(created.body, 'cast_config.cast_config_id');
    const dup = await callSim(sim, 'create_cast_config', { target_cast_config: { casting_config_name: 'Other', key: 'demo' } });
    expect(dup.body).toEqual({ error_message: 'Cast key already exists' });
    expect(text((await callSim(sim, 'get_cast_config', { target_cast_config: { cast_config_id: castId } })).body, 'cast_config.key')).toBe('demo');
    expect(text((await callSim(sim, 'get_cast_config', { cast_config_id: castId })).body, 'cast_config.key')).toBe('demo');
    const updated = await callSim(sim, 'update_cast_config', { target_cast_config: { cast_config_id: castId, key: 'demo-2', limit_sessions: true } });
    expect(updated.body).toMatchObject({ cast_config: { key: 'demo-2', limit_sessions: true, casting_config_name: 'Demo' } });
    expect(list((await callSim(sim, 'get_cast_configs')).body, 'cast_configs')).toHaveLength(1);
    expect((await callSim(sim, 'delete_cast_config', { target_cast_config: { cast_config_id: castId } })).body).toEqual({});
    expect((await callSim(sim, 'get_cast_config', { cast_config_id: castId })).body).toEqual({ error_message: 'Cast config not found' });
  });
});

describe('staging configs', () => {
  it('creates for a zone and image, updates and deletes', async () => {
    const imageId = await createImage({ friendly_name: 'Staged' });
    const zones = list((await callSim(sim, 'get_zones')).body, 'zones');
    const zoneId = String(field(zones[0], 'zone_id'));
    const created = await callSim(sim, 'create_staging_config', {
      target_staging_config: { zone_id: zoneId, image_id: imageId, num_sessions: 3, expiration: 2 },
    });
    expect(created.body).toMatchObject({
      staging_config: { zone_name: 'default', image_friendly_name: 'Staged', num_sessions: 3, expiration: 2, num_current_sessions: 0 },
    });
    const stagingId = text(created.body, 'staging_config.staging_config_id');
    const missing = await callSim(sim, 'create_staging_config', { target_staging_config: { image_id: imageId } });
    expect(text(missing.body, 'error_message')).toMatch(/target_staging_config\.zone_id/);
    const updated = await callSim(sim, 'update_staging_config', { target_staging_config: { staging_config_id: stagingId, num_sessions: 5 } });
    expect(updated.body).toMatchObject({ staging_config: { num_sessions: 5, expiration: 2 } });
    expect(list((await callSim(sim, 'get_staging_configs')).body, 'staging_configs')).toHaveLength(1);
    expect((await callSim(sim, 'delete_staging_config', { target_staging_config: { staging_config_id: stagingId } })).body).toEqual({});
    expect((await callSim(sim, 'get_staging_config', { target_staging_config: { staging_config_id: stagingId } })).body).toEqual({
      error_message: 'Staging config not found',
    });
  });
});

describe('egress', () => {
  it('chains provider → gateway → credential → mapping, hides passwords, and cascades on provider delete', async () => {
    const provider = await callSim(sim, 'create_egress_provider', {
      target_egress_provider: { name: 'VPN', egress_provider_type: 'wireguard', config: { endpoint: 'vpn.example.com' } },
    });
    expect(provider.body).toMatchObject({ egress_provider: { name: 'VPN', egress_provider_type: 'wireguard', enabled: true } });
    const providerId = text(provider.body, 'egress_provider.egress_provider_id');

    const gateway = await callSim(sim, 'create_egress_gateway', {
      target_egress_gateway: { egress_provider_id: providerId, name: 'Frankfurt', country: 'DE', city: 'Frankfurt' },
    });
    const gatewayId = text(gateway.body, 'egress_gateway.egress_gateway_id');

    const credential = await callSim(sim, 'create_egress_credential', {
      target_egress_credential: { egress_gateway_id: gatewayId, username: 'vpnuser', password: 'vpn-password-1' },
    });
    expect(credential.body).toMatchObject({ egress_credential: { username: 'vpnuser', password_set: true } });
    expect(credential.text).not.toContain('vpn-password-1');
    expect(field(credential.body, 'egress_credential.password')).toBeUndefined();

    const twoTargets = await callSim(sim, 'create_egress_provider_mapping', {
      target_egress_provider_mapping: { egress_provider_id: providerId, group_id: ALL_USERS_GROUP_ID, image_id: await createImage() },
    });
    expect(text(twoTargets.body, 'error_message')).toMatch(/exactly one/);
    const mapping = await callSim(sim, 'create_egress_provider_mapping', {
      target_egress_provider_mapping: { egress_provider_id: providerId, group_id: ALL_USERS_GROUP_ID, egress_gateway_id: gatewayId },
    });
    expect(mapping.body).toMatchObject({ egress_provider_mapping: { group_id: ALL_USERS_GROUP_ID, user_id: null, image_id: null } });

    const gateways = await callSim(sim, 'get_egress_gateways', { target_egress_gateway: { egress_provider_id: providerId } });
    expect(list(gateways.body, 'egress_gateways')).toHaveLength(1);
    const other = await callSim(sim, 'get_egress_gateways', { target_egress_gateway: { egress_provider_id: 'abababababababababababababababab' } });
    expect(list(other.body, 'egress_gateways')).toHaveLength(0);

    const updated = await callSim(sim, 'update_egress_gateway', { target_egress_gateway: { egress_gateway_id: gatewayId, enabled: false } });
    expect(updated.body).toMatchObject({ egress_gateway: { enabled: false, name: 'Frankfurt' } });

    expect((await callSim(sim, 'delete_egress_provider', { target_egress_provider: { egress_provider_id: providerId } })).body).toEqual({});
    expect(list((await callSim(sim, 'get_egress_gateways')).body, 'egress_gateways')).toHaveLength(0);
    expect(list((await callSim(sim, 'get_egress_credentials')).body, 'egress_credentials')).toHaveLength(0);
    expect(list((await callSim(sim, 'get_egress_provider_mappings')).body, 'egress_provider_mappings')).toHaveLength(0);
    expect((await callSim(sim, 'get_egress_provider', { target_egress_provider: { egress_provider_id: providerId } })).body).toEqual({
      error_message: 'Egress provider not found',
    });
  });

  it('refuses a gateway for an unknown provider and an unknown provider type', async () => {
    const orphan = await callSim(sim, 'create_egress_gateway', {
      target_egress_gateway: { egress_provider_id: 'abababababababababababababababab', name: 'x' },
    });
    expect(orphan.body).toEqual({ error_message: 'Egress provider not found' });
    const badType = await callSim(sim, 'create_egress_provider', { target_egress_provider: { name: 'x', egress_provider_type: 'carrier-pigeon' } });
    expect(text(badType.body, 'error_message')).toMatch(/egress_provider_type/);
  });
});
