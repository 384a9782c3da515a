import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import {
  API_VERSION,
  condition,
  decodeSecret,
  eventually,
  isCurrent,
  isReady,
  readyReason,
  startOperatorWithKasm,
  type ManagedResource,
  type OperatorFixture,
  type OperatorInstance,
} from '../harness/operator-fixture.js';
import { expectNoSecretShown, readTraces } from './secrets-shown.js';

/**
 * The kinds that act on sessions and users: KasmSessionPermission, KasmSessionJoin, KasmExec and
 * KasmLogin, against sessions started in the simulator, named by their Kasm ids (and by
 * KasmSession once that kind is registered). Join and login links are written to owned Secrets and
 * never appear in status, events or logs; a command is sent once per generation, through resyncs
 * and restarts.
 */
let fx: OperatorFixture;
let operator: OperatorInstance;
const operators: OperatorInstance[] = [];
let kasm: KasmClient;

let imageId: string;
let ownerId: string;
let carolId: string;
let daveId: string;
/** Shared sessions of the owner: s1 for the main flows, s2 for Orphan/Observe, s3 held paused. */
const s1 = { kasmId: '', shareId: '' };
const s2 = { kasmId: '', shareId: '' };
const s3 = { kasmId: '', shareId: '' };
/** Every join/login link the operator wrote, to look for in status, events and logs. */
const links = new Set<string>();

async function startSession(target: { kasmId: string; shareId: string }): Promise<void> {
  const requested = await kasm.sessions.request({ userId: ownerId, imageId, enableSharing: true });
  target.kasmId = requested.kasmId.replaceAll('-', '');
  target.shareId = requested.shareId ?? '';
}

beforeAll(async () => {
  ({ fx, operator, kasm } = await startOperatorWithKasm({ sim: { sessionStartMs: 50 } }));
  operators.push(operator);
  imageId = (await kasm.images.create({ name: 'kasmweb/chrome:1.16.0', friendlyName: 'Chrome' })).imageId;
  ownerId = (await kasm.users.create({ username: 'owner@example.com' })).userId;
  carolId = (await kasm.users.create({ username: 'carol@example.com' })).userId;
  daveId = (await kasm.users.create({ username: 'dave@example.com' })).userId;
  for (const s of [s1, s2, s3]) await startSession(s);
  fx.sim.sessions.setStatus(s3.kasmId, 'paused');
  await eventually(async () => {
    const { kasms } = await kasm.sessions.list();
    return [s1, s2].every((s) => kasms.some((k) => k.kasmId === s.kasmId && k.operationalStatus === 'running'));
  }, 10_000, 'sessions running');
});
afterAll(async () => {
  await fx?.close();
});

function access(kasmId: string): Record<string, string> {
  const session = fx.sim.state.sessions.get(kasmId);
  return Object.fromEntries([...(session ? session.permissions : [])].map(([userId, p]) => [userId, p.access]));
}

async function secretData(name: string): Promise<{ data: Record<string, string>; obj: ManagedResource } | undefined> {
  const obj = await fx.get('Secret', name);
  return obj && { data: decodeSecret(obj), obj };
}

function expectOwnedBy(secret: ManagedResource, owner: ManagedResource | undefined, kind: string): void {
  expect(secret.metadata?.ownerReferences).toEqual([
    expect.objectContaining({ apiVersion: API_VERSION, kind, name: owner?.metadata?.name, uid: owner?.metadata?.uid, controller: true }),
  ]);
}

/** A whole reconcile, observed: pausing and resuming writes Synced twice, the second after the full reconcile. */
async function fullReconcile(kind: string, name: string): Promise<ManagedResource | undefined> {
  await fx.mergePatch(kind, name, { metadata: { annotations: { 'kasm.io/paused': 'true' } } });
  await fx.waitFor(kind, name, (o) => condition(o, 'Synced')?.reason === 'Paused');
  await fx.mergePatch(kind, name, { metadata: { annotations: { 'kasm.io/paused': null } } });
  return fx.waitFor(kind, name, (o) => condition(o, 'Synced')?.reason === 'ReconcileSuccess');
}

