import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, expectFailure, patchAs, setupConformance, type Conformance } from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('core');
});
afterAll(async () => {
  await c?.close();
});

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('Secrets', () => {
  it('merges stringData into base64 data and keeps no generation', async () => {
    const created = await c.core.createNamespacedSecret({
      namespace: c.ns,
      body: { metadata: { name: 'sec-1' }, data: { keep: b64('kept'), over: b64('old') }, stringData: { over: 'new', plain: 'text' } },
    });
    expect(created.data).toEqual({ keep: b64('kept'), over: b64('new'), plain: b64('text') });
    expect(created.stringData).toBeUndefined();
    expect(created.type).toBe('Opaque');
    expect(created.metadata?.generation).toBeUndefined();
    const read = await c.core.readNamespacedSecret({ namespace: c.ns, name: 'sec-1' });
    expect(read.data).toEqual(created.data);
  });

  it('allows a PUT without resourceVersion, and rejects a stale one', async () => {
    const created = await c.core.createNamespacedSecret({ namespace: c.ns, body: { metadata: { name: 'sec-2' }, stringData: { a: '1' } } });
    const replaced = await c.core.replaceNamespacedSecret({ namespace: c.ns, name: 'sec-2', body: { metadata: { name: 'sec-2' }, stringData: { a: '2' } } });
    expect(replaced.data).toEqual({ a: b64('2') });
    await expectFailure(
      c.core.replaceNamespacedSecret({ namespace: c.ns, name: 'sec-2', body: { metadata: { name: 'sec-2', resourceVersion: created.metadata?.resourceVersion }, stringData: { a: '3' } } }),
      409,
      'Conflict',
    );
  });

  it('rejects invalid data keys with 422', async () => {
    const f = await expectFailure(c.core.createNamespacedSecret({ namespace: c.ns, body: { metadata: { name: 'sec-3' }, stringData: { 'bad key': 'x' } } }), 422, 'Invalid');
    expect(f.details?.causes?.some((x) => x.field?.startsWith('data['))).toBe(true);
  });

  it('deletes and then answers 404', async () => {
    await c.core.createNamespacedSecret({ namespace: c.ns, body: { metadata: { name: 'sec-4' } } });
    await c.core.deleteNamespacedSecret({ namespace: c.ns, name: 'sec-4' });
    const f = await expectFailure(c.core.readNamespacedSecret({ namespace: c.ns, name: 'sec-4' }), 404, 'NotFound');
    expect(f.details).toMatchObject({ name: 'sec-4', kind: 'secrets' });
  });
});

describe('ConfigMaps', () => {
  it('supports CRUD and refuses changes to an immutable ConfigMap', async () => {
    const created = await c.core.createNamespacedConfigMap({ namespace: c.ns, body: { metadata: { name: 'cm-1' }, data: { a: '1' }, immutable: true } });
    expect(created.data).toEqual({ a: '1' });
    const f = await expectFailure(
      c.core.patchNamespacedConfigMap({ namespace: c.ns, name: 'cm-1', body: { data: { a: '2' } } }, patchAs(PatchStrategy.MergePatch)),
      422,
      'Invalid',
    );
    expect(f.details?.causes?.map((x) => x.field)).toContain('data');
    const list = await c.core.listNamespacedConfigMap({ namespace: c.ns });
    expect(list.items.map((i) => i.metadata?.name)).toContain('cm-1');
  });
});

