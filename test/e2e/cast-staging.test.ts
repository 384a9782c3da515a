import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import { API_VERSION, condition, eventually, isCurrent, isReady, readyReason, startOperatorWithKasm, writeEndpoints, type OperatorFixture } from '../harness/operator-fixture.js';

/**
 * KasmCastConfig and KasmStagingConfig through the operator against the simulator: they wait for
 * their references, create with every field mapped, update, correct drift, delete or orphan, and
 * adopt an existing Kasm object under ["Observe"] without a single write.
 */
let fx: OperatorFixture;
let kasm: KasmClient;

beforeAll(async () => {
  ({ fx, kasm } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

const castById = (id: string | undefined) => (id === undefined ? undefined : fx.sim.state.castConfigs.get(id));
const stagingById = (id: string | undefined) => (id === undefined ? undefined : fx.sim.state.stagingConfigs.get(id));
const defaultZoneId = () => [...fx.sim.state.zones.values()].find((z) => z.zone_name === 'default')?.zone_id ?? '';
const castWrites = () => fx.kasmCalls(writeEndpoints('cast_config'));
const stagingWrites = () => fx.kasmCalls(writeEndpoints('staging_config'));
const eventNote = async (name: string, reason: string) => (await fx.waitForEvents(name, reason))[0]?.note;

describe('KasmCastConfig', () => {
  let imageId: string | undefined;
  let groupId: string | undefined;
  let castId: string | undefined;

  it('waits for its image and group, then creates the cast config with every field and shows the cast URL', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmCastConfig',
      metadata: { name: 'demo' },
      spec: {
        name: 'Chrome demo',
        key: 'chrome-demo',
        imageRef: { name: 'cast-chrome' },
        groupRef: { name: 'cast-visitors' },
        allowedReferrers: ['example.com', 'example.org'],
        allowAnonymous: true,
        errorUrl: 'https://example.com/sorry',
        limits: { limitSessions: true, sessionsRemaining: 5, limitIps: true, ipRequestLimit: 3, ipRequestSeconds: 3600 },
        enforceClientSettings: true,
        clientSettings: { allowKasmAudio: false, allowKasmUploads: true, kasmImeModeDefaultOn: true },
        validUntil: '2030-06-30T12:00:00Z',
      },
    });
    const waiting = await fx.waitFor('KasmCastConfig', 'demo', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('cast-chrome');
    expect(fx.sim.calls.count('create_cast_config')).toBe(0);

    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmImage', metadata: { name: 'cast-chrome' }, spec: { name: 'kasmweb/chrome:1.16.0', friendlyName: 'Chrome' } });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmGroup', metadata: { name: 'cast-visitors' }, spec: { name: 'Cast visitors' } });
    imageId = (await fx.waitFor('KasmImage', 'cast-chrome', isReady))?.status?.externalId;
    groupId = (await fx.waitFor('KasmGroup', 'cast-visitors', isReady))?.status?.externalId;

    const ready = await fx.waitFor('KasmCastConfig', 'demo', (o) => isReady(o) && o?.status?.castUrl !== undefined);
    castId = ready?.status?.externalId;
    const inKasm = castById(castId);
    expect(inKasm).toMatchObject({
      casting_config_name: 'Chrome demo',
      key: 'chrome-demo',
      image_id: imageId,
      group_id: groupId,
      allowed_referrers: ['example.com', 'example.org'],
      allow_anonymous: true,
      error_url: 'https://example.com/sorry',
      limit_sessions: true,
      session_remaining: 5,
      limit_ips: true,
      ip_request_limit: 3,
      ip_request_seconds: 3600,
      enforce_client_settings: true,
      allow_kasm_audio: false,
      allow_kasm_uploads: true,
      kasm_ime_mode_default_on: true,
      valid_until: '2030-06-30 12:00:00',
    });
    expect(ready?.status?.castUrl).toBe(`${fx.sim.url}/#/cast/chrome-demo`);
    expect(ready?.status?.atProvider).toMatchObject({ key: 'chrome-demo', imageFriendlyName: 'Chrome', groupName: 'Cast visitors', sessionsRemaining: 5, validUntil: '2030-06-30T12:00:00.000Z' });
    expect(fx.sim.calls.count('create_cast_config')).toBe(1);
  });

  it('applies a spec change to Kasm, a new key moving the cast URL', async () => {
    await fx.mergePatch('KasmCastConfig', 'demo', { spec: { key: 'chrome-trial', clientSettings: { allowKasmAudio: true }, allowedReferrers: ['example.com'] } });
    const obj = await fx.waitFor('KasmCastConfig', 'demo', (o) => isCurrent(o) && o?.status?.castUrl === `${fx.sim.url}/#/cast/chrome-trial`);
    expect(obj?.status?.externalId).toBe(castId);
    expect(castById(castId)).toMatchObject({ key: 'chrome-trial', allow_kasm_audio: true, allowed_referrers: ['example.com'] });
    expect(fx.sim.calls.count('create_cast_config')).toBe(1);
  });

  it('corrects a change made in Kasm behind its back, and reports the drift', async () => {
    const cast = castById(castId);
    if (!cast) throw new Error('cast config missing');
    cast.allow_anonymous = false;
    cast.ip_request_limit = 100;
    await eventually(() => castById(castId)?.allow_anonymous === true && castById(castId)?.ip_request_limit === 3, 20_000, 'cast config restored');
    const obj = await fx.waitFor('KasmCastConfig', 'demo', (o) => (o?.status?.drift ?? []).some((d) => d.field === 'limits.ipRequestLimit'));
    expect(obj?.status?.drift).toEqual(
      expect.arrayContaining([
        { field: 'allowAnonymous', desired: 'true', observed: 'false' },
        { field: 'limits.ipRequestLimit', desired: '3', observed: '100' },
      ]),
    );
    expect(await eventNote('demo', 'DriftCorrected')).toContain('allowAnonymous');
  });

  it('lets Kasm count sessionsRemaining down, and sends it again only when the spec changes', async () => {
    const updatesBefore = fx.sim.calls.count('update_cast_config');
    const cast = castById(castId);
    if (!cast) throw new Error('cast config missing');
    // A visitor launched a session from the link.
    cast.session_remaining = 4;
    const seen = await fx.waitFor('KasmCastConfig', 'demo', (o) => o?.status?.atProvider?.sessionsRemaining === 4);
    expect(isReady(seen)).toBe(true);
    expect(castById(castId)?.session_remaining).toBe(4);
    expect(fx.sim.calls.count('update_cast_config')).toBe(updatesBefore);

    await fx.mergePatch('KasmCastConfig', 'demo', { spec: { limits: { sessionsRemaining: 10 } } });
    await eventually(() => castById(castId)?.session_remaining === 10, 20_000, 'sessionsRemaining sent again');
    const obj = await fx.waitFor('KasmCastConfig', 'demo', isCurrent);
    expect(obj?.status?.sessionsRemainingApplied).toBe(10);
  });

  it('creates the cast config again when it is deleted in Kasm', async () => {
    fx.sim.state.deleteCastConfig(castId ?? '');
    const again = await fx.waitFor('KasmCastConfig', 'demo', (o) => isReady(o) && o?.status?.externalId !== castId);
    castId = again?.status?.externalId;
    expect(castById(castId)?.key).toBe('chrome-trial');
    expect(await eventNote('demo', 'ExternalDeleted')).toContain('chrome-trial');
  });

  it('deletes the cast config from Kasm and lets the object go', async () => {
    await fx.removeAndWait('KasmCastConfig', 'demo');
    expect(castById(castId)).toBeUndefined();
  });

  it('keeps the Kasm cast config when deletionPolicy is Orphan', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmCastConfig',
      metadata: { name: 'kept' },
      spec: { name: 'Kept', key: 'kept-link', imageId: imageId ?? '', deletionPolicy: 'Orphan' },
    });
    const ready = await fx.waitFor('KasmCastConfig', 'kept', isReady);
    const deletesBefore = fx.sim.calls.count('delete_cast_config');
    await fx.removeAndWait('KasmCastConfig', 'kept');
    expect(castById(ready?.status?.externalId)?.key).toBe('kept-link');
    expect(fx.sim.calls.count('delete_cast_config')).toBe(deletesBefore);
  });

  it('observes an existing cast config by key under ["Observe"] without writing to Kasm', async () => {
    const existing = await kasm.castConfigs.create({ castingConfigName: 'Support', key: 'support', imageId: imageId ?? null, allowAnonymous: true });
    const writesBefore = castWrites();
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmCastConfig',
      metadata: { name: 'support' },
      spec: { name: 'Support', key: 'support', imageRef: { name: 'cast-chrome' }, allowAnonymous: true, managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmCastConfig', 'support', isReady);
    expect(obj?.status?.externalId).toBe(existing.castConfigId);
    expect(obj?.status?.castUrl).toBe(`${fx.sim.url}/#/cast/support`);
    expect(await eventNote('support', 'Adopted')).toContain('Observe');
    // A change in Kasm is reported, not reverted.
    const record = castById(existing.castConfigId);
    if (!record) throw new Error('cast config missing');
    record.allow_anonymous = false;
    const drifted = await fx.waitFor('KasmCastConfig', 'support', (o) => readyReason(o) === 'Drifted');
    expect(drifted?.status?.drift).toEqual([{ field: 'allowAnonymous', desired: 'true', observed: 'false' }]);
    await fx.removeAndWait('KasmCastConfig', 'support');
    expect(castById(existing.castConfigId)).toBeDefined();
    expect(castWrites()).toBe(writesBefore);
  });

  it('is rejected by the API server when it names two images', async () => {
    const both = { apiVersion: API_VERSION, kind: 'KasmCastConfig', metadata: { name: 'two-images' }, spec: { name: 'Two', key: 'two', imageId: imageId ?? '', imageRef: { name: 'cast-chrome' } } };
    await expect(fx.apply(both)).rejects.toThrow(/set exactly one of imageRef or imageId/);
  });

  it('refuses to take over a key another cast config holds', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmCastConfig', metadata: { name: 'thief' }, spec: { name: 'Thief', key: 'support', imageId: imageId ?? '' } });
    const obj = await fx.waitFor('KasmCastConfig', 'thief', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(condition(obj, 'Ready')).toMatchObject({ reason: 'Conflict' });
    expect(condition(obj, 'Ready')?.message).toContain('kasm.io/external-id');
    await fx.remove('KasmCastConfig', 'thief');
  });
});

