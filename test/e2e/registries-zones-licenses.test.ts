import { ApiException } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import { API_VERSION, condition, eventually, isCurrent, isReady, readyReason, startOperatorWithKasm, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';
import { expectNoSecretShown, readTraces } from './secrets-shown.js';

/**
 * KasmRegistry, KasmZone and KasmLicense through the operator against the simulator: registries
 * created, replaced on a channel change (Kasm has no update), corrected, deleted or orphaned and
 * adopted; zones observed read-only by name; licences activated from a Secret that may come late,
 * activated again when their inputs change, never deleted, and their key kept out of everything.
 */
let fx: OperatorFixture;
let operator: OperatorInstance;
let kasm: KasmClient;

beforeAll(async () => {
  // A short poll: most steps here wait for the next look at Kasm (drift, zones appearing, expiry).
  ({ fx, operator, kasm } = await startOperatorWithKasm({ env: { POLL_INTERVAL: '1s' } }));
});
afterAll(async () => {
  await fx?.close();
});

async function rejection(apply: Promise<unknown>): Promise<string> {
  const err = await apply.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  expect((err as ApiException<unknown>).code).toBe(422);
  const body = (err as ApiException<unknown>).body;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

const eventNote = async (name: string, reason: string) => (await fx.waitForEvents(name, reason))[0]?.note;

describe('KasmRegistry', () => {
  const URL = 'https://registry.example.com/';
  const registriesAt = (url: string) => [...fx.sim.state.registries.values()].filter((r) => r.registry_url === url);
  const registryWrites = () => fx.kasmCalls(['create_registry', 'delete_registry']);

  it('adds the registry to Kasm and lists its workspaces in status', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmRegistry', metadata: { name: 'example' }, spec: { url: URL, channel: '1.16.0' } });
    const ready = await fx.waitFor('KasmRegistry', 'example', (o) => isReady(o) && o?.metadata?.annotations?.['kasm.io/external-id'] !== undefined);
    const [inKasm, ...others] = registriesAt(URL);
    expect(others).toEqual([]);
    expect(inKasm?.channel).toBe('1.16.0');
    expect(ready?.status?.externalId).toBe(inKasm?.registry_id);
    expect(ready?.status?.atProvider).toMatchObject({ url: URL, channel: '1.16.0', workspaceCount: 3 });
    const workspaces = ready?.status?.atProvider?.workspaces as { friendlyName?: string; compatibility?: { image?: string }[] }[];
    expect(workspaces.map((w) => w.friendlyName)).toEqual(['Chromium', 'Ubuntu Jammy Desktop', 'Terminal']);
    expect(workspaces[0]?.compatibility?.[0]?.image).toBe('kasmweb/chromium:1.16.0');
    expect(fx.sim.calls.count('create_registry')).toBe(1);
  });

  it('refuses a new URL: the URL is the registry', async () => {
    const body = await rejection(fx.mergePatch('KasmRegistry', 'example', { spec: { url: 'https://other.example.com/' } }));
    expect(body).toContain('url cannot change');
  });

  it('replaces the registry when the channel changes, as Kasm has no update', async () => {
    const before = (await fx.get('KasmRegistry', 'example'))?.status?.externalId;
    await fx.mergePatch('KasmRegistry', 'example', { spec: { channel: 'develop' } });
    // The annotation is written after the status that records the new id.
    const obj = await fx.waitFor(
      'KasmRegistry',
      'example',
      (o) => isCurrent(o) && o?.status?.externalId !== before && o?.metadata?.annotations?.['kasm.io/external-id'] === o?.status?.externalId,
    );
    const [inKasm, ...others] = registriesAt(URL);
    expect(others).toEqual([]);
    expect(inKasm?.channel).toBe('develop');
    expect(obj?.status?.externalId).toBe(inKasm?.registry_id);
    expect(obj?.metadata?.annotations?.['kasm.io/external-id']).toBe(inKasm?.registry_id);
    expect(fx.sim.state.registries.has(before ?? '')).toBe(false);
    expect(await eventNote('example', 'Replaced')).toContain(`was ${before}`);
  });

  it('puts back a channel changed in Kasm behind its back, and reports the drift', async () => {
    const record = registriesAt(URL)[0];
    if (!record) throw new Error('registry missing');
    record.channel = '1.15.0';
    await eventually(() => registriesAt(URL)[0]?.channel === 'develop', 20_000, 'channel restored');
    const obj = await fx.waitFor('KasmRegistry', 'example', (o) => isReady(o) && (o?.status?.drift ?? []).some((d) => d.field === 'channel'));
    expect(obj?.status?.drift).toEqual([{ field: 'channel', desired: 'develop', observed: '1.15.0' }]);
    expect(await eventNote('example', 'DriftCorrected')).toContain('channel');
  });

  it('adds the registry again when it is removed in Kasm', async () => {
    const id = registriesAt(URL)[0]?.registry_id ?? '';
    fx.sim.state.deleteRegistry(id);
    await eventually(() => registriesAt(URL).length === 1, 20_000, 'registry added again');
    expect(await eventNote('example', 'ExternalDeleted')).toContain(id);
    await fx.waitFor('KasmRegistry', 'example', (o) => isReady(o) && o?.status?.externalId === registriesAt(URL)[0]?.registry_id);
  });

  it('deletes the registry from Kasm when the resource is deleted', async () => {
    await fx.removeAndWait('KasmRegistry', 'example');
    expect(registriesAt(URL)).toEqual([]);
  });

  it('keeps the registry in Kasm with deletionPolicy Orphan', async () => {
    const url = 'https://orphan.example.com/';
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmRegistry', metadata: { name: 'orphan' }, spec: { url, deletionPolicy: 'Orphan' } });
    await fx.waitFor('KasmRegistry', 'orphan', isReady);
    const deletes = fx.sim.calls.count('delete_registry');
    await fx.removeAndWait('KasmRegistry', 'orphan');
    expect(registriesAt(url)).toHaveLength(1);
    expect(fx.sim.calls.count('delete_registry')).toBe(deletes);
  });

  it('refuses to take over a registry it did not add, naming the annotation', async () => {
    const existing = await kasm.registries.create({ registryUrl: 'https://taken.example.com/' });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmRegistry', metadata: { name: 'taken' }, spec: { url: 'https://taken.example.com/' } });
    const obj = await fx.waitFor('KasmRegistry', 'taken', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(condition(obj, 'Ready')).toMatchObject({ reason: 'Conflict' });
    expect(condition(obj, 'Ready')?.message).toContain(`kasm.io/external-id: "${existing.registryId}"`);
    await fx.removeAndWait('KasmRegistry', 'taken');
  });

  it('observes an existing registry by URL under ["Observe"] without writing to Kasm', async () => {
    const existing = await kasm.registries.create({ registryUrl: 'https://observed.example.com', channel: 'stable' });
    const writes = registryWrites();
    // Written with a trailing slash: the same registry for Kasm and for the operator.
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmRegistry',
      metadata: { name: 'observed' },
      spec: { url: 'https://observed.example.com/', channel: 'stable', managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmRegistry', 'observed', isReady);
    expect(obj?.status?.externalId).toBe(existing.registryId);
    await fx.mergePatch('KasmRegistry', 'observed', { spec: { channel: 'other' } });
    const drifted = await fx.waitFor('KasmRegistry', 'observed', (o) => readyReason(o) === 'Drifted');
    expect(drifted?.status?.drift).toEqual([{ field: 'channel', desired: 'other', observed: 'stable' }]);
    await fx.removeAndWait('KasmRegistry', 'observed');
    expect(fx.sim.state.registries.has(existing.registryId)).toBe(true);
    expect(registryWrites()).toBe(writes);
  });
});

describe('KasmZone', () => {
  const zoneNamed = (name: string) => [...fx.sim.state.zones.values()].find((z) => z.zone_name === name);

  it('must be observe-only', async () => {
    const all = await rejection(fx.apply({ apiVersion: API_VERSION, kind: 'KasmZone', metadata: { name: 'bad' }, spec: { name: 'default', managementPolicies: ['*'] } }));
    expect(all).toContain('spec.managementPolicies');
  });

  it('reports the zone by name, follows changes made in Kasm, and never writes', async () => {
    const callsBefore = fx.sim.calls.log().filter((c) => c.endpoint !== 'get_zones').length;
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmZone', metadata: { name: 'default' }, spec: { name: 'default' } });
    const ready = await fx.waitFor('KasmZone', 'default', isReady);
    const zone = zoneNamed('default');
    expect(ready?.status?.externalId).toBe(zone?.zone_id);
    expect(ready?.status?.atProvider).toMatchObject({ zoneName: 'default', loadBalancingStrategy: 'least_load', proxyPath: 'desktop', proxyPort: 0 });
    if (!zone) throw new Error('zone missing');
    zone.proxy_port = 8443;
    await fx.waitFor('KasmZone', 'default', (o) => isReady(o) && o?.status?.atProvider?.proxyPort === 8443);
    // Only get_zones (the other kinds' calls are not made by this one: none run meanwhile).
    expect(fx.sim.calls.log().filter((c) => c.endpoint !== 'get_zones').length).toBe(callsBefore);
  });

  it('reports a zone Kasm does not have, naming it, and becomes Ready when it appears', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmZone', metadata: { name: 'eu' }, spec: { name: 'europe', managementPolicies: ['Observe'] } });
    const missing = await fx.waitFor('KasmZone', 'eu', (o) => readyReason(o) === 'NotFound');
    expect(condition(missing, 'Ready')?.message).toContain('"europe"');
    const eu = zoneNamed('default');
    if (!eu) throw new Error('zone missing');
    fx.sim.state.addZone({ ...eu, zone_id: 'e0a1b2c3d4e5f60718293a4b5c6d7e8f', zone_name: 'europe' });
    const ready = await fx.waitFor('KasmZone', 'eu', isReady);
    expect(ready?.status?.externalId).toBe('e0a1b2c3d4e5f60718293a4b5c6d7e8f');
  });

  it('reports a zone that went away as NotFound, and finds it again by name', async () => {
    const zone = zoneNamed('europe');
    if (!zone) throw new Error('zone missing');
    zone.zone_name = 'europe-old';
    const gone = await fx.waitFor('KasmZone', 'eu', (o) => readyReason(o) === 'NotFound' && condition(o, 'Stalled')?.status === 'True');
    expect(condition(gone, 'Ready')?.message).toContain('no zone named "europe" any more');
    zone.zone_name = 'europe';
    await fx.waitFor('KasmZone', 'eu', (o) => isReady(o) && condition(o, 'Stalled')?.status === 'False');
  });

  it('leaves the zone alone when the resource is deleted', async () => {
    await fx.remove('KasmZone', 'eu');
    await fx.remove('KasmZone', 'default');
    await fx.waitFor('KasmZone', 'eu', (o) => o === undefined);
    await fx.waitFor('KasmZone', 'default', (o) => o === undefined);
    expect(zoneNamed('europe')).toBeDefined();
    expect(zoneNamed('default')).toBeDefined();
  });
});

describe('KasmLicense', () => {
  const KEY_1 = 'ACME-Activation-Key-1111-aaaa';
  const KEY_2 = 'ACME-Activation-Key-2222-bbbb';
  const licenseOf = (key: string) => [...fx.sim.state.licenses.values()].find((l) => l.activation_key === key);
  const spec = { activationKeySecretRef: { name: 'license', key: 'activationKey' }, seats: 25, issuedTo: 'ACME Corp' };

  it('refuses deletionPolicy Delete, and needs a key unless it only observes', async () => {
    const orphan = await rejection(fx.apply({ apiVersion: API_VERSION, kind: 'KasmLicense', metadata: { name: 'bad' }, spec: { ...spec, deletionPolicy: 'Delete' } }));
    expect(orphan).toContain('set it to Orphan');
    const key = await rejection(fx.apply({ apiVersion: API_VERSION, kind: 'KasmLicense', metadata: { name: 'bad' }, spec: { issuedTo: 'ACME Corp' } }));
    expect(key).toContain('set activationKeySecretRef');
  });

  it('waits for its Secret (SecretNotFound), then activates the key and reports the licence', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmLicense', metadata: { name: 'acme' }, spec });
    const waiting = await fx.waitFor('KasmLicense', 'acme', (o) => readyReason(o) === 'SecretNotFound');
    expect(condition(waiting, 'Ready')?.message).toContain('license');
    expect(fx.sim.calls.count('activate')).toBe(0);
    await fx.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'license' }, stringData: { activationKey: KEY_1 } });
    const ready = await fx.waitFor('KasmLicense', 'acme', (o) => isReady(o) && o?.metadata?.annotations?.['kasm.io/external-id'] !== undefined);
    const inKasm = licenseOf(KEY_1);
    expect(inKasm).toMatchObject({ issued_to: 'ACME Corp', limit: 25 });
    expect(ready?.status?.externalId).toBe(inKasm?.license_id);
    expect(ready?.status?.atProvider).toMatchObject({ licenseType: 'Per Concurrent Session', limit: 25, issuedTo: 'ACME Corp', isVerified: true, sku: 'ENT' });
    expect(ready?.status?.atProvider?.features).toMatchObject({ session_casting: true });
    expect(Date.parse(String(ready?.status?.atProvider?.expiration))).toBeGreaterThan(Date.now());
    expect(ready?.status?.activation).toMatchObject({ seats: 25, issuedTo: 'ACME Corp', secretVersion: expect.any(String) as unknown });
    expect(fx.sim.calls.count('activate')).toBe(1);
  });

  it('activates again when seats change', async () => {
    await fx.mergePatch('KasmLicense', 'acme', { spec: { seats: 30 } });
    const obj = await fx.waitFor('KasmLicense', 'acme', (o) => isReady(o) && (o?.status?.activation as { seats?: number } | undefined)?.seats === 30);
    expect(fx.sim.calls.count('activate')).toBe(2);
    // Kasm answers a repeated activation with the licence that key already made.
    expect(obj?.status?.externalId).toBe(licenseOf(KEY_1)?.license_id);
    expect(await eventNote('acme', 'Activated')).toContain('again');
  });

  it('activates the new key when the Secret changes; the old licence stays in Kasm', async () => {
    const old = licenseOf(KEY_1)?.license_id;
    await fx.mergePatch('Secret', 'license', { stringData: { activationKey: KEY_2 } });
    const id = await eventually(() => licenseOf(KEY_2)?.license_id, 20_000, 'new key activated');
    await fx.waitFor('KasmLicense', 'acme', (o) => isReady(o) && o?.status?.externalId === id && o?.metadata?.annotations?.['kasm.io/external-id'] === id);
    expect(licenseOf(KEY_1)?.license_id).toBe(old);
    await eventually(
      async () => (await fx.events()).some((e) => e.regardingName === 'acme' && e.reason === 'Activated' && (e.note ?? '').includes(`previous licence ${old ?? ''} stays in Kasm`)),
      20_000,
      'Activated event naming the previous licence',
    );
  });

  it('activates the key again when the licence is removed in Kasm', async () => {
    const id = licenseOf(KEY_2)?.license_id ?? '';
    fx.sim.state.deleteLicense(id);
    await eventually(() => licenseOf(KEY_2) !== undefined, 20_000, 'licence activated again');
    expect(await eventNote('acme', 'ExternalDeleted')).toContain(id);
    await fx.waitFor('KasmLicense', 'acme', (o) => isReady(o) && o?.status?.externalId === licenseOf(KEY_2)?.license_id);
  });

  it('reports an expired licence as not Ready', async () => {
    const record = licenseOf(KEY_2);
    if (!record) throw new Error('licence missing');
    record.expiration = Date.now() - 60_000;
    const expired = await fx.waitFor('KasmLicense', 'acme', (o) => readyReason(o) === 'LicenseExpired');
    expect(condition(expired, 'Ready')?.message).toContain('put a renewed activation key in Secret license');
    record.expiration = Date.now() + 86_400_000;
    await fx.waitFor('KasmLicense', 'acme', isReady);
  });

  it('never puts the activation key in status, events or operator logs', async () => {
    const traces = await readTraces(fx, [['KasmLicense', 'acme']], [operator]);
    expect(traces.logs).toMatch(/KasmLicense/);
    expectNoSecretShown(traces, [KEY_1, KEY_2]);
  });

  it('leaves the licence in Kasm when the resource is deleted', async () => {
    const id = licenseOf(KEY_2)?.license_id ?? '';
    const activations = fx.sim.calls.count('activate');
    await fx.removeAndWait('KasmLicense', 'acme');
    expect(fx.sim.state.licenses.has(id)).toBe(true);
    expect(fx.sim.calls.count('activate')).toBe(activations);
  });

  it('observes an existing licence by issuedTo under ["Observe"], without a key and without writing', async () => {
    const existing = await kasm.licenses.activate({ activationKey: 'Observed-Activation-Key-3333', seats: 5, issuedTo: 'Observed Corp' });
    const activations = fx.sim.calls.count('activate');
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmLicense',
      metadata: { name: 'observed' },
      spec: { issuedTo: 'Observed Corp', seats: 5, managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmLicense', 'observed', isReady);
    expect(obj?.status?.externalId).toBe(existing.licenseId);
    expect(obj?.status?.atProvider).toMatchObject({ issuedTo: 'Observed Corp', limit: 5 });
    await fx.mergePatch('KasmLicense', 'observed', { spec: { seats: 50 } });
    const drifted = await fx.waitFor('KasmLicense', 'observed', (o) => readyReason(o) === 'Drifted');
    expect(drifted?.status?.drift).toEqual([{ field: 'seats', desired: '50', observed: '5' }]);
    await fx.removeAndWait('KasmLicense', 'observed');
    expect(fx.sim.calls.count('activate')).toBe(activations);
  });
});