describe('KasmSessionPermission', () => {
  const permissionWrites = () => fx.kasmCalls(['set_session_permissions', 'delete_all_session_permissions']);
  let bobId: string | undefined;

  it('waits for the user it names, then sets the access in Kasm', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionPermission',
      metadata: { name: 's1-access' },
      spec: { kasmId: s1.kasmId, globalAccess: 'r', users: [{ userRef: { name: 'bob' }, access: 'rw' }, { userId: carolId, access: 'r' }] },
    });
    const waiting = await fx.waitFor('KasmSessionPermission', 's1-access', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('spec.users');
    expect(access(s1.kasmId)).toEqual({});
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'bob' }, spec: { username: 'bob@example.com' } });
    bobId = (await fx.waitFor('KasmUser', 'bob', isReady))?.status?.externalId;
    const ready = await fx.waitFor('KasmSessionPermission', 's1-access', isReady);
    expect(access(s1.kasmId)).toEqual({ [bobId ?? '']: 'rw', [carolId]: 'r' });
    expect(ready?.status?.externalId).toBe(s1.kasmId);
    expect(ready?.status?.atProvider?.permissions).toEqual(
      expect.arrayContaining([
        { userId: bobId, username: 'bob@example.com', access: 'rw' },
        { userId: carolId, username: 'carol@example.com', access: 'r' },
      ]),
    );
    expect(ready?.status?.appliedUserIds).toEqual([bobId, carolId]);
  });

  it('applies a spec change to Kasm', async () => {
    await fx.mergePatch('KasmSessionPermission', 's1-access', {
      spec: { users: [{ userRef: { name: 'bob' }, access: 'rw' }, { userId: carolId, access: 'frozen' }] },
    });
    await eventually(() => access(s1.kasmId)[carolId] === '', 20_000, 'carol frozen');
    const obj = await fx.waitFor('KasmSessionPermission', 's1-access', isCurrent);
    expect(obj?.status?.atProvider?.permissions).toContainEqual({ userId: carolId, username: 'carol@example.com', access: 'frozen' });
  });

  it('corrects access changed in Kasm and gives other listed users the global access', async () => {
    // An administrator changes Bob's access and lets Dave control the session (both at once, so one read sees both).
    const permissions = fx.sim.state.sessions.get(s1.kasmId)?.permissions;
    const bob = permissions?.get(bobId ?? '');
    if (!permissions || !bob) throw new Error('bob has no permission');
    bob.access = 'r';
    permissions.set(daveId, { session_permission_id: randomUUID().replaceAll('-', ''), access: 'rw' });
    await eventually(() => access(s1.kasmId)[bobId ?? ''] === 'rw' && access(s1.kasmId)[daveId] === 'r', 20_000, 'access restored');
    const obj = await fx.waitFor('KasmSessionPermission', 's1-access', (o) => (o?.status?.drift ?? []).length > 0);
    expect(obj?.status?.drift).toEqual(
      expect.arrayContaining([
        { field: 'users[bob].access', desired: 'rw', observed: 'r' },
        { field: 'globalAccess', desired: 'r', observed: 'dave@example.com=rw' },
      ]),
    );
    const events = await fx.waitForEvents('s1-access', 'DriftCorrected');
    expect(events[0]?.note).toContain('users[bob].access');
  });

  it('takes the access back from a user dropped from the spec', async () => {
    await fx.mergePatch('KasmSessionPermission', 's1-access', { spec: { users: [{ userRef: { name: 'bob' }, access: 'rw' }] } });
    await eventually(() => access(s1.kasmId)[carolId] === undefined, 20_000, 'carol removed');
    await fx.waitFor('KasmSessionPermission', 's1-access', isCurrent);
    // Kasm removes no single user: the list is cleared and the spec set again.
    expect(access(s1.kasmId)).toEqual({ [bobId ?? '']: 'rw' });
    const obj = await fx.get('KasmSessionPermission', 's1-access');
    expect(obj?.status?.appliedUserIds).toEqual([bobId]);
  });

  it('clears the session\'s permissions when deleted', async () => {
    await fx.removeAndWait('KasmSessionPermission', 's1-access');
    expect(access(s1.kasmId)).toEqual({});
  });

  it('leaves the permissions in Kasm when deletionPolicy is Orphan', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionPermission',
      metadata: { name: 's2-access' },
      spec: { kasmId: s2.kasmId, users: [{ userId: carolId, access: 'r' }], deletionPolicy: 'Orphan' },
    });
    await fx.waitFor('KasmSessionPermission', 's2-access', isReady);
    const clears = fx.sim.calls.count('delete_all_session_permissions');
    await fx.removeAndWait('KasmSessionPermission', 's2-access');
    expect(access(s2.kasmId)).toEqual({ [carolId]: 'r' });
    expect(fx.sim.calls.count('delete_all_session_permissions')).toBe(clears);
  });

  it('observes existing permissions under ["Observe"] without writing to Kasm', async () => {
    const writesBefore = permissionWrites();
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionPermission',
      metadata: { name: 's2-observed' },
      spec: { kasmId: s2.kasmId, users: [{ userId: carolId, access: 'r' }], managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmSessionPermission', 's2-observed', isReady);
    expect(obj?.status?.atProvider?.permissions).toEqual([{ userId: carolId, username: 'carol@example.com', access: 'r' }]);
    await fx.mergePatch('KasmSessionPermission', 's2-observed', { spec: { users: [{ userId: carolId, access: 'rw' }] } });
    const drifted = await fx.waitFor('KasmSessionPermission', 's2-observed', (o) => readyReason(o) === 'Drifted');
    expect(drifted?.status?.drift).toEqual([{ field: 'users[carol@example.com].access', desired: 'rw', observed: 'r' }]);
    await fx.removeAndWait('KasmSessionPermission', 's2-observed');
    expect(access(s2.kasmId)).toEqual({ [carolId]: 'r' });
    expect(permissionWrites()).toBe(writesBefore);
  });

  it('waits for a session that is not running', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionPermission',
      metadata: { name: 's3-access' },
      spec: { kasmId: s3.kasmId, globalAccess: 'rw', users: [{ userId: daveId, access: 'r' }] },
    });
    const waiting = await fx.waitFor('KasmSessionPermission', 's3-access', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain(s3.kasmId);
    expect(access(s3.kasmId)).toEqual({});
    fx.sim.sessions.setStatus(s3.kasmId, null);
    await fx.waitFor('KasmSessionPermission', 's3-access', isReady);
    expect(access(s3.kasmId)).toEqual({ [daveId]: 'r' });
    fx.sim.sessions.setStatus(s3.kasmId, 'paused');
  });
});