describe('Events', () => {
  it('shows core/v1 events through events.k8s.io/v1 and the other way round', async () => {
    await c.core.createNamespacedEvent({
      namespace: c.ns,
      body: {
        metadata: { name: 'ev-core' },
        involvedObject: { kind: 'Widget', name: 'w', namespace: c.ns, apiVersion: 'conformance.kasm.io/v1' },
        reason: 'Tested',
        message: 'from core',
        type: 'Normal',
        source: { component: 'conformance' },
        count: 1,
      },
    });
    const asEventsV1 = await c.events.readNamespacedEvent({ namespace: c.ns, name: 'ev-core' });
    expect(asEventsV1.regarding?.name).toBe('w');
    expect(asEventsV1.note).toBe('from core');
    expect(asEventsV1.deprecatedCount).toBe(1);

    await c.events.createNamespacedEvent({
      namespace: c.ns,
      body: {
        metadata: { name: 'ev-v1' },
        eventTime: new Date(),
        reportingController: 'kasm.io/conformance',
        reportingInstance: 'conformance-1',
        action: 'Test',
        reason: 'Tested',
        type: 'Warning',
        note: 'from events.k8s.io',
        regarding: { kind: 'Widget', name: 'w', namespace: c.ns },
      },
    });
    const asCore = await c.core.readNamespacedEvent({ namespace: c.ns, name: 'ev-v1' });
    expect(asCore.involvedObject.name).toBe('w');
    expect(asCore.message).toBe('from events.k8s.io');
    expect(asCore.reportingComponent).toBe('kasm.io/conformance');

    const selected = await c.core.listNamespacedEvent({ namespace: c.ns, fieldSelector: 'involvedObject.name=w,reason=Tested' });
    expect(selected.items.map((e) => e.metadata?.name).sort()).toEqual(['ev-core', 'ev-v1']);
  });

  it('requires the events.k8s.io/v1 fields on create', async () => {
    const f = await expectFailure(
      c.events.createNamespacedEvent({ namespace: c.ns, body: { metadata: { name: 'ev-bad' }, eventTime: new Date(), type: 'Normal', regarding: { kind: 'Widget', name: 'w', namespace: c.ns } } }),
      422,
      'Invalid',
    );
    const fields = (f.details?.causes ?? []).map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['reportingInstance', 'action', 'reason']));
  });
});

describe('Leases', () => {
  it('supports the read-modify-write leader election does, with conflicts on stale writes', async () => {
    const now = new Date();
    const created = await c.coordination.createNamespacedLease({
      namespace: c.ns,
      body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0 } },
    });
    expect(created.spec?.holderIdentity).toBe('a');
    const renewed = await c.coordination.replaceNamespacedLease({
      namespace: c.ns,
      name: 'leader',
      body: { ...created, spec: { ...created.spec, holderIdentity: 'b', leaseTransitions: 1 } },
    });
    expect(renewed.spec?.holderIdentity).toBe('b');
    expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    await expectFailure(
      c.coordination.replaceNamespacedLease({ namespace: c.ns, name: 'leader', body: { ...created, spec: { ...created.spec, holderIdentity: 'c' } } }),
      409,
      'Conflict',
    );
  });

  it('rejects a non-positive leaseDurationSeconds', async () => {
    const f = await expectFailure(
      c.coordination.createNamespacedLease({ namespace: c.ns, body: { metadata: { name: 'bad-lease' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 0 } } }),
      422,
      'Invalid',
    );
    expect(f.details?.causes?.map((x) => x.field)).toContain('spec.leaseDurationSeconds');
  });
});

describe('Namespaces', () => {
  it('has default and kube-system from the start', async () => {
    for (const name of ['default', 'kube-system']) {
      const ns = await c.core.readNamespace({ name });
      expect(ns.status?.phase).toBe('Active');
    }
  });

  it('refuses new objects in a terminating namespace', async () => {
    const ns = await c.target.createNamespace('core-term');
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', finalizers: ['conformance.kasm.io/hold'] } },
    });
    await c.core.deleteNamespace({ name: ns });
    await eventually('namespace to be terminating', async () => ((await c.core.readNamespace({ name: ns })).status?.phase === 'Terminating' ? true : undefined));
    await expectFailure(c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } }), 403, 'Forbidden');
    await eventually('the held object to be marked for deletion', async () => {
      const cm = await c.core.readNamespacedConfigMap({ namespace: ns, name: 'held' });
      return cm.metadata?.deletionTimestamp ? cm : undefined;
    });
    await c.core.patchNamespacedConfigMap({ namespace: ns, name: 'held', body: { metadata: { finalizers: null } } }, patchAs(PatchStrategy.MergePatch));
  });
});
