import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import { dashedKasmId } from '../../src/kasm/ids.js';
import { API_VERSION, condition, eventually, isReady, startOperatorFixture, type OperatorFixture, type OperatorInstance } from '../harness/operator-fixture.js';

/** Adoption of existing Kasm users, management policies, pause, and creates interrupted by a crash. */
let fx: OperatorFixture;
let kasm: KasmClient;

beforeAll(async () => {
  fx = await startOperatorFixture();
  kasm = fx.kasmClient();
});
afterAll(async () => {
  await fx?.close();
});

const READS = new Set(['get_users', 'get_user', 'get_groups', 'get_attributes', 'get_zones', 'get_settings_group']);
const writesSoFar = (): number => fx.sim.calls.log().filter((c) => !READS.has(c.endpoint)).length;
const kasmUsersNamed = (username: string) => [...fx.sim.state.users.values()].filter((u) => u.username === username);

describe('with one operator running', () => {
  let operator: OperatorInstance | undefined;
  beforeAll(async () => {
    operator = await fx.startOperator();
  });
  afterAll(async () => {
    await operator?.stop();
  });

  it('adopts an existing user by the external-id annotation and then manages it', async () => {
    const existing = await kasm.users.create({ username: 'erin@example.com', firstName: 'E.' });
    const createsBefore = fx.sim.calls.count('create_user');
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmUser',
      metadata: { name: 'erin', annotations: { 'kasm.io/external-id': existing.userId } },
      spec: { username: 'erin@example.com', firstName: 'Erin' },
    });
    const obj = await fx.waitFor('KasmUser', 'erin', isReady);
    expect(obj?.status?.externalId).toBe(existing.userId);
    expect(fx.sim.state.users.get(existing.userId)?.first_name).toBe('Erin');
    expect(fx.sim.calls.count('create_user')).toBe(createsBefore);
  });

  it('adopts an existing group by an external-id annotation written with dashes', async () => {
    const existing = await kasm.groups.create({ name: 'auditors', description: null, priority: 50 });
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmGroup',
      metadata: { name: 'auditors', annotations: { 'kasm.io/external-id': dashedKasmId(existing.groupId).toUpperCase() } },
      spec: { name: 'auditors', description: 'Read-only auditors' },
    });
    const obj = await fx.waitFor('KasmGroup', 'auditors', isReady);
    expect(obj?.status?.externalId).toBe(existing.groupId);
    expect(obj?.metadata?.annotations?.['kasm.io/external-id']).toBe(existing.groupId);
    expect(fx.sim.state.groups.get(existing.groupId)?.description).toBe('Read-only auditors');
  });

  it('observes an existing user by username under ["Observe"] without writing to Kasm', async () => {
    const existing = await kasm.users.create({ username: 'frank@example.com', firstName: 'Frank' });
    const writesBefore = writesSoFar();
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmUser',
      metadata: { name: 'frank' },
      spec: { username: 'frank@example.com', managementPolicies: ['Observe'] },
    });
    const obj = await fx.waitFor('KasmUser', 'frank', isReady);
    expect(obj?.status?.externalId).toBe(existing.userId);
    expect(obj?.status?.atProvider?.firstName).toBe('Frank');
    await fx.removeAndWait('KasmUser', 'frank');
    expect(fx.sim.state.users.get(existing.userId)).toBeDefined();
    expect(writesSoFar()).toBe(writesBefore);
  });

  it('refuses to take over a user it did not create, and says how to adopt it', async () => {
    const existing = await kasm.users.create({ username: 'grace@example.com' });
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'grace' }, spec: { username: 'grace@example.com', firstName: 'Grace' } });
    const obj = await fx.waitFor('KasmUser', 'grace', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(condition(obj, 'Ready')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(condition(obj, 'Stalled')?.message).toContain(`kasm.io/external-id: "${existing.userId}"`);
    expect(fx.sim.state.users.get(existing.userId)?.first_name).not.toBe('Grace');
  });

  it('does nothing while paused and catches up when resumed', async () => {
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'heidi' }, spec: { username: 'heidi@example.com', firstName: 'Heidi' } });
    await fx.waitFor('KasmUser', 'heidi', isReady);
    await fx.mergePatch('KasmUser', 'heidi', { metadata: { annotations: { 'kasm.io/paused': 'true' } } });
    await fx.waitFor('KasmUser', 'heidi', (o) => condition(o, 'Synced')?.reason === 'Paused');
    const updatesBefore = fx.sim.calls.count('update_user');
    await fx.mergePatch('KasmUser', 'heidi', { spec: { firstName: 'Heidemarie' } });
    // The paused object's generation moves, but nothing reaches Kasm.
    await fx.waitFor('KasmUser', 'heidi', (o) => condition(o, 'Synced')?.reason === 'Paused' && o?.status?.observedGeneration === o?.metadata?.generation);
    expect(fx.sim.calls.count('update_user')).toBe(updatesBefore);
    expect(kasmUsersNamed('heidi@example.com')[0]?.first_name).toBe('Heidi');
    await fx.mergePatch('KasmUser', 'heidi', { metadata: { annotations: { 'kasm.io/paused': null } } });
    await eventually(() => kasmUsersNamed('heidi@example.com')[0]?.first_name === 'Heidemarie', 20_000, 'update after resume');
  });

  it('adopts instead of duplicating when the reply to a create is lost', async () => {
    fx.sim.faults.failEndpoint('create_user', { mode: 'reset', afterProcessing: true, times: 1 });
    const createsBefore = fx.sim.calls.count('create_user');
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'ivan' }, spec: { username: 'ivan@example.com' } });
    const obj = await fx.waitFor('KasmUser', 'ivan', isReady);
    expect(kasmUsersNamed('ivan@example.com')).toHaveLength(1);
    expect(obj?.status?.externalId).toBe(kasmUsersNamed('ivan@example.com')[0]?.user_id);
    expect(fx.sim.calls.count('create_user')).toBe(createsBefore + 1);
    fx.sim.faults.clear();
  });
});

describe('a process stopped between create and recording the id', () => {
  it('is restarted and adopts the user it created, with no duplicate', async () => {
    const first = await fx.startOperator();
    // Kasm creates the user but its reply never comes back, as if the operator died mid-call.
    fx.sim.faults.failEndpoint('create_user', { mode: 'hang', afterProcessing: true, times: 1 });
    const createsBefore = fx.sim.calls.count('create_user');
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'judy' }, spec: { username: 'judy@example.com' } });
    await eventually(() => kasmUsersNamed('judy@example.com').length === 1, 20_000, 'user created in Kasm');
    const pending = await fx.get('KasmUser', 'judy');
    expect(pending?.metadata?.annotations?.['kasm.io/create-pending']).toBeDefined();
    expect(pending?.metadata?.annotations?.['kasm.io/external-id']).toBeUndefined();
    // The finalizer came with the mark, before the create: deleting now would still reach Kasm.
    expect(pending?.metadata?.finalizers).toContain('kasm.io/finalizer');
    await first.stop(0);

    await fx.startOperator();
    const obj = await fx.waitFor('KasmUser', 'judy', (o) => isReady(o) && o?.metadata?.annotations?.['kasm.io/create-pending'] === undefined);
    expect(kasmUsersNamed('judy@example.com')).toHaveLength(1);
    expect(fx.sim.calls.count('create_user')).toBe(createsBefore + 1);
    expect(obj?.metadata?.annotations?.['kasm.io/create-pending']).toBeUndefined();
    expect(obj?.metadata?.annotations?.['kasm.io/external-id']).toBe(kasmUsersNamed('judy@example.com')[0]?.user_id);
  });
});