describe('KasmSessionJoin', () => {
  let bobId: string | undefined;

  it('writes a user\'s join link into a Secret it owns', async () => {
    bobId = (await fx.get('KasmUser', 'bob'))?.status?.externalId;
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionJoin',
      metadata: { name: 'bob-joins' },
      spec: { shareId: s1.shareId, userRef: { name: 'bob' }, writeConnectionSecretToRef: { name: 'bob-join-link' } },
    });
    const ready = await fx.waitFor('KasmSessionJoin', 'bob-joins', isReady);
    const secret = await eventually(() => secretData('bob-join-link'), 20_000, 'join Secret');
    expect(secret.data.url).toMatch(new RegExp(`^${fx.sim.url}/#/connect/join/${s1.shareId}/${bobId}/[0-9a-f-]{36}$`));
    expect(secret.data).toMatchObject({ shareId: s1.shareId, kasmId: s1.kasmId, userId: bobId });
    expect(secret.data.url?.endsWith(`/${secret.data.token}`)).toBe(true);
    expectOwnedBy(secret.obj, ready, 'KasmSessionJoin');
    links.add(secret.data.url ?? '').add(secret.data.token ?? '');
    expect(ready?.status?.atProvider).toMatchObject({ kasmId: s1.kasmId, shareId: s1.shareId, ownerUsername: 'owner@example.com', username: 'bob@example.com' });
    expect(ready?.status?.renewedAt).toEqual(expect.any(String));
    expect(ready?.status?.issuedFor).toBe(`session ${s1.kasmId} user ${bobId}`);
    expect(fx.sim.calls.count('join_kasm')).toBe(1);
    expect((await fx.waitForEvents('bob-joins', 'JoinLinkIssued'))[0]?.note).toContain('bob-join-link');
  });

  it('keeps the link through a resync and restores an edited or deleted Secret without joining again', async () => {
    const before = (await secretData('bob-join-link'))?.data;
    await fullReconcile('KasmSessionJoin', 'bob-joins');
    await fx.mergePatch('Secret', 'bob-join-link', { stringData: { url: 'https://evil.example.com/' } });
    await eventually(async () => (await secretData('bob-join-link'))?.data.url === before?.url, 20_000, 'Secret restored');
    expect((await secretData('bob-join-link'))?.data).toEqual(before);
    await fx.remove('Secret', 'bob-join-link');
    await eventually(async () => (await secretData('bob-join-link'))?.data.url === before?.url, 20_000, 'Secret written again');
    expect(fx.sim.calls.count('join_kasm')).toBe(1);
  });

  it('joins again when the user changes', async () => {
    await fx.mergePatch('KasmSessionJoin', 'bob-joins', { spec: { userRef: null, userId: carolId } });
    await eventually(async () => (await secretData('bob-join-link'))?.data.userId === carolId, 20_000, 'carol\'s link');
    const secret = await secretData('bob-join-link');
    expect(secret?.data.url).toContain(`/#/connect/join/${s1.shareId}/${carolId}/`);
    links.add(secret?.data.url ?? '').add(secret?.data.token ?? '');
    expect(fx.sim.calls.count('join_kasm')).toBe(2);
    await fx.waitFor('KasmSessionJoin', 'bob-joins', isCurrent);
  });

  it('waits while the shared session is not running', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionJoin',
      metadata: { name: 'dave-joins' },
      spec: { shareId: s3.shareId, userId: daveId, writeConnectionSecretToRef: { name: 'dave-join-link' } },
    });
    const waiting = await fx.waitFor('KasmSessionJoin', 'dave-joins', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain(s3.shareId);
    expect(await secretData('dave-join-link')).toBeUndefined();
    fx.sim.sessions.setStatus(s3.kasmId, null);
    await fx.waitFor('KasmSessionJoin', 'dave-joins', isReady);
    const secret = await eventually(() => secretData('dave-join-link'), 20_000, 'dave\'s Secret');
    links.add(secret.data.url ?? '').add(secret.data.token ?? '');
    fx.sim.sessions.setStatus(s3.kasmId, 'paused');
    await fx.removeAndWait('KasmSessionJoin', 'dave-joins');
  });

  it('requests no link under ["Observe"]', async () => {
    const joins = fx.sim.calls.count('join_kasm');
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionJoin',
      metadata: { name: 'observed-join' },
      spec: { shareId: s2.shareId, userId: carolId, writeConnectionSecretToRef: { name: 'observed-join-link' }, managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmSessionJoin', 'observed-join', isReady);
    expect(obj?.status?.atProvider).toMatchObject({ kasmId: s2.kasmId, username: 'carol@example.com' });
    expect(obj?.status?.renewedAt).toBeUndefined();
    expect(await secretData('observed-join-link')).toBeUndefined();
    await fx.removeAndWait('KasmSessionJoin', 'observed-join');
    expect(fx.sim.calls.count('join_kasm')).toBe(joins);
  });
});

