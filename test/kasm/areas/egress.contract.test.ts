import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_USERS_GROUP_ID } from '../../../src/kasm/areas/groups.js';
import { KasmBusinessError, KasmInvalidRequestError, KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
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

describe('egress contract', () => {
  it('providers: create → get/list → update → delete → not found', async () => {
    const { providers } = fx.client.egress;
    const created = await providers.create({ name: 'wg-main', egressProviderType: 'wireguard', config: { mtu: 1420 } });
    expect(created).toMatchObject({ name: 'wg-main', egressProviderType: 'wireguard', enabled: true, config: { mtu: 1420 } });
    expect((await providers.get(created.egressProviderId)).name).toBe('wg-main');
    expect((await providers.list()).map((p) => p.egressProviderId)).toContain(created.egressProviderId);
    expect(await providers.update(created.egressProviderId, { enabled: false, name: 'wg-off' })).toMatchObject({ enabled: false, name: 'wg-off' });
    await providers.delete(created.egressProviderId);
    await expectKasmError(providers.get(created.egressProviderId), KasmNotFoundError);
    await expectKasmError(providers.update(created.egressProviderId, { enabled: true }), KasmNotFoundError);
    await expectKasmError(providers.delete(created.egressProviderId), KasmNotFoundError);
  });

  it('gateways and credentials round-trip; the password is never read back', async () => {
    const { providers, gateways, credentials } = fx.client.egress;
    const provider = await providers.create({ name: 'ovpn', egressProviderType: 'openvpn' });
    const gateway = await gateways.create({ egressProviderId: provider.egressProviderId, name: 'de-fra', country: 'DE', city: 'Frankfurt' });
    expect(gateway).toMatchObject({ egressProviderId: provider.egressProviderId, country: 'DE', city: 'Frankfurt', enabled: true });
    expect((await gateways.list({ egressProviderId: provider.egressProviderId })).map((g) => g.egressGatewayId)).toEqual([gateway.egressGatewayId]);
    expect((await gateways.update(gateway.egressGatewayId, { city: 'Berlin' })).city).toBe('Berlin');
    expect((await gateways.get(gateway.egressGatewayId)).city).toBe('Berlin');

    const credential = await credentials.create({ egressGatewayId: gateway.egressGatewayId, username: 'vpn-user', password: 'vpn-password' });
    expect(credential).toEqual({ egressCredentialId: credential.egressCredentialId, egressGatewayId: gateway.egressGatewayId, username: 'vpn-user', passwordSet: true, config: {} });
    expect(JSON.stringify(await credentials.list())).not.toContain('vpn-password');
    expect((await credentials.list({ egressGatewayId: gateway.egressGatewayId })).map((c) => c.egressCredentialId)).toEqual([credential.egressCredentialId]);
    expect((await credentials.update(credential.egressCredentialId, { username: 'vpn-user-2' })).username).toBe('vpn-user-2');

    await credentials.delete(credential.egressCredentialId);
    await expectKasmError(credentials.get(credential.egressCredentialId), KasmNotFoundError);
    await gateways.delete(gateway.egressGatewayId);
    await expectKasmError(gateways.get(gateway.egressGatewayId), KasmNotFoundError);
    await expectKasmError(gateways.create({ egressProviderId: 'fa'.repeat(16), name: 'orphan' }), KasmNotFoundError);
  });

  it('mappings: one subject each; create → get/list → update gateway → delete', async () => {
    const { providers, gateways, mappings } = fx.client.egress;
    const provider = await providers.create({ name: 'proxy', egressProviderType: 'http_proxy' });
    const gateway = await gateways.create({ egressProviderId: provider.egressProviderId, name: 'proxy-1' });
    const mapping = await mappings.create({ egressProviderId: provider.egressProviderId, groupId: ALL_USERS_GROUP_ID });
    expect(mapping).toMatchObject({ egressProviderId: provider.egressProviderId, groupId: ALL_USERS_GROUP_ID, userId: null, imageId: null, egressGatewayId: null });
    expect((await mappings.list({ groupId: ALL_USERS_GROUP_ID })).map((m) => m.egressProviderMappingId)).toEqual([mapping.egressProviderMappingId]);
    expect((await mappings.update(mapping.egressProviderMappingId, { egressGatewayId: gateway.egressGatewayId })).egressGatewayId).toBe(gateway.egressGatewayId);
    expect((await mappings.get(mapping.egressProviderMappingId)).egressGatewayId).toBe(gateway.egressGatewayId);

    const other = await providers.create({ name: 'other', egressProviderType: 'socks_proxy' });
    const foreign = await gateways.create({ egressProviderId: other.egressProviderId, name: 'foreign' });
    const refused = await expectKasmError(mappings.update(mapping.egressProviderMappingId, { egressGatewayId: foreign.egressGatewayId }), KasmBusinessError);
    expect(refused.kasmMessage).toMatch(/does not belong/);

    await expectKasmError(mappings.create({ egressProviderId: provider.egressProviderId }), KasmInvalidRequestError);
    await mappings.delete(mapping.egressProviderMappingId);
    await expectKasmError(mappings.get(mapping.egressProviderMappingId), KasmNotFoundError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Egress View']).client;
    await viewer.egress.providers.list();
    const error = await expectKasmError(viewer.egress.providers.create({ name: 'x', egressProviderType: 'wireguard' }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Egress Modify']);
    expect(error.message).toContain('Egress Modify');
    const none = await expectKasmError(fx.clientWithPermissions([]).client.egress.mappings.list(), KasmPermissionError);
    expect(none.message).toContain('Egress View');
  });
});