describe('KasmStagingConfig', () => {
  let imageId: string | undefined;
  let stagingId: string | undefined;

  it('waits for its image, then stages sessions with the expiration in hours', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmStagingConfig',
      metadata: { name: 'firefox-pool' },
      spec: { zoneName: 'default', imageRef: { name: 'stage-firefox' }, numSessions: 3, expiration: '30m', clientSettings: { allowKasmDownloads: true } },
    });
    const waiting = await fx.waitFor('KasmStagingConfig', 'firefox-pool', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('stage-firefox');
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmImage', metadata: { name: 'stage-firefox' }, spec: { name: 'kasmweb/firefox:1.16.0', friendlyName: 'Firefox' } });
    imageId = (await fx.waitFor('KasmImage', 'stage-firefox', isReady))?.status?.externalId;
    const ready = await fx.waitFor('KasmStagingConfig', 'firefox-pool', isReady);
    stagingId = ready?.status?.externalId;
    expect(stagingById(stagingId)).toMatchObject({ zone_id: defaultZoneId(), image_id: imageId, num_sessions: 3, expiration: 0.5, allow_kasm_downloads: true });
    expect(ready?.status?.atProvider).toMatchObject({ zoneName: 'default', imageFriendlyName: 'Firefox', numSessions: 3, expirationHours: 0.5, numCurrentSessions: 0 });
    expect(fx.sim.calls.count('create_staging_config')).toBe(1);
  });

  it('applies a spec change to Kasm', async () => {
    await fx.mergePatch('KasmStagingConfig', 'firefox-pool', { spec: { numSessions: 5, expiration: '2h' } });
    await fx.waitFor('KasmStagingConfig', 'firefox-pool', (o) => isCurrent(o) && o?.status?.atProvider?.numSessions === 5);
    expect(stagingById(stagingId)).toMatchObject({ num_sessions: 5, expiration: 2 });
  });

  it('corrects a change made in Kasm behind its back, and reports the drift', async () => {
    const staging = stagingById(stagingId);
    if (!staging) throw new Error('staging config missing');
    staging.num_sessions = 1;
    staging.expiration = 24;
    await eventually(() => stagingById(stagingId)?.num_sessions === 5 && stagingById(stagingId)?.expiration === 2, 20_000, 'staging config restored');
    const obj = await fx.waitFor('KasmStagingConfig', 'firefox-pool', (o) => (o?.status?.drift ?? []).length === 2);
    expect(obj?.status?.drift).toEqual(
      expect.arrayContaining([
        { field: 'numSessions', desired: '5', observed: '1' },
        { field: 'expiration', desired: '2h', observed: '24h' },
      ]),
    );
    expect(await eventNote('firefox-pool', 'DriftCorrected')).toContain('numSessions');
  });

  it('deletes the staging config from Kasm and lets the object go', async () => {
    await fx.removeAndWait('KasmStagingConfig', 'firefox-pool');
    expect(stagingById(stagingId)).toBeUndefined();
  });

  it('waits for a zone Kasm does not have yet, and keeps its staging config when orphaned', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmStagingConfig',
      metadata: { name: 'edge-pool' },
      spec: { zoneName: 'edge', imageId: imageId ?? '', numSessions: 1, expiration: '1h', deletionPolicy: 'Orphan' },
    });
    const waiting = await fx.waitFor('KasmStagingConfig', 'edge-pool', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('zone "edge" does not exist in Kasm');
    const base = [...fx.sim.state.zones.values()][0];
    if (!base) throw new Error('no zone');
    const edgeId = randomBytes(16).toString('hex');
    fx.sim.state.addZone({ ...base, zone_id: edgeId, zone_name: 'edge' });
    const ready = await fx.waitFor('KasmStagingConfig', 'edge-pool', isReady);
    expect(stagingById(ready?.status?.externalId)?.zone_id).toBe(edgeId);
    const deletesBefore = fx.sim.calls.count('delete_staging_config');
    await fx.removeAndWait('KasmStagingConfig', 'edge-pool');
    expect(stagingById(ready?.status?.externalId)).toBeDefined();
    expect(fx.sim.calls.count('delete_staging_config')).toBe(deletesBefore);
  });

  it('is rejected by the API server when it names two zones', async () => {
    const both = { apiVersion: API_VERSION, kind: 'KasmStagingConfig', metadata: { name: 'two-zones' }, spec: { zoneName: 'default', zoneId: defaultZoneId(), imageId: imageId ?? '', numSessions: 1, expiration: '1h' } };
    await expect(fx.apply(both)).rejects.toThrow(/set exactly one of zoneName or zoneId/);
  });

  it('observes an existing staging config by zone and image under ["Observe"] without writing to Kasm', async () => {
    const image = await kasm.images.create({ name: 'kasmweb/terminal:1.16.0', friendlyName: 'Terminal', imageType: 'Container' });
    const existing = await kasm.stagingConfigs.create({ zoneId: defaultZoneId(), imageId: image.imageId, numSessions: 2, expiration: 3 });
    const writesBefore = stagingWrites();
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmStagingConfig',
      metadata: { name: 'terminal-pool' },
      spec: { zoneId: defaultZoneId(), imageId: image.imageId, numSessions: 2, expiration: '3h', managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmStagingConfig', 'terminal-pool', isReady);
    expect(obj?.status?.externalId).toBe(existing.stagingConfigId);
    expect(obj?.status?.atProvider).toMatchObject({ imageFriendlyName: 'Terminal', numSessions: 2 });
    expect(await eventNote('terminal-pool', 'Adopted')).toContain('Observe');
    await fx.removeAndWait('KasmStagingConfig', 'terminal-pool');
    expect(stagingById(existing.stagingConfigId)).toBeDefined();
    expect(stagingWrites()).toBe(writesBefore);
  });
});