describe('KasmExec', () => {
  const sent = (kasmId: string) => fx.sim.sessions.execCalls(kasmId);

  it('sends the command once and records when and for which generation', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmExec',
      metadata: { name: 'open-docs' },
      spec: {
        kasmId: s1.kasmId,
        command: 'xdg-open https://kasm.example.com/docs',
        workingDirectory: '/home/kasm-user',
        environment: { LANG: 'C.UTF-8' },
        user: 'root',
        privileged: true,
      },
    });
    const obj = await fx.waitFor('KasmExec', 'open-docs', (o) => isReady(o) && o?.status?.sentGeneration === 1);
    expect(sent(s1.kasmId)).toHaveLength(1);
    expect(sent(s1.kasmId)[0]).toMatchObject({
      user_id: ownerId,
      exec_config: { cmd: 'xdg-open https://kasm.example.com/docs', workdir: '/home/kasm-user', environment: { LANG: 'C.UTF-8' }, user: 'root', privileged: true },
    });
    expect(obj?.status).toMatchObject({ sentKasmId: s1.kasmId, output: 'NotReported', externalId: s1.kasmId });
    expect(Date.parse(String(obj?.status?.sentAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(obj?.status?.atProvider).toMatchObject({ kasmId: s1.kasmId, userId: ownerId, username: 'owner@example.com', operationalStatus: 'running' });
  });

  it('does not send it again on a resync', async () => {
    await fullReconcile('KasmExec', 'open-docs');
    expect(sent(s1.kasmId)).toHaveLength(1);
  });

  it('sends it again for a new generation', async () => {
    await fx.mergePatch('KasmExec', 'open-docs', { spec: { command: 'xdg-open https://kasm.example.com/news', privileged: false } });
    const obj = await fx.waitFor('KasmExec', 'open-docs', (o) => isCurrent(o) && o?.status?.sentGeneration === 2);
    expect(sent(s1.kasmId)).toHaveLength(2);
    expect(sent(s1.kasmId)[1]?.exec_config).toMatchObject({ cmd: 'xdg-open https://kasm.example.com/news', privileged: false });
    expect(obj?.status?.drift).toEqual([]);
  });

  it('waits for a session that is not running, then sends', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmExec', metadata: { name: 'warm-up' }, spec: { kasmId: s3.kasmId, userId: ownerId, command: 'true' } });
    await fx.waitFor('KasmExec', 'warm-up', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(sent(s3.kasmId)).toHaveLength(0);
    fx.sim.sessions.setStatus(s3.kasmId, null);
    await fx.waitFor('KasmExec', 'warm-up', (o) => isReady(o) && o?.status?.sentGeneration === 1);
    expect(sent(s3.kasmId)).toHaveLength(1);
  });

  it('sends nothing under ["Observe"] and reports the command as not sent', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmExec',
      metadata: { name: 'observed-exec' },
      spec: { kasmId: s2.kasmId, command: 'reboot', managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmExec', 'observed-exec', (o) => readyReason(o) === 'Drifted');
    expect(obj?.status?.drift).toEqual([{ field: 'command', desired: 'sent for generation 1', observed: 'not sent' }]);
    expect(sent(s2.kasmId)).toHaveLength(0);
  });

  it('changes nothing in Kasm when deleted', async () => {
    const calls = fx.sim.calls.log().length;
    await fx.remove('KasmExec', 'observed-exec');
    await fx.remove('KasmExec', 'warm-up');
    await fx.waitFor('KasmExec', 'observed-exec', (o) => o === undefined);
    await fx.waitFor('KasmExec', 'warm-up', (o) => o === undefined);
    const writes = fx.sim.calls.log().slice(calls).filter((c) => !c.endpoint.startsWith('get_'));
    expect(writes).toEqual([]);
  });
});

