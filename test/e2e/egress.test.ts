import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_USERS_GROUP_ID } from '../../src/kasm/areas/groups.js';
import type { KasmClient } from '../../src/kasm/client.js';
import { API_VERSION, condition, eventually, isCurrent, isReady, readyReason, startOperatorWithKasm, writeEndpoints, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';
import { expectNoSecretShown, readTraces } from './secrets-shown.js';

/**
 * The four egress kinds through the operator against the simulator: references that wait, create,
 * update, Secrets sent again when they change, drift corrected, delete and Orphan, adoption under
 * ["Observe"] without writes, and no secret in status, events or logs.
 */
let fx: OperatorFixture;
let operator: OperatorInstance;
let kasm: KasmClient;

const OVPN_1 = 'client\nremote vpn-one.example.com 1194\n<key>Ovpn-Key-One-5d2e</key>\n';
const OVPN_2 = 'client\nremote vpn-two.example.com 1194\n<key>Ovpn-Key-Two-8c41</key>\n';
const PASSWORD_1 = 'Vpn-Password-One-3f9a';
const PASSWORD_2 = 'Vpn-Password-Two-b07e';
const SECRETS = [OVPN_1, OVPN_2, PASSWORD_1, PASSWORD_2, 'Ovpn-Key-One-5d2e', 'Ovpn-Key-Two-8c41'];

const EGRESS_WRITES = writeEndpoints('egress_provider', 'egress_gateway', 'egress_credential', 'egress_provider_mapping');

beforeAll(async () => {
  ({ fx, operator, kasm } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

const state = () => fx.sim.state;
const idOf = async (kind: string, name: string): Promise<string> => (await fx.get(kind, name))?.status?.externalId ?? '';
const writes = (): number => fx.kasmCalls(EGRESS_WRITES);
const manifest = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: API_VERSION, kind, metadata: { name }, spec });

describe('egress kinds', () => {
  it('wait for the objects they reference, then create everything in Kasm', async () => {
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vpn' }, stringData: { 'client.ovpn': OVPN_1, password: PASSWORD_1 } });
    // Applied children first: each waits for its parent.
    await fx.apply(
      manifest('KasmEgressGateway', 'fra', {
        providerRef: { name: 'vpn' },
        name: 'Frankfurt',
        country: 'DE',
        city: 'Frankfurt',
        config: { protocol: 'udp' },
        secretConfig: [{ key: 'ovpn', secretKeyRef: { name: 'vpn', key: 'client.ovpn' } }],
      }),
    );
    await fx.apply(manifest('KasmEgressCredential', 'fra-dev', { gatewayRef: { name: 'fra' }, username: 'dev', passwordSecretRef: { name: 'vpn', key: 'password' } }));
    await fx.apply(manifest('KasmEgressMapping', 'all-users-vpn', { providerRef: { name: 'vpn' }, groupId: ALL_USERS_GROUP_ID, gatewayRef: { name: 'fra' } }));
    const waiting = await fx.waitFor('KasmEgressGateway', 'fra', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('KasmEgressProvider "vpn"');
    await fx.waitFor('KasmEgressCredential', 'fra-dev', (o) => readyReason(o) === 'ReferenceNotReady');
    await fx.waitFor('KasmEgressMapping', 'all-users-vpn', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(writes()).toBe(0);

    await fx.apply(manifest('KasmEgressProvider', 'vpn', { name: 'Corporate VPN', egressProviderType: 'openvpn', enabled: true }));
    const provider = await fx.waitFor('KasmEgressProvider', 'vpn', isReady);
    const gateway = await fx.waitFor('KasmEgressGateway', 'fra', isReady);
    const credential = await fx.waitFor('KasmEgressCredential', 'fra-dev', isReady);
    const mapping = await fx.waitFor('KasmEgressMapping', 'all-users-vpn', isReady);

    const p = state().egressProviders.get(provider?.status?.externalId ?? '');
    expect(p).toMatchObject({ name: 'Corporate VPN', egress_provider_type: 'openvpn', enabled: true });
    const g = state().egressGateways.get(gateway?.status?.externalId ?? '');
    expect(g).toMatchObject({ egress_provider_id: p?.egress_provider_id, name: 'Frankfurt', country: 'DE', city: 'Frankfurt', config: { protocol: 'udp', ovpn: OVPN_1 } });
    const c = state().egressCredentials.get(credential?.status?.externalId ?? '');
    expect(c).toMatchObject({ egress_gateway_id: g?.egress_gateway_id, username: 'dev', password: PASSWORD_1 });
    const m = state().egressMappings.get(mapping?.status?.externalId ?? '');
    expect(m).toMatchObject({ egress_provider_id: p?.egress_provider_id, group_id: ALL_USERS_GROUP_ID, egress_gateway_id: g?.egress_gateway_id });

    expect(gateway?.status?.atProvider).toMatchObject({ name: 'Frankfurt', country: 'DE', config: { protocol: 'udp' }, configKeys: ['ovpn', 'protocol'] });
    expect(gateway?.status?.secretVersions).toEqual({ 'secretConfig.ovpn': expect.stringMatching(/^vpn\/client\.ovpn@.+/) as unknown });
    expect(credential?.status?.atProvider).toMatchObject({ username: 'dev', passwordSet: true });
    expect(credential?.status?.secretVersions).toEqual({ password: expect.stringMatching(/^vpn\/password@.+/) as unknown });
    expect(mapping?.status?.atProvider).toMatchObject({ subject: `group/${ALL_USERS_GROUP_ID}`, egressGatewayId: g?.egress_gateway_id });
    for (const endpoint of ['create_egress_provider', 'create_egress_gateway', 'create_egress_credential', 'create_egress_provider_mapping']) {
      expect(fx.sim.calls.count(endpoint), endpoint).toBe(1);
    }
  });

  it('applies spec changes to Kasm', async () => {
    const [providerId, gatewayId, mappingId] = [await idOf('KasmEgressProvider', 'vpn'), await idOf('KasmEgressGateway', 'fra'), await idOf('KasmEgressMapping', 'all-users-vpn')];
    await fx.mergePatch('KasmEgressProvider', 'vpn', { spec: { enabled: false } });
    await fx.mergePatch('KasmEgressGateway', 'fra', { spec: { city: 'Offenbach', config: { protocol: 'tcp' } } });
    await fx.mergePatch('KasmEgressCredential', 'fra-dev', { spec: { username: 'developers' } });
    // Without a pinned gateway users pick any gateway of the provider.
    await fx.mergePatch('KasmEgressMapping', 'all-users-vpn', { spec: { gatewayRef: null } });
    await eventually(() => state().egressProviders.get(providerId)?.enabled === false, 20_000, 'provider disabled');
    await eventually(() => state().egressGateways.get(gatewayId)?.city === 'Offenbach', 20_000, 'gateway city');
    await eventually(() => state().egressMappings.get(mappingId)?.egress_gateway_id === null, 20_000, 'mapping unpinned');
    await eventually(() => [...state().egressCredentials.values()].some((c) => c.username === 'developers'), 20_000, 'credential renamed');
    // The whole config is sent: the secret key stays next to the changed plain one.
    expect(state().egressGateways.get(gatewayId)?.config).toEqual({ protocol: 'tcp', ovpn: OVPN_1 });
    const gateway = await fx.waitFor('KasmEgressGateway', 'fra', isCurrent);
    expect(gateway?.status?.atProvider?.city).toBe('Offenbach');
    expect(fx.sim.calls.count('create_egress_provider_mapping')).toBe(1);
  });

  it('sends Secret values again when the Secret changes', async () => {
    const [gatewayId, credentialId] = [await idOf('KasmEgressGateway', 'fra'), await idOf('KasmEgressCredential', 'fra-dev')];
    await fx.mergePatch('Secret', 'vpn', { stringData: { 'client.ovpn': OVPN_2, password: PASSWORD_2 } });
    await eventually(() => state().egressGateways.get(gatewayId)?.config.ovpn === OVPN_2, 20_000, 'new VPN config in Kasm');
    await eventually(() => state().egressCredentials.get(credentialId)?.password === PASSWORD_2, 20_000, 'new password in Kasm');
    // A changed input is an update, not drift.
    const gateway = await fx.waitFor('KasmEgressGateway', 'fra', isReady);
    expect(gateway?.status?.drift ?? []).toEqual([]);
  });

  it('corrects changes made in Kasm behind its back, and reports the drift', async () => {
    const ids = {
      provider: await idOf('KasmEgressProvider', 'vpn'),
      gateway: await idOf('KasmEgressGateway', 'fra'),
      credential: await idOf('KasmEgressCredential', 'fra-dev'),
      mapping: await idOf('KasmEgressMapping', 'all-users-vpn'),
    };
    const [p, g, c, m] = [state().egressProviders.get(ids.provider), state().egressGateways.get(ids.gateway), state().egressCredentials.get(ids.credential), state().egressMappings.get(ids.mapping)];
    if (!p || !g || !c || !m) throw new Error('egress records missing');
    // An administrator edits them in the Kasm UI.
    p.enabled = true;
    g.country = 'FR';
    g.config = { ...g.config, injected: 'by-hand' };
    c.password = null;
    m.egress_gateway_id = ids.gateway;
    await eventually(() => state().egressProviders.get(ids.provider)?.enabled === false, 20_000, 'provider enabled restored');
    await eventually(() => state().egressGateways.get(ids.gateway)?.country === 'DE' && !('injected' in (state().egressGateways.get(ids.gateway)?.config ?? {})), 20_000, 'gateway restored');
    await eventually(() => state().egressCredentials.get(ids.credential)?.password === PASSWORD_2, 20_000, 'password set again');
    await eventually(() => state().egressMappings.get(ids.mapping)?.egress_gateway_id === null, 20_000, 'mapping unpinned again');

    const gateway = await fx.waitFor('KasmEgressGateway', 'fra', (o) => (o?.status?.drift ?? []).some((d) => d.field === 'country'));
    expect(gateway?.status?.drift).toEqual(expect.arrayContaining([{ field: 'country', desired: 'DE', observed: 'FR' }, { field: 'config.injected' }]));
    const credential = await fx.waitFor('KasmEgressCredential', 'fra-dev', (o) => (o?.status?.drift ?? []).some((d) => d.field === 'password'));
    expect(credential?.status?.drift).toEqual([{ field: 'password' }]);
    for (const name of ['vpn', 'fra', 'fra-dev', 'all-users-vpn']) expect((await fx.waitForEvents(name, 'DriftCorrected')).length).toBeGreaterThan(0);
  });

  it('reports a missing Secret with the field and the fix, and proceeds once it exists', async () => {
    await fx.apply(manifest('KasmEgressCredential', 'fra-ops', { gatewayRef: { name: 'fra' }, username: 'ops', passwordSecretRef: { name: 'ops-vpn', key: 'password' } }));
    const stalled = await fx.waitFor('KasmEgressCredential', 'fra-ops', (o) => readyReason(o) === 'SecretNotFound');
    expect(condition(stalled, 'Stalled')?.status).toBe('True');
    expect(condition(stalled, 'Ready')?.message).toMatch(/^spec\.passwordSecretRef: Secret "ops-vpn" not found .*create it with the key "password"/);
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ops-vpn' }, stringData: { password: PASSWORD_1 } });
    const ready = await fx.waitFor('KasmEgressCredential', 'fra-ops', isReady);
    expect(state().egressCredentials.get(ready?.status?.externalId ?? '')).toMatchObject({ username: 'ops', password: PASSWORD_1 });
  });

  it('refuses a pinned gateway of another provider, naming the field', async () => {
    await fx.apply(manifest('KasmEgressProvider', 'proxy', { name: 'Web Proxy', egressProviderType: 'http_proxy' }));
    await fx.apply(manifest('KasmEgressMapping', 'wrong-pin', { providerRef: { name: 'proxy' }, groupId: ALL_USERS_GROUP_ID, gatewayRef: { name: 'fra' } }));
    const refused = await fx.waitFor('KasmEgressMapping', 'wrong-pin', (o) => readyReason(o) === 'InvalidSpec');
    expect(condition(refused, 'Ready')?.message).toMatch(/^spec\.gatewayRef: egress gateway \w+ belongs to egress provider/);
    await fx.remove('KasmEgressMapping', 'wrong-pin');
    await fx.remove('KasmEgressProvider', 'proxy');
  });

  it('never puts VPN configs or passwords in status, events or operator logs', async () => {
    const objects = [
      ['KasmEgressProvider', 'vpn'],
      ['KasmEgressGateway', 'fra'],
      ['KasmEgressCredential', 'fra-dev'],
      ['KasmEgressCredential', 'fra-ops'],
      ['KasmEgressMapping', 'all-users-vpn'],
    ] as const;
    const traces = await readTraces(fx, objects, [operator]);
    // The logs do record this work, just never the values.
    expect(traces.logs).toMatch(/KasmEgressCredential[\s\S]*updated in Kasm/);
    expectNoSecretShown(traces, SECRETS);
  });

  it('observes in bulk: list calls only, never one read per object', () => {
    for (const endpoint of ['get_egress_provider', 'get_egress_gateway', 'get_egress_credential', 'get_egress_provider_mapping']) {
      expect(fx.sim.calls.count(endpoint), endpoint).toBe(0);
    }
    expect(fx.sim.calls.count('get_egress_gateways')).toBeGreaterThan(0);
  });

  it('deletes each object from Kasm and lets the resources go', async () => {
    const ids = {
      mapping: await idOf('KasmEgressMapping', 'all-users-vpn'),
      credential: await idOf('KasmEgressCredential', 'fra-dev'),
      gateway: await idOf('KasmEgressGateway', 'fra'),
      provider: await idOf('KasmEgressProvider', 'vpn'),
    };
    await fx.remove('KasmEgressMapping', 'all-users-vpn');
    await fx.remove('KasmEgressCredential', 'fra-dev');
    await fx.remove('KasmEgressCredential', 'fra-ops');
    await fx.waitFor('KasmEgressMapping', 'all-users-vpn', (o) => o === undefined);
    await fx.waitFor('KasmEgressCredential', 'fra-dev', (o) => o === undefined);
    await fx.waitFor('KasmEgressCredential', 'fra-ops', (o) => o === undefined);
    expect(state().egressMappings.has(ids.mapping)).toBe(false);
    expect(state().egressCredentials.has(ids.credential)).toBe(false);
    await fx.removeAndWait('KasmEgressGateway', 'fra');
    expect(state().egressGateways.has(ids.gateway)).toBe(false);
    await fx.removeAndWait('KasmEgressProvider', 'vpn');
    expect(state().egressProviders.has(ids.provider)).toBe(false);
    for (const endpoint of ['delete_egress_provider_mapping', 'delete_egress_credential', 'delete_egress_gateway']) expect(fx.sim.calls.count(endpoint), endpoint).toBeGreaterThan(0);
  });

  it('keeps the Kasm objects when deletionPolicy is Orphan', async () => {
    const user = state().findUserByUsername('user@kasm.local');
    await fx.apply(manifest('KasmEgressProvider', 'keep', { name: 'Kept VPN', egressProviderType: 'wireguard', deletionPolicy: 'Orphan' }));
    await fx.apply(manifest('KasmEgressGateway', 'keep-gw', { providerRef: { name: 'keep' }, name: 'kept', deletionPolicy: 'Orphan' }));
    await fx.apply(manifest('KasmEgressCredential', 'keep-cred', { gatewayRef: { name: 'keep-gw' }, username: 'kept', deletionPolicy: 'Orphan' }));
    await fx.apply(manifest('KasmEgressMapping', 'keep-map', { providerRef: { name: 'keep' }, userId: user?.user_id, deletionPolicy: 'Orphan' }));
    const names = [['KasmEgressMapping', 'keep-map'], ['KasmEgressCredential', 'keep-cred'], ['KasmEgressGateway', 'keep-gw'], ['KasmEgressProvider', 'keep']] as const;
    const ids: string[] = [];
    for (const [kind, name] of names) ids.push((await fx.waitFor(kind, name, isReady))?.status?.externalId ?? '');
    const writesBefore = writes();
    for (const [kind, name] of names) await fx.remove(kind, name);
    for (const [kind, name] of names) await fx.waitFor(kind, name, (o) => o === undefined);
    expect(writes()).toBe(writesBefore);
    expect(state().egressMappings.has(ids[0] ?? '')).toBe(true);
    expect(state().egressCredentials.has(ids[1] ?? '')).toBe(true);
    expect(state().egressGateways.has(ids[2] ?? '')).toBe(true);
    expect(state().egressProviders.has(ids[3] ?? '')).toBe(true);
  });

  it('adopts existing objects under ["Observe"] without writing to Kasm', async () => {
    const image = await kasm.images.create({ name: 'kasmweb/tor-browser:1.16.0', imageType: 'Container' });
    const provider = await kasm.egress.providers.create({ name: 'Existing Proxy', egressProviderType: 'socks_proxy', enabled: true });
    const gateway = await kasm.egress.gateways.create({ egressProviderId: provider.egressProviderId, name: 'proxy-1', country: 'NL' });
    const credential = await kasm.egress.credentials.create({ egressGatewayId: gateway.egressGatewayId, username: 'proxy-user', password: PASSWORD_1 });
    const mapping = await kasm.egress.mappings.create({ egressProviderId: provider.egressProviderId, imageId: image.imageId });
    const writesBefore = writes();
    const observe = { managementPolicies: ['Observe'] };
    await fx.apply(manifest('KasmEgressProvider', 'seen', { name: 'Existing Proxy', egressProviderType: 'socks_proxy', ...observe }));
    await fx.apply(manifest('KasmEgressGateway', 'seen-gw', { providerRef: { name: 'seen' }, name: 'proxy-1', ...observe }));
    await fx.apply(manifest('KasmEgressCredential', 'seen-cred', { gatewayRef: { name: 'seen-gw' }, username: 'proxy-user', ...observe }));
    await fx.apply(manifest('KasmEgressMapping', 'seen-map', { providerId: provider.egressProviderId, imageId: image.imageId, ...observe }));
    const seen = {
      provider: await fx.waitFor('KasmEgressProvider', 'seen', isReady),
      gateway: await fx.waitFor('KasmEgressGateway', 'seen-gw', isReady),
      credential: await fx.waitFor('KasmEgressCredential', 'seen-cred', isReady),
      mapping: await fx.waitFor('KasmEgressMapping', 'seen-map', isReady),
    };
    expect(seen.provider?.status?.externalId).toBe(provider.egressProviderId);
    expect(seen.gateway?.status?.externalId).toBe(gateway.egressGatewayId);
    expect(seen.gateway?.status?.atProvider?.country).toBe('NL');
    expect(seen.credential?.status?.externalId).toBe(credential.egressCredentialId);
    expect(seen.credential?.status?.atProvider?.passwordSet).toBe(true);
    expect(seen.mapping?.status?.externalId).toBe(mapping.egressProviderMappingId);
    for (const name of ['seen', 'seen-gw', 'seen-cred', 'seen-map']) expect((await fx.waitForEvents(name, 'Adopted')).length).toBe(1);
    for (const [kind, name] of [['KasmEgressMapping', 'seen-map'], ['KasmEgressCredential', 'seen-cred'], ['KasmEgressGateway', 'seen-gw'], ['KasmEgressProvider', 'seen']] as const) {
      await fx.removeAndWait(kind, name);
    }
    expect(writes()).toBe(writesBefore);
    expect(state().egressProviders.has(provider.egressProviderId)).toBe(true);
    expect(state().egressMappings.has(mapping.egressProviderMappingId)).toBe(true);
  });
});
