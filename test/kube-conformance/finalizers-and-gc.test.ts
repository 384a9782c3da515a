import { PatchStrategy, type V1OwnerReference } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectWatch,
  eventually,
  eventuallyGone,
  expectFailure,
  GROUP,
  metaOf,
  patchAs,
  setupConformance,
  VERSION,
  widget,
  widgetPath,
  widgetsIn,
  type Conformance,
  type Json,
} from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('fin');
});
afterAll(async () => {
  await c?.close();
});

const FINALIZER = 'conformance.kasm.io/hold';

function ownerRef(owner: Json, kind = 'Widget'): V1OwnerReference {
  return { apiVersion: `${GROUP}/${VERSION}`, kind, name: metaOf(owner).name ?? '', uid: metaOf(owner).uid ?? '' };
}

describe('finalizers', () => {
  it('keeps a deleted object with finalizers until the last one is removed', async () => {
    const created = await c.createWidget('f-1', { owner: 'alice' }, { metadata: { finalizers: [FINALIZER] } });
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { resourceVersion: metaOf(created).resourceVersion, fieldSelector: 'metadata.name=f-1' });
    try {
      const deleting = (await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'f-1' })) as Json;
      expect(metaOf(deleting).deletionTimestamp).toBeTruthy();
      expect(metaOf(deleting).deletionGracePeriodSeconds).toBe(0);
      const still = await c.getWidget('f-1');
      expect(metaOf(still).finalizers).toEqual([FINALIZER]);
      await watch.waitFor('MODIFIED with deletionTimestamp', (e) => e.type === 'MODIFIED' && Boolean(metaOf(e.object).deletionTimestamp));

      const added = await expectFailure(
        c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'f-1', body: { metadata: { finalizers: [FINALIZER, 'conformance.kasm.io/late'] } } }, patchAs(PatchStrategy.MergePatch)),
        422,
        'Invalid',
      );
      expect(added.details?.causes).toContainEqual(expect.objectContaining({ reason: 'FieldValueForbidden', field: 'metadata.finalizers' }));

      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'f-1', body: [{ op: 'remove', path: '/metadata/finalizers' }] }, patchAs(PatchStrategy.JsonPatch));
      await watch.waitFor('DELETED', (e) => e.type === 'DELETED');
      await expectFailure(c.getWidget('f-1'), 404, 'NotFound');
    } finally {
      watch.stop();
    }
  });

  it('still accepts other changes while terminating', async () => {
    await c.createWidget('f-2', { owner: 'alice' }, { metadata: { finalizers: [FINALIZER] } });
    await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'f-2' });
    const labeled = (await c.custom.patchNamespacedCustomObject(
      { ...c.widgets, name: 'f-2', body: { metadata: { labels: { during: 'deletion' } } } },
      patchAs(PatchStrategy.MergePatch),
    )) as Json;
    expect(metaOf(labeled).labels).toEqual({ during: 'deletion' });
    await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'f-2', body: { metadata: { finalizers: null } } }, patchAs(PatchStrategy.MergePatch));
    await eventuallyGone('f-2', () => c.getWidget('f-2'));
  });
});

describe('garbage collection', () => {
  it('deletes dependents whose owner was deleted', async () => {
    const owner = await c.createWidget('owner-1');
    await c.core.createNamespacedConfigMap({ namespace: c.ns, body: { metadata: { name: 'dep-1', ownerReferences: [ownerRef(owner)] }, data: { a: 'b' } } });
    const child = await c.createWidget('child-1', { owner: 'alice' }, { metadata: { ownerReferences: [ownerRef(owner)] } });
    expect(metaOf(child).ownerReferences).toHaveLength(1);
    await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'owner-1', body: { propagationPolicy: 'Background' } });
    await eventuallyGone('dependent ConfigMap', () => c.core.readNamespacedConfigMap({ namespace: c.ns, name: 'dep-1' }));
    await eventuallyGone('dependent Widget', () => c.getWidget('child-1'));
  });

  it('orphans dependents with propagationPolicy Orphan', async () => {
    const owner = await c.createWidget('owner-2');
    await c.core.createNamespacedConfigMap({ namespace: c.ns, body: { metadata: { name: 'dep-2', ownerReferences: [ownerRef(owner)] } } });
    await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'owner-2', body: { propagationPolicy: 'Orphan' } });
    await eventuallyGone('orphaning owner', () => c.getWidget('owner-2'));
    const dep = await eventually('owner reference to be removed', async () => {
      const cm = await c.core.readNamespacedConfigMap({ namespace: c.ns, name: 'dep-2' });
      return (cm.metadata?.ownerReferences ?? []).length === 0 ? cm : undefined;
    });
    expect(dep.metadata?.name).toBe('dep-2');
  });

  it('deletes dependents first with propagationPolicy Foreground', async () => {
    const owner = await c.createWidget('owner-3');
    await c.core.createNamespacedConfigMap({
      namespace: c.ns,
      body: { metadata: { name: 'dep-3', ownerReferences: [{ ...ownerRef(owner), blockOwnerDeletion: true }] } },
    });
    const deleting = (await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'owner-3', body: { propagationPolicy: 'Foreground' } })) as Json;
    expect(metaOf(deleting).deletionTimestamp).toBeTruthy();
    expect(metaOf(deleting).finalizers).toContain('foregroundDeletion');
    await eventuallyGone('dependent', () => c.core.readNamespacedConfigMap({ namespace: c.ns, name: 'dep-3' }));
    await eventuallyGone('owner', () => c.getWidget('owner-3'));
  });
});

describe('namespace deletion', () => {
  it('deletes the objects of a deleted namespace, then the namespace', async () => {
    const ns = await c.target.createNamespace('fin-ns');
    await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' }, stringData: { a: 'b' } } });
    await c.custom.createNamespacedCustomObject({ ...widgetsIn(ns), body: widget('w', { owner: 'alice' }) });
    const deleting = await c.core.deleteNamespace({ name: ns });
    expect(deleting).toBeTruthy();
    const terminating = await c.core.readNamespace({ name: ns }).catch(() => undefined);
    if (terminating) expect(terminating.status?.phase).toBe('Terminating');
    await eventuallyGone('the namespace', () => c.core.readNamespace({ name: ns }), 60_000);
    await expectFailure(c.core.readNamespacedSecret({ namespace: ns, name: 's' }), 404, 'NotFound');
  });
});