describe('KasmLogin', () => {
  let bobId: string | undefined;
  const loginCalls = () => fx.sim.calls.count('get_login');

  it('keeps a login link for a user in a Secret it owns and renews it on the interval', async () => {
    bobId = (await fx.get('KasmUser', 'bob'))?.status?.externalId;
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmLogin',
      metadata: { name: 'bob-login' },
      spec: { userRef: { name: 'bob' }, writeConnectionSecretToRef: { name: 'bob-login-link' }, renewInterval: '5s' },
    });
    const ready = await fx.waitFor('KasmLogin', 'bob-login', (o) => isReady(o) && o?.status?.renewedAt !== undefined);
    const first = await eventually(() => secretData('bob-login-link'), 20_000, 'login Secret');
    expect(first.data.url).toMatch(new RegExp(`^https://${new URL(fx.sim.url).host}/#/login/${bobId}/[0-9a-f]{32}$`));
    expect(first.data).toMatchObject({ userId: bobId, username: 'bob@example.com' });
    expectOwnedBy(first.obj, ready, 'KasmLogin');
    links.add(first.data.url ?? '');
    const renewedAt = Date.parse(String(ready?.status?.renewedAt));
    expect(Date.parse(String(ready?.status?.nextRenewalAt)) - renewedAt).toBe(5_000);
    expect(loginCalls()).toBe(1);

    const renewed = await fx.waitFor('KasmLogin', 'bob-login', (o) => o?.status?.renewedAt !== ready?.status?.renewedAt, 20_000);
    expect(Date.parse(String(renewed?.status?.renewedAt)) - renewedAt).toBeGreaterThanOrEqual(5_000);
    const second = await eventually(async () => {
      const s = await secretData('bob-login-link');
      return s?.data.url !== first.data.url ? s : undefined;
    }, 20_000, 'renewed link');
    links.add(second.data.url ?? '');
    expect(loginCalls()).toBe(2);
    expect((await fx.waitForEvents('bob-login', 'LoginLinkRenewed')).length).toBeGreaterThan(0);
  });

  it('reports a user that cannot sign in, and renews once it can', async () => {
    await fx.mergePatch('KasmLogin', 'bob-login', { spec: { renewInterval: '1h' } });
    await fx.waitFor('KasmLogin', 'bob-login', isCurrent);
    const user = fx.sim.state.users.get(bobId ?? '');
    if (!user) throw new Error('bob missing in Kasm');
    user.disabled = true;
    const blocked = await fx.waitFor('KasmLogin', 'bob-login', (o) => readyReason(o) === 'UserCannotSignIn');
    expect(condition(blocked, 'Ready')?.message).toContain('disabled');
    user.disabled = false;
    await fx.waitFor('KasmLogin', 'bob-login', isReady);
    const secret = await secretData('bob-login-link');
    links.add(secret?.data.url ?? '');
  });

  it('waits for a user that is not Ready', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmLogin',
      metadata: { name: 'erin-login' },
      spec: { userRef: { name: 'erin' }, writeConnectionSecretToRef: { name: 'erin-login-link' } },
    });
    await fx.waitFor('KasmLogin', 'erin-login', (o) => readyReason(o) === 'ReferenceNotReady');
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'erin' }, spec: { username: 'erin@example.com' } });
    const ready = await fx.waitFor('KasmLogin', 'erin-login', (o) => isReady(o) && o?.status?.renewedAt !== undefined);
    // The default interval is an hour.
    expect(Date.parse(String(ready?.status?.nextRenewalAt)) - Date.parse(String(ready?.status?.renewedAt))).toBe(3_600_000);
    const secret = await eventually(() => secretData('erin-login-link'), 20_000, 'erin\'s Secret');
    links.add(secret.data.url ?? '');
  });

  it('requests no link under ["Observe"] and deletes nothing', async () => {
    const logins = loginCalls();
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmLogin',
      metadata: { name: 'carol-login' },
      spec: { userId: carolId, writeConnectionSecretToRef: { name: 'carol-login-link' }, managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmLogin', 'carol-login', isReady);
    expect(obj?.status?.atProvider).toMatchObject({ userId: carolId, username: 'carol@example.com', disabled: false });
    expect(await secretData('carol-login-link')).toBeUndefined();
    await fx.removeAndWait('KasmLogin', 'carol-login');
    expect(loginCalls()).toBe(logins);
    expect(fx.sim.state.users.has(carolId)).toBe(true);
  });
});

