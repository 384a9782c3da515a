import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KasmClient } from '../../src/kasm/client.js';
import { argoCdHealth, luaAvailable } from '../deploy/argocd-health.js';
import { computeKstatus } from '../deploy/kstatus.js';
import { applyOrder, loadExamples } from '../harness/examples.js';
import { API_VERSION, condition, isReady, readyReason, startOperatorWithKasm, type ManagedResource, type OperatorFixture } from '../harness/operator-fixture.js';

/**
 * examples/ applied as a user would, every object becoming Ready; and the statuses the operator
 * writes read the way Flux (kstatus) and Argo CD (the shipped Lua health check) read them.
 */
let fx: OperatorFixture;
let kasm: KasmClient;

beforeAll(async () => {
  ({ fx, kasm } = await startOperatorWithKasm());
});
afterAll(async () => {
  await fx?.close();
});

const managedExamples = () => loadExamples({ url: fx.sim.url, ...fx.sim.adminKey }).filter((o) => o.kind !== 'Secret');

describe('examples/', () => {
  it('applies, and every object becomes Ready and Current', async () => {
    for (const obj of loadExamples({ url: fx.sim.url, ...fx.sim.adminKey }).sort(applyOrder)) await fx.apply(obj);
    for (const obj of managedExamples()) {
      const seen = await fx.waitFor(obj.kind ?? '', obj.metadata?.name ?? '', isReady, 30_000);
      expect(computeKstatus(seen).status, `${obj.kind}/${obj.metadata?.name}`).toBe('Current');
      if (luaAvailable()) expect(argoCdHealth(seen).status, `${obj.kind}/${obj.metadata?.name}`).toBe('Healthy');
    }
    const alice = [...fx.sim.state.users.values()].find((u) => u.username === 'alice@example.com');
    const developers = [...fx.sim.state.groups.values()].find((g) => g.name === 'Developers');
    expect(alice?.groupIds.has(developers?.group_id ?? '')).toBe(true);
  });
});

describe('statuses as GitOps tools read them', () => {
  let failed: ManagedResource | undefined;

  it('a Stalled object is Failed for kstatus and Degraded for Argo CD', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmUser',
      metadata: { name: 'quinn' },
      spec: { username: 'quinn@example.com', passwordSecretRef: { name: 'no-such-secret', key: 'password' } },
    });
    failed = await fx.waitFor('KasmUser', 'quinn', (o) => condition(o, 'Stalled')?.status === 'True');
    expect(computeKstatus(failed).status).toBe('Failed');
    if (luaAvailable()) expect(argoCdHealth(failed).status).toBe('Degraded');
  });

  it('an object waiting for a reference is InProgress and Progressing', async () => {
    await fx.apply({
      apiVersion: API_VERSION,
      kind: 'KasmGroupMembership',
      metadata: { name: 'waiting' },
      spec: { groupRef: { name: 'not-yet' }, users: [{ username: 'user@kasm.local' }] },
    });
    const waiting = await fx.waitFor('KasmGroupMembership', 'waiting', (o) => readyReason(o) === 'ReferenceNotReady');
    expect(computeKstatus(waiting).status).toBe('InProgress');
    if (luaAvailable()) expect(argoCdHealth(waiting).status).toBe('Progressing');
  });

  it('a paused object is Suspended for Argo CD', async () => {
    await fx.mergePatch('KasmUser', 'alice', { metadata: { annotations: { 'kasm.io/paused': 'true' } } });
    const paused = await fx.waitFor('KasmUser', 'alice', (o) => condition(o, 'Synced')?.reason === 'Paused');
    if (luaAvailable()) expect(argoCdHealth(paused).status).toBe('Suspended');
    await fx.mergePatch('KasmUser', 'alice', { metadata: { annotations: { 'kasm.io/paused': null } } });
  });

  it('an object being deleted is Terminating while its finalizer runs', async () => {
    // Kasm refuses to delete a user with a running session; without forceDelete the delete waits.
    await fx.apply({ apiVersion: API_VERSION, kind: 'KasmUser', metadata: { name: 'rita' }, spec: { username: 'rita@example.com' } });
    const rita = await fx.waitFor('KasmUser', 'rita', isReady);
    const image = await kasm.images.create({ name: 'kasmweb/terminal:1.16.0', friendlyName: 'Terminal' });
    await kasm.sessions.request({ userId: rita?.status?.externalId ?? '', imageId: image.imageId });
    await fx.remove('KasmUser', 'rita');
    const deleting = await fx.waitFor('KasmUser', 'rita', (o) => condition(o, 'Synced')?.reason === 'DeleteBlocked');
    expect(computeKstatus(deleting).status).toBe('Terminating');
    expect(condition(deleting, 'Synced')?.message).toContain('forceDelete');
    await fx.mergePatch('KasmUser', 'rita', { spec: { forceDelete: true } });
    await fx.waitFor('KasmUser', 'rita', (o) => o === undefined);
  });
});
