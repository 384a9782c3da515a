import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, condition, eventually, isReady, readyReason, startOperatorWithKasm, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';

/**
 * Status writes at creation (issue 7: at most 2 per object): a new object's first status is the
 * create's outcome, and a membership applied before its users reports its wait once rather than
 * once per user that becomes Ready. Counted with the operator's own write counter, which works
 * against the test server and a real cluster alike.
 */
let fx: OperatorFixture;
let operator: OperatorInstance;

beforeAll(async () => {
  ({ fx, operator } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

const USERS = Array.from({ length: 10 }, (_, i) => `member-${i}`);

function statusWrites(kind: string): number {
  return operator.manager.kubeWrites()[kind]?.status ?? 0;
}

function metadataWrites(kind: string): number {
  return operator.manager.kubeWrites()[kind]?.metadata ?? 0;
}

describe('status writes at creation', () => {
  let groupId = '';

  it('a new group is written once: its first status is Ready; its metadata twice (create mark with finalizer, then id)', async () => {
    const before = statusWrites('KasmGroup');
    const metadataBefore = metadataWrites('KasmGroup');
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmGroup', metadata: { name: 'team' }, spec: { name: 'Team' } });
    const group = await fx.waitFor('KasmGroup', 'team', (o) => isReady(o) && o?.metadata?.annotations?.['kasm.io/external-id'] !== undefined);
    groupId = group?.status?.externalId ?? '';
    expect(statusWrites('KasmGroup') - before).toBe(1);
    expect(metadataWrites('KasmGroup') - metadataBefore).toBe(2);
    expect(group?.metadata?.finalizers).toEqual(['kasm.io/finalizer']);
    expect(group?.metadata?.annotations?.['kasm.io/create-pending']).toBeUndefined();
  });

  it('an object that never reached Kasm carries no finalizer, so deleting it does not wait for the operator', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmGroupImage', metadata: { name: 'never' }, spec: { groupRef: { name: 'absent' }, imageRef: { name: 'absent' } } });
    const waiting = await fx.waitFor('KasmGroupImage', 'never', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(waiting?.metadata?.finalizers ?? []).toEqual([]);
    await fx.removeAndWait('KasmGroupImage', 'never');
  });

  it('a membership waiting for 10 users writes its status twice (waiting, Ready); each user at most twice', async () => {
    const membershipBefore = statusWrites('KasmGroupMembership');
    const usersBefore = statusWrites('KasmUser');
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmGroupMembership',
      metadata: { name: 'team-members' },
      spec: { groupRef: { name: 'team' }, users: USERS.map((name) => ({ userRef: { name } })) },
    });
    const waiting = await fx.waitFor('KasmGroupMembership', 'team-members', (o) => readyReason(o) === 'ReferenceNotReady');
    const message = condition(waiting, 'Ready')?.message;
    expect(message).toContain('spec.users (10 listed)');

    // The users arrive one at a time, so the membership sees its waiting set shrink ten times.
    for (const name of USERS) {
      await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name }, spec: { username: `${name}@example.com` } });
      await fx.waitFor('KasmUser', name, isReady);
      if (name === USERS[5]) {
        const still = await fx.get('KasmGroupMembership', 'team-members');
        expect(condition(still, 'Ready')?.reason).toBe('ReferenceNotReady');
        expect(condition(still, 'Ready')?.message).toBe(message);
      }
    }
    const ready = await fx.waitFor('KasmGroupMembership', 'team-members', isReady);
    expect(ready?.status?.membersPresent).toBe(10);
    // The events name the users still waiting, which the condition does not.
    const events = await eventually(async () => {
      const notes = (await fx.events()).filter((e) => e.regardingName === 'team-members' && e.reason === 'ReferenceNotReady').map((e) => e.note ?? '');
      return notes.some((n) => n.includes('KasmUser "member-9"')) ? notes : undefined;
    });
    expect(events.some((n) => /spec\.users: \d+ of 10 entries waiting/.test(n))).toBe(true);

    // Every user reports the group it was added to (the write that follows its first Ready).
    for (const name of USERS) {
      await fx.waitFor('KasmUser', name, (o) => {
        const groups = (o?.status?.atProvider as { groups?: { groupId: string }[] } | undefined)?.groups ?? [];
        return groups.some((g) => g.groupId === groupId);
      });
    }
    expect(statusWrites('KasmGroupMembership') - membershipBefore).toBe(2);
    expect(statusWrites('KasmUser') - usersBefore).toBeLessThanOrEqual(2 * USERS.length);
  });
});