describe('with sessionRef to a KasmSession', () => {
  let kasmId = '';
  const secretOf = async () => (await secretData('dave-desk-link'))?.data;

  it('waits until the KasmSession is Ready, then acts on its session', async () => {
    fx.sim.config.sessionStartMs = 600_000;
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmSession', metadata: { name: 'desk' }, spec: { userId: ownerId, imageId, enableSharing: true } });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmSessionPermission', metadata: { name: 'desk-access' }, spec: { sessionRef: { name: 'desk' }, users: [{ userId: daveId, access: 'rw' }] } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionJoin',
      metadata: { name: 'dave-joins-desk' },
      spec: { sessionRef: { name: 'desk' }, userId: daveId, writeConnectionSecretToRef: { name: 'dave-desk-link' } },
    });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmExec', metadata: { name: 'desk-hello' }, spec: { sessionRef: { name: 'desk' }, command: 'echo hello' } });
    // The session exists in Kasm but is still starting.
    kasmId = String((await fx.waitFor('KasmSession', 'desk', (o) => o?.status?.externalId !== undefined))?.status?.externalId);
    fx.sim.config.sessionStartMs = 50;
    for (const kind of ['KasmSessionPermission', 'KasmSessionJoin', 'KasmExec']) {
      const name = kind === 'KasmSessionPermission' ? 'desk-access' : kind === 'KasmSessionJoin' ? 'dave-joins-desk' : 'desk-hello';
      const waiting = await fx.waitFor(kind, name, (o) => readyReason(o) === 'ReferenceNotReady');
      expect(condition(waiting, 'Ready')?.message).toContain('KasmSession "desk" is not Ready yet');
    }
    expect(isReady(await fx.get('KasmSession', 'desk'))).toBe(false);
    expect(access(kasmId)).toEqual({});
    expect(fx.sim.sessions.execCalls(kasmId)).toHaveLength(0);

    fx.sim.sessions.markRunning(kasmId);
    const session = await fx.waitFor('KasmSession', 'desk', isReady);
    const shareId = String(session?.status?.atProvider?.shareId);
    await fx.waitFor('KasmSessionPermission', 'desk-access', isReady);
    await fx.waitFor('KasmSessionJoin', 'dave-joins-desk', isReady);
    await fx.waitFor('KasmExec', 'desk-hello', (o) => isReady(o) && o?.status?.sentKasmId === kasmId);
    expect(access(kasmId)).toEqual({ [daveId]: 'rw' });
    const calls = fx.sim.sessions.execCalls(kasmId);
    expect(calls.map((c) => [c.user_id, c.exec_config.cmd])).toEqual([[ownerId, 'echo hello']]);
    const link = await eventually(secretOf, 20_000, 'dave\'s link');
    expect(link).toMatchObject({ kasmId, shareId, userId: daveId });
    expect(link.url).toContain(`/#/connect/join/${shareId}/${daveId}/`);
    links.add(link.url ?? '').add(link.token ?? '');
  });

  it('follows a session that Kasm ended and the KasmSession started again', async () => {
    const link = await secretOf();
    fx.sim.sessions.expire(kasmId);
    const restarted = await fx.waitFor('KasmSession', 'desk', (o) => isReady(o) && o?.status?.externalId !== kasmId);
    const newId = String(restarted?.status?.externalId);
    await eventually(() => access(newId)[daveId] === 'rw', 20_000, 'access on the new session');
    await eventually(() => fx.sim.sessions.execCalls(newId).length === 1, 20_000, 'command sent to the new session');
    const newLink = await eventually(async () => ((await secretOf())?.kasmId === newId ? secretOf() : undefined), 20_000, 'link to the new session');
    expect(newLink?.url).not.toBe(link?.url);
    links.add(newLink?.url ?? '').add(newLink?.token ?? '');
    await fx.waitFor('KasmSessionPermission', 'desk-access', (o) => isReady(o) && o?.status?.externalId === newId);
    // A new session is a new input, not a change made in Kasm.
    expect((await fx.events()).filter((e) => e.regardingName === 'desk-access' && e.reason === 'DriftCorrected')).toEqual([]);
    expect(fx.sim.sessions.execCalls(kasmId)).toHaveLength(1);
  });

  it('waits for sharing on the KasmSession a join names', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmSession', metadata: { name: 'plain' }, spec: { userId: carolId, imageId } });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmSessionJoin',
      metadata: { name: 'dave-joins-plain' },
      spec: { sessionRef: { name: 'plain' }, userId: daveId, writeConnectionSecretToRef: { name: 'dave-plain-link' } },
    });
    await fx.waitFor('KasmSession', 'plain', isReady);
    const waiting = await fx.waitFor('KasmSessionJoin', 'dave-joins-plain', (o) => condition(o, 'Ready')?.message?.includes('share id') === true);
    expect(condition(waiting, 'Ready')?.message).toContain('enableSharing');
  });

  it('lets go of everything', async () => {
    const objects = [
      ['KasmSessionJoin', 'dave-joins-plain'],
      ['KasmSessionJoin', 'dave-joins-desk'],
      ['KasmSessionPermission', 'desk-access'],
      ['KasmExec', 'desk-hello'],
      ['KasmSession', 'plain'],
      ['KasmSession', 'desk'],
    ] as const;
    for (const [kind, name] of objects) await fx.remove(kind, name);
    for (const [kind, name] of objects) await fx.waitFor(kind, name, (o) => o === undefined);
  });
});

