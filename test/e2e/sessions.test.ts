import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import { API_VERSION, condition, decodeSecret, eventually, isCurrent, isReady, readyReason, startOperatorWithKasm, type ManagedResource, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';
import { expectNoSecretShown, readTraces } from './secrets-shown.js';

/**
 * KasmSession through the operator against the simulator: a slow start (Ready only once running),
 * the connection Secret (token rotation, nothing secret elsewhere), keepalive counted, the
 * screenshot ConfigMap, frame stats and recordings, recreate vs report of sessions Kasm ended,
 * delete and Orphan, adoption under Observe and after an interrupted create.
 */
const SESSION_START_MS = 500;

let fx: OperatorFixture;
let operator: OperatorInstance;
let kasm: KasmClient;

beforeAll(async () => {
  ({ fx, operator, kasm } = await startOperatorWithKasm({ sim: { sessionStartMs: SESSION_START_MS } }));
});
afterAll(async () => {
  await fx?.close();
});

type Stored = ManagedResource & { data?: Record<string, string>; binaryData?: Record<string, string> };

const readCore = (kind: 'Secret' | 'ConfigMap', name: string): Promise<Stored | undefined> => fx.get(kind, name);

async function secretData(name: string): Promise<Record<string, string> | undefined> {
  const secret = await readCore('Secret', name);
  return secret && decodeSecret(secret);
}

const simSession = (id: string | undefined) => (id === undefined ? undefined : fx.sim.state.sessions.get(id));
const count = (endpoint: string) => fx.sim.calls.count(endpoint);
const hasEvent = async (name: string, reason: string) => (await fx.events()).some((e) => e.regardingName === name && e.reason === reason);

/** Every token and URL the Secrets held, to look for anywhere else. */
const secretsSeen = new Set<string>();
function remember(data: Record<string, string> | undefined): void {
  if (data?.token) secretsSeen.add(data.token);
  if (data?.url) secretsSeen.add(data.url);
}

describe('KasmSession with references and a connection Secret', () => {
  let id: string | undefined;
  let bobId: string | undefined;

  it('waits for its KasmUser, then is Ready only once Kasm reports the session running', async () => {
    fx.sim.config.sessionStartMs = 60_000;
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmImage', metadata: { name: 'desktop' }, spec: { name: 'kasmweb/desktop:1.16.0', friendlyName: 'Desktop' } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSession',
      metadata: { name: 'work' },
      spec: {
        userRef: { name: 'bob' },
        imageRef: { name: 'desktop' },
        enableSharing: true,
        environment: { GREETING: 'hello' },
        writeConnectionSecretToRef: { name: 'work-connection' },
      },
    });
    const waiting = await fx.waitFor('KasmSession', 'work', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('KasmUser "bob"');
    expect(count('request_kasm')).toBe(0);

    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'bob' }, spec: { username: 'bob@example.com', forceDelete: true } });
    bobId = (await fx.waitFor('KasmUser', 'bob', isReady))?.status?.externalId;
    const starting = await fx.waitFor('KasmSession', 'work', (o) => readyReason(o) === 'Starting' && o?.status?.externalId !== undefined);
    id = starting?.status?.externalId;
    expect(condition(starting, 'Ready')?.status).toBe('False');
    expect(condition(starting, 'Ready')?.message).toMatch(/requested \d+%/);
    expect(simSession(id)?.environment).toEqual({ GREETING: 'hello' });
    expect(simSession(id)?.user_id).toBe(bobId);
    // Before it runs, the Secret names the session but holds no way in.
    const early = await eventually(() => secretData('work-connection'), 10_000, 'Secret before running');
    expect(early).toMatchObject({ kasmId: id, userId: bobId });
    expect(early.url).toBeUndefined();
    expect(early.token).toBeUndefined();

    fx.sim.sessions.markRunning(id ?? '');
    fx.sim.config.sessionStartMs = SESSION_START_MS;
    const ready = await fx.waitFor('KasmSession', 'work', isReady);
    expect(ready?.status?.atProvider).toMatchObject({ userId: bobId, username: 'bob@example.com', image: 'Desktop', operationalStatus: 'running' });
    expect(ready?.status?.atProvider?.shareId).toBe(simSession(id)?.share_id);
    expect(ready?.status?.atProvider?.shareId).toMatch(/^[0-9a-f]{8}$/);
    expect(count('request_kasm')).toBe(1);
  });

  it('writes the connect URL and the working token to a Secret it owns', async () => {
    const data = await eventually(async () => {
      const d = await secretData('work-connection');
      return d?.token !== undefined && d.token === fx.sim.sessions.token(id ?? '') ? d : undefined;
    }, 10_000, 'Secret with the current token');
    remember(data);
    expect(data.url).toBe(`${fx.sim.url}/#/connect/kasm/${dashed(id ?? '')}/${bobId}/${data.token}`);
    const obj = await fx.get('KasmSession', 'work');
    expect(data).toMatchObject({ kasmId: id, userId: bobId, shareId: obj?.status?.atProvider?.shareId });
    expect(obj?.status?.connectionSecretName).toBe('work-connection');
    const secret = await readCore('Secret', 'work-connection');
    expect(secret?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'KasmSession', name: 'work', uid: obj?.metadata?.uid, controller: true })]);
    expect(await hasEvent('work', 'ConnectionSecretWritten')).toBe(true);
  });

  it('renews the Secret when Kasm rotates the token, and rewrites it when deleted', async () => {
    const before = (await secretData('work-connection'))?.token;
    // Someone else reads the session's status: Kasm issues a new token and the Secret's stops working.
    await kasm.sessions.status({ kasmId: id ?? '', userId: bobId ?? '' });
    expect(fx.sim.sessions.token(id ?? '')).not.toBe(before);
    const renewed = await eventually(async () => {
      const d = await secretData('work-connection');
      return d?.token !== before && d?.token === fx.sim.sessions.token(id ?? '') ? d : undefined;
    }, 10_000, 'Secret with the rotated token');
    remember(renewed);

    await fx.objects.delete({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'work-connection', namespace: fx.namespace } });
    const rewritten = await eventually(async () => {
      const d = await secretData('work-connection');
      return d?.token !== undefined && d.token === fx.sim.sessions.token(id ?? '') ? d : undefined;
    }, 10_000, 'Secret written again');
    remember(rewritten);
  });

  it('calls keepalive at the interval, and the expiration moves', async () => {
    const expiresBefore = simSession(id)?.expiration_date ?? 0;
    expect(count('keepalive')).toBe(0);
    await fx.mergePatch('KasmSession', 'work', { spec: { keepalive: '1s' } });
    const first = await eventually(() => (count('keepalive') > 0 ? count('keepalive') : undefined), 10_000, 'first keepalive');
    const t0 = Date.now();
    await eventually(() => count('keepalive') >= first + 3, 15_000, 'three more keepalives');
    const elapsed = Date.now() - t0;
    // Three more calls at one per second: no sooner than ~3 s, and not much later.
    expect(elapsed).toBeGreaterThanOrEqual(2_500);
    expect(elapsed).toBeLessThan(9_000);
    expect(simSession(id)?.expiration_date).toBeGreaterThan(expiresBefore);
    const obj = await fx.waitFor('KasmSession', 'work', (o) => Date.parse(String(o?.status?.atProvider?.expirationDate)) > expiresBefore);
    expect(obj?.status?.keepaliveSentAt).toEqual(expect.any(String));
    await fx.mergePatch('KasmSession', 'work', { spec: { keepalive: 'off' } });
    await fx.waitFor('KasmSession', 'work', isCurrent);
  });

  it('writes a screenshot to a ConfigMap it owns once the option is added', async () => {
    await fx.mergePatch('KasmSession', 'work', { spec: { options: { screenshot: { configMapName: 'work-screen', interval: '1s', width: 320 } } } });
    const map = await eventually(() => readCore('ConfigMap', 'work-screen'), 10_000, 'screenshot ConfigMap');
    const jpeg = Buffer.from(map.binaryData?.['screenshot.jpg'] ?? '', 'base64');
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...jpeg.subarray(-2)]).toEqual([0xff, 0xd9]);
    expect(map.data?.kasmId).toBe(id);
    const obj = await fx.waitFor('KasmSession', 'work', (o) => o?.status?.screenshotTakenAt !== undefined && o.status.observedGeneration === o.metadata?.generation);
    expect(isReady(obj)).toBe(true);
    expect(map.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'KasmSession', name: 'work', uid: obj?.metadata?.uid, controller: true })]);
    expect(count('get_kasm_screenshot')).toBeGreaterThanOrEqual(1);
  });

  it('reports frame statistics while a client is connected, and the recordings', async () => {
    fx.sim.sessions.connectViewer(id ?? '');
    const recording = fx.sim.sessions.addRecording(id ?? '', 90);
    const seen = await fx.waitFor('KasmSession', 'work', (o) => {
      const at = o?.status?.atProvider as { frameStats?: { clients?: { client?: string }[] }; recordings?: { recordingId: string }[] } | undefined;
      return (at?.frameStats?.clients ?? []).some((c) => c.client === 'sim-viewer') && (at?.recordings ?? []).some((r) => r.recordingId === recording.recording_id);
    });
    expect(seen?.status?.atProvider?.frameStats).toMatchObject({ width: 1280, height: 720 });
    expect(seen?.status?.atProvider?.recordings).toEqual([expect.objectContaining({ recordingId: recording.recording_id, durationSeconds: 90 })]);
    fx.sim.sessions.disconnectViewer(id ?? '');
    await fx.waitFor('KasmSession', 'work', (o) => o?.status?.atProvider?.frameStats === undefined);
  });

  it('starts a new session when Kasm ends it under recreatePolicy Always', async () => {
    const oldId = id;
    const requests = count('request_kasm');
    await kasm.sessions.destroy({ kasmId: oldId ?? '', userId: bobId ?? '' });
    const obj = await fx.waitFor('KasmSession', 'work', (o) => isReady(o) && o?.status?.externalId !== oldId, 20_000);
    id = obj?.status?.externalId;
    expect(simSession(id)).toBeDefined();
    expect(count('request_kasm')).toBe(requests + 1);
    expect(await hasEvent('work', 'ExternalDeleted')).toBe(true);
    const data = await eventually(async () => {
      const d = await secretData('work-connection');
      return d !== undefined && d.kasmId === id && d.token === fx.sim.sessions.token(id ?? '') ? d : undefined;
    }, 10_000, 'Secret of the new session');
    remember(data);
  });

  it('never writes the token or the connect URL to status, events or logs', async () => {
    remember(await secretData('work-connection'));
    secretsSeen.add(fx.sim.sessions.token(id ?? ''));
    expect(secretsSeen.size).toBeGreaterThanOrEqual(6);
    const traces = await readTraces(fx, [['KasmSession', 'work']], [operator]);
    expect(traces.logs).toContain('KasmSession');
    expectNoSecretShown(traces, ['/#/connect/', ...secretsSeen]);
  });

  it('destroys the session in Kasm when deleted, and the Secret goes with it', async () => {
    const destroys = count('destroy_kasm');
    await fx.removeAndWait('KasmSession', 'work');
    expect(simSession(id)).toBeUndefined();
    expect(count('destroy_kasm')).toBe(destroys + 1);
    await eventually(async () => (await readCore('Secret', 'work-connection')) === undefined, 10_000, 'Secret garbage-collected');
  });
});

