import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, condition, eventually, isCurrent, isReady, readyReason, startOperatorWithKasm, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';

/**
 * The life of KasmUser, KasmGroup and KasmGroupMembership objects through the operator: created in
 * Kasm, updated on spec change, drift corrected, deleted or orphaned. Kasm is the simulator; the
 * Kubernetes API is the test server (or a real cluster with E2E_KUBECONFIG).
 */
let fx: OperatorFixture;
let operator: OperatorInstance;

beforeAll(async () => {
  ({ fx, operator } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  stringData: data,
});

const kasmUserByName = (username: string) => [...fx.sim.state.users.values()].find((u) => u.username === username);

describe('KasmUser', () => {
  it('creates the user in Kasm, records its id and becomes Ready', async () => {
    await fx.apply(secret('alice-password', { password: 'Correct-Horse-1' }));
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmUser',
      metadata: { name: 'alice' },
      spec: { username: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', passwordSecretRef: { name: 'alice-password', key: 'password' } },
    });
    // The id annotation is written right after the Ready status.
    const ready = await fx.waitFor('KasmUser', 'alice', (o) => isReady(o) && o?.metadata?.annotations?.['kasm.io/external-id'] !== undefined);
    const inKasm = kasmUserByName('alice@example.com');
    expect(inKasm).toBeDefined();
    expect(inKasm?.first_name).toBe('Alice');
    expect(inKasm?.password).toBe('Correct-Horse-1');
    expect(ready?.status?.externalId).toBe(inKasm?.user_id);
    expect(ready?.metadata?.annotations?.['kasm.io/external-id']).toBe(inKasm?.user_id);
    expect(ready?.metadata?.finalizers).toContain('kasm.io/finalizer');
    expect(condition(ready, 'Synced')?.status).toBe('True');
    expect(ready?.status?.observedGeneration).toBe(ready?.metadata?.generation);
    expect(ready?.status?.atProvider?.username).toBe('alice@example.com');
    expect(JSON.stringify(ready?.status)).not.toContain('Correct-Horse-1');
    expect(fx.sim.calls.count('create_user')).toBe(1);
  });

  it('applies a spec change to Kasm', async () => {
    await fx.mergePatch('KasmUser', 'alice', { spec: { lastName: 'Pleasance', organization: 'Wonderland' } });
    await eventually(() => kasmUserByName('alice@example.com')?.last_name === 'Pleasance', 20_000, 'last name in Kasm');
    const obj = await fx.waitFor('KasmUser', 'alice', isCurrent);
    expect(kasmUserByName('alice@example.com')?.organization).toBe('Wonderland');
    expect(obj?.status?.atProvider?.lastName).toBe('Pleasance');
  });

  it('changes the password in Kasm when the Secret changes', async () => {
    const updatesBefore = fx.sim.calls.count('update_user');
    await fx.mergePatch('Secret', 'alice-password', { stringData: { password: 'Battery-Staple-2' } });
    await eventually(() => kasmUserByName('alice@example.com')?.password === 'Battery-Staple-2', 20_000, 'new password in Kasm');
    expect(fx.sim.calls.count('update_user')).toBeGreaterThan(updatesBefore);
    const logs = operator.logs.join('\n');
    expect(logs).not.toContain('Battery-Staple-2');
    expect(logs).not.toContain('Correct-Horse-1');
  });

  it('corrects a change made in Kasm behind its back within one poll, and reports the drift', async () => {
    const user = kasmUserByName('alice@example.com');
    if (!user) throw new Error('alice missing');
    // An administrator edits the user in the Kasm UI.
    user.first_name = 'Mallory';
    await eventually(() => kasmUserByName('alice@example.com')?.first_name === 'Alice', 20_000, 'first name restored');
    const obj = await fx.waitFor('KasmUser', 'alice', (o) => (o?.status?.drift ?? []).some((d) => d.field === 'firstName'));
    expect(obj?.status?.drift?.find((d) => d.field === 'firstName')).toMatchObject({ desired: 'Alice', observed: 'Mallory' });
    const events = await fx.waitForEvents('alice', 'DriftCorrected');
    expect(events[0]?.note).toContain('firstName');
  });

  it('deletes the user from Kasm and lets the object go', async () => {
    await fx.remove('KasmUser', 'alice');
    await eventually(() => kasmUserByName('alice@example.com') === undefined, 20_000, 'user gone from Kasm');
    await fx.waitFor('KasmUser', 'alice', (o) => o === undefined);
  });

  it('keeps the Kasm user when deletionPolicy is Orphan', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'bob' }, spec: { username: 'bob@example.com', deletionPolicy: 'Orphan' } });
    await fx.waitFor('KasmUser', 'bob', isReady);
    await fx.removeAndWait('KasmUser', 'bob');
    expect(kasmUserByName('bob@example.com')).toBeDefined();
    expect(fx.sim.calls.count('delete_user')).toBe(1);
  });

  it('recreates a user deleted in Kasm out of band, with an event', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'carol' }, spec: { username: 'carol@example.com' } });
    const first = await fx.waitFor('KasmUser', 'carol', isReady);
    const oldId = first?.status?.externalId ?? '';
    fx.sim.state.deleteUser(oldId);
    const again = await fx.waitFor('KasmUser', 'carol', (o) => isReady(o) && o?.status?.externalId !== oldId);
    expect(kasmUserByName('carol@example.com')?.user_id).toBe(again?.status?.externalId);
    const events = await fx.events();
    expect(events.some((e) => e.regardingName === 'carol' && e.reason === 'ExternalDeleted')).toBe(true);
  });
});