describe('after an operator restart', () => {
  it('sends no command again and keeps the links without asking Kasm', async () => {
    const counts = () => ({ exec: fx.sim.sessions.execCalls().length, join: fx.sim.calls.count('join_kasm'), login: fx.sim.calls.count('get_login') });
    const before = counts();
    const joinLink = (await secretData('bob-join-link'))?.data;
    const loginLink = (await secretData('erin-login-link'))?.data;
    await operator.stop();
    operator = await fx.startOperator();
    operators.push(operator);
    await fullReconcile('KasmExec', 'open-docs');
    await fullReconcile('KasmSessionJoin', 'bob-joins');
    await fullReconcile('KasmLogin', 'erin-login');
    expect(counts()).toEqual(before);
    expect((await secretData('bob-join-link'))?.data).toEqual(joinLink);
    expect((await secretData('erin-login-link'))?.data).toEqual(loginLink);
  });

  it('never shows a link or token in status, events or operator logs', async () => {
    expect(links.size).toBeGreaterThanOrEqual(6);
    const objects = [
      ['KasmSessionJoin', 'bob-joins'],
      ['KasmLogin', 'bob-login'],
      ['KasmLogin', 'erin-login'],
    ] as const;
    const traces = await readTraces(fx, objects, operators);
    // The logs do cover this work, only never the links.
    expect(traces.logs).toContain('KasmLogin');
    expectNoSecretShown(traces, links);
  });

  it('deletes a join and a login without touching Kasm', async () => {
    const calls = fx.sim.calls.log().length;
    await fx.remove('KasmSessionJoin', 'bob-joins');
    await fx.remove('KasmLogin', 'bob-login');
    await fx.waitFor('KasmSessionJoin', 'bob-joins', (o) => o === undefined);
    await fx.waitFor('KasmLogin', 'bob-login', (o) => o === undefined);
    expect(fx.sim.calls.log().slice(calls).filter((c) => !c.endpoint.startsWith('get_'))).toEqual([]);
  });
});