describe('KasmSession by Kasm ids', () => {
  let userId = '';
  let imageId = '';
  const writes = () => fx.kasmCalls(['request_kasm', 'destroy_kasm', 'keepalive']);

  beforeAll(async () => {
    userId = (await kasm.users.create({ username: 'dora@example.com' })).userId;
    imageId = (await kasm.images.create({ name: 'kasmweb/terminal:1.16.0', friendlyName: 'Terminal' })).imageId;
  });

  it('reports a session Kasm ended under recreatePolicy Never, and writes the RDP details asked for', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSession',
      metadata: { name: 'once' },
      spec: { userId, imageId, recreatePolicy: 'Never', writeConnectionSecretToRef: { name: 'once-connection' }, options: { rdp: { file: true, url: true } } },
    });
    const ready = await fx.waitFor('KasmSession', 'once', isReady);
    const id = ready?.status?.externalId ?? '';
    const data = await eventually(() => secretData('once-connection').then((d) => (d?.rdpFile ? d : undefined)), 10_000, 'RDP details');
    remember(data);
    expect(data.rdpFile).toContain('full address:s:');
    expect(data.rdpUrl).toMatch(/^rdp:\/\//);

    const requests = count('request_kasm');
    fx.sim.sessions.expire(id);
    const ended = await fx.waitFor('KasmSession', 'once', (o) => readyReason(o) === 'SessionEnded', 20_000);
    expect(condition(ended, 'Stalled')?.status).toBe('True');
    expect(condition(ended, 'Ready')?.message).toContain('recreatePolicy');
    expect(ended?.status?.externalId).toBe(id);
    expect(await hasEvent('once', 'SessionEnded')).toBe(true);
    // Another round of observation, still nothing started in its place.
    const lists = count('get_kasms');
    await eventually(() => count('get_kasms') >= lists + 1, 15_000, 'another session list');
    expect(count('request_kasm')).toBe(requests);
    await fx.removeAndWait('KasmSession', 'once');
  });

  it('shows the expiration keepalive moves without a Secret, and keeps the Kasm session when deletionPolicy is Orphan', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmSession', metadata: { name: 'kept' }, spec: { userId, imageId, keepalive: '1s', deletionPolicy: 'Orphan' } });
    const ready = await fx.waitFor('KasmSession', 'kept', isReady);
    const id = ready?.status?.externalId;
    // No status reads here: the new expiration comes from the session list.
    const expires = Date.parse(String(ready?.status?.atProvider?.expirationDate));
    await fx.waitFor('KasmSession', 'kept', (o) => Date.parse(String(o?.status?.atProvider?.expirationDate)) > expires);
    const destroys = count('destroy_kasm');
    await fx.removeAndWait('KasmSession', 'kept');
    expect(simSession(id)).toBeDefined();
    expect(count('destroy_kasm')).toBe(destroys);
  });

  it('adopts an existing session by the external-id annotation under ["Observe"] without writing to Kasm', async () => {
    const started = await kasm.sessions.request({ userId, imageId });
    const kasmId = started.kasmId.replaceAll('-', '');
    const writesBefore = writes();
    const statusReads = count('get_kasm_status');
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSession',
      metadata: { name: 'watched', annotations: { 'kasm.io/external-id': started.kasmId } },
      spec: { userId, imageId, managementPolicies: ['Observe'], keepalive: '1s', writeConnectionSecretToRef: { name: 'watched-connection' } },
    });
    const obj = await fx.waitFor('KasmSession', 'watched', isReady, 20_000);
    expect(obj?.status?.externalId).toBe(kasmId);
    expect(obj?.status?.atProvider?.operationalStatus).toBe('running');
    expect(await hasEvent('watched', 'Adopted')).toBe(true);
    // A session started after the last list is looked for in a new one, not reported missing.
    expect(await hasEvent('watched', 'InvalidSpec')).toBe(false);
    // The Secret names the session, but the operator asked for no token: that would rotate the owner's.
    expect(await secretData('watched-connection')).toEqual({ kasmId, userId });
    expect(writes()).toBe(writesBefore);
    expect(count('get_kasm_status')).toBe(statusReads);
    await fx.removeAndWait('KasmSession', 'watched');
    expect(simSession(kasmId)).toBeDefined();
    expect(writes()).toBe(writesBefore);
  });

  it('adopts the session an interrupted create started rather than starting another', async () => {
    const image = await kasm.images.create({ name: 'kasmweb/firefox:1.16.0', imageType: 'Container' });
    const ofThisImage = () => [...fx.sim.state.sessions.values()].filter((s) => s.user_id === userId && s.image_id === image.imageId);
    const requests = count('request_kasm');
    // Kasm starts the session, but its reply never arrives.
    fx.sim.faults.failEndpoint('request_kasm', { mode: 'reset', times: 1, afterProcessing: true });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmSession', metadata: { name: 'retried' }, spec: { userId, imageId: image.imageId } });
    const obj = await fx.waitFor('KasmSession', 'retried', isReady, 20_000);
    fx.sim.faults.clear();
    expect(ofThisImage().map((s) => s.kasm_id)).toEqual([obj?.status?.externalId]);
    expect(count('request_kasm')).toBe(requests + 1);
    const events = await fx.events();
    expect(events.some((e) => e.regardingName === 'retried' && e.reason === 'Adopted' && (e.note ?? '').includes('interrupted create'))).toBe(true);
  });
});

function dashed(id: string): string {
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}