describe('KasmGroup and memberships', () => {
  it('creates a group with settings, then a membership that waits for its user', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmGroup',
      metadata: { name: 'engineers' },
      spec: { name: 'Engineers', description: 'Build things', priority: 50, settings: [{ name: 'allow_kasm_sharing', value: 'true' }] },
    });
    const group = await fx.waitFor('KasmGroup', 'engineers', isReady);
    const groupId = group?.status?.externalId ?? '';
    expect(fx.sim.state.groups.get(groupId)?.name).toBe('Engineers');
    expect(fx.sim.state.groupSettingValues(groupId).size).toBeGreaterThan(0);

    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmGroupMembership',
      metadata: { name: 'engineers-members' },
      spec: { groupRef: { name: 'engineers' }, users: [{ userRef: { name: 'dave' } }] },
    });
    const waiting = await fx.waitFor('KasmGroupMembership', 'engineers-members', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(condition(waiting, 'Ready')?.message).toContain('dave');

    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'dave' }, spec: { username: 'dave@example.com', groups: [{ name: 'All Users' }] } });
    const membership = await fx.waitFor('KasmGroupMembership', 'engineers-members', isReady);
    expect(membership?.status?.membersPresent).toBe(1);
    expect(kasmUserByName('dave@example.com')?.groupIds.has(groupId)).toBe(true);
  });

  it('renames the group in Kasm on spec change', async () => {
    await fx.mergePatch('KasmGroup', 'engineers', { spec: { name: 'Engineering' } });
    const obj = await fx.waitFor('KasmGroup', 'engineers', (o) => isReady(o) && o?.status?.atProvider?.name === 'Engineering');
    expect(fx.sim.state.groups.get(obj?.status?.externalId ?? '')?.name).toBe('Engineering');
  });

  it('removes only its memberships when the membership is deleted', async () => {
    await fx.removeAndWait('KasmGroupMembership', 'engineers-members');
    const dave = kasmUserByName('dave@example.com');
    const engineering = [...fx.sim.state.groups.values()].find((g) => g.name === 'Engineering');
    const allUsers = [...fx.sim.state.groups.values()].find((g) => g.name === 'All Users');
    expect(dave?.groupIds.has(engineering?.group_id ?? '')).toBe(false);
    // dave's own spec lists All Users; the membership object never touched it.
    expect(dave?.groupIds.has(allUsers?.group_id ?? '')).toBe(true);
  });
});
