import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, GIZMOS, GROUP, metaOf, setupConformance, VERSION, WIDGETS, type Conformance, type Json } from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('cr');
});
afterAll(async () => {
  await c?.close();
});

describe('custom resources: create and read', () => {
  it('writes server metadata and schema defaults on create', async () => {
    const created = await c.createWidget('create-1');
    const m = metaOf(created);
    expect(m.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.resourceVersion).toMatch(/^\d+$/);
    expect(m.generation).toBe(1);
    expect(m.namespace).toBe(c.ns);
    expect(Date.parse(String(m.creationTimestamp))).not.toBeNaN();
    expect(created.spec).toEqual({ owner: 'alice', color: 'green', size: 3 });
    expect(await c.getWidget('create-1')).toMatchObject({ metadata: { uid: m.uid, resourceVersion: m.resourceVersion } });
  });

  it('answers 409 AlreadyExists and 404 NotFound with Status details', async () => {
    await c.createWidget('dup-1');
    const dup = await expectFailure(c.createWidget('dup-1'), 409, 'AlreadyExists');
    expect(dup.details).toMatchObject({ name: 'dup-1', group: GROUP, kind: WIDGETS });
    const missing = await expectFailure(c.getWidget('no-such-widget'), 404, 'NotFound');
    expect(missing.details).toMatchObject({ name: 'no-such-widget', group: GROUP, kind: WIDGETS });
    expect(missing.message).toContain('no-such-widget');
  });

  it('generates names from generateName', async () => {
    const created = (await c.custom.createNamespacedCustomObject({
      ...c.widgets,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { generateName: 'gen-' }, spec: { owner: 'bob' } },
    })) as Json;
    expect(metaOf(created).name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('ignores status on create when the status subresource is enabled', async () => {
    const created = await c.createWidget('status-on-create', { owner: 'alice' }, { status: { phase: 'Bogus' } });
    expect(created.status).toBeUndefined();
  });

  it('lists with a list resourceVersion and the list kind', async () => {
    await c.createWidget('list-1');
    const list = (await c.custom.listNamespacedCustomObject(c.widgets)) as Json & { items: Json[]; metadata: { resourceVersion: string } };
    expect(list.kind).toBe('WidgetList');
    expect(list.apiVersion).toBe(`${GROUP}/${VERSION}`);
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((i) => metaOf(i).name)).toContain('list-1');
  });
});

describe('custom resources: update, generation and the status subresource', () => {
  it('bumps generation on spec changes only', async () => {
    const created = await c.createWidget('gen-1');
    const rv1 = Number(metaOf(created).resourceVersion);

    const relabeled = (await c.custom.replaceNamespacedCustomObject({
      ...c.widgets,
      name: 'gen-1',
      body: { ...created, metadata: { ...metaOf(created), labels: { tier: 'a' } } },
    })) as Json;
    expect(metaOf(relabeled).generation).toBe(1);
    const rv2 = Number(metaOf(relabeled).resourceVersion);
    expect(rv2).toBeGreaterThan(rv1);

    const resized = (await c.custom.replaceNamespacedCustomObject({
      ...c.widgets,
      name: 'gen-1',
      body: { ...relabeled, spec: { owner: 'alice', size: 7 } },
    })) as Json;
    expect(metaOf(resized).generation).toBe(2);
    expect(Number(metaOf(resized).resourceVersion)).toBeGreaterThan(rv2);
  });

  it('changes only status through /status, and leaves status alone on main writes', async () => {
    const created = await c.createWidget('status-1');
    const withStatus = (await c.custom.replaceNamespacedCustomObjectStatus({
      ...c.widgets,
      name: 'status-1',
      body: { ...created, spec: { owner: 'mallory', size: 9 }, status: { phase: 'Ready', observedGeneration: 1 } },
    })) as Json;
    expect(withStatus.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    expect(withStatus.spec).toMatchObject({ owner: 'alice', size: 3 });
    expect(metaOf(withStatus).generation).toBe(1);
    expect(Number(metaOf(withStatus).resourceVersion)).toBeGreaterThan(Number(metaOf(created).resourceVersion));

    const mainWrite = (await c.custom.replaceNamespacedCustomObject({
      ...c.widgets,
      name: 'status-1',
      body: { ...withStatus, status: { phase: 'Overwritten' } },
    })) as Json;
    expect(mainWrite.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
    const fetched = (await c.custom.getNamespacedCustomObjectStatus({ ...c.widgets, name: 'status-1' })) as Json;
    expect(fetched.status).toEqual({ phase: 'Ready', observedGeneration: 1 });
  });

  it('rejects a stale resourceVersion with 409 Conflict', async () => {
    const created = await c.createWidget('conflict-1');
    await c.custom.replaceNamespacedCustomObject({ ...c.widgets, name: 'conflict-1', body: { ...created, spec: { owner: 'alice', size: 4 } } });
    const stale = await expectFailure(
      c.custom.replaceNamespacedCustomObject({ ...c.widgets, name: 'conflict-1', body: { ...created, spec: { owner: 'alice', size: 5 } } }),
      409,
      'Conflict',
    );
    expect(stale.message).toContain('the object has been modified');
    expect(stale.details).toMatchObject({ name: 'conflict-1', group: GROUP, kind: WIDGETS });
    await expectFailure(
      c.custom.replaceNamespacedCustomObjectStatus({ ...c.widgets, name: 'conflict-1', body: { ...created, status: { phase: 'x' } } }),
      409,
      'Conflict',
    );
  });

  it('requires metadata.resourceVersion on PUT of a custom resource', async () => {
    const created = await c.createWidget('unconditional-1');
    const { resourceVersion: _rv, ...metaWithoutRv } = metaOf(created);
    const failure = await expectFailure(
      c.custom.replaceNamespacedCustomObject({ ...c.widgets, name: 'unconditional-1', body: { ...created, metadata: metaWithoutRv } }),
      422,
      'Invalid',
    );
    expect(failure.details?.causes?.some((x) => x.field === 'metadata.resourceVersion')).toBe(true);
  });

  it('does not write an update that changes nothing', async () => {
    const created = await c.createWidget('noop-1');
    const again = (await c.custom.replaceNamespacedCustomObject({ ...c.widgets, name: 'noop-1', body: created })) as Json;
    expect(metaOf(again).resourceVersion).toBe(metaOf(created).resourceVersion);
  });

  it('answers 400 when the name in the body differs from the URL', async () => {
    const created = await c.createWidget('name-1');
    await expectFailure(
      c.custom.replaceNamespacedCustomObject({ ...c.widgets, name: 'name-1', body: { ...created, metadata: { ...metaOf(created), name: 'other' } } }),
      400,
      'BadRequest',
    );
  });
});

describe('custom resources: delete', () => {
  it('answers DELETE with the deleted object and then 404', async () => {
    const created = await c.createWidget('del-1');
    const deleted = (await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'del-1', body: { propagationPolicy: 'Background' } })) as Json;
    expect(metaOf(deleted).uid).toBe(metaOf(created).uid);
    await expectFailure(c.getWidget('del-1'), 404, 'NotFound');
    await expectFailure(c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'del-1' }), 404, 'NotFound');
  });

  it('honours delete preconditions', async () => {
    await c.createWidget('precond-1');
    await expectFailure(
      c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'precond-1', body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } } }),
      409,
      'Conflict',
    );
  });

  it('deletes a collection selected by labels', async () => {
    for (const n of ['coll-a', 'coll-b', 'coll-c']) {
      await c.createWidget(n, { owner: 'alice' }, { metadata: { labels: { batch: n === 'coll-c' ? 'keep' : 'drop' } } });
    }
    await c.custom.deleteCollectionNamespacedCustomObject({ ...c.widgets, labelSelector: 'batch=drop' });
    const left = (await c.custom.listNamespacedCustomObject({ ...c.widgets, labelSelector: 'batch' })) as { items: Json[] };
    expect(left.items.map((i) => metaOf(i).name)).toEqual(['coll-c']);
  });
});

describe('cluster-scoped custom resources without a status subresource', () => {
  it('serves them at cluster scope and counts status into generation', async () => {
    const name = `gizmo-${c.ns}`;
    const cluster = { group: GROUP, version: VERSION, plural: GIZMOS };
    try {
      const created = (await c.custom.createClusterCustomObject({
        ...cluster,
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Gizmo', metadata: { name }, spec: { a: 1 }, status: { seen: true } },
      })) as Json;
      expect(metaOf(created).namespace).toBeUndefined();
      expect(created.status).toEqual({ seen: true });
      const updated = (await c.custom.replaceClusterCustomObject({ ...cluster, name, body: { ...created, status: { seen: false } } })) as Json;
      expect(metaOf(updated).generation).toBe(2);
    } finally {
      await c.custom.deleteClusterCustomObject({ ...cluster, name }).catch(() => undefined);
    }
  });
});
