import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, GROUP, metaOf, patchAs, setupConformance, VERSION, widget, type Conformance, type Json } from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('patch');
});
afterAll(async () => {
  await c?.close();
});

const merge = () => patchAs(PatchStrategy.MergePatch);
const jsonPatch = () => patchAs(PatchStrategy.JsonPatch);
const apply = () => patchAs(PatchStrategy.ServerSideApply);

function patchWidget(name: string, body: unknown, options: ReturnType<typeof merge>, extra: { fieldManager?: string; force?: boolean } = {}): Promise<Json> {
  return c.custom.patchNamespacedCustomObject({ ...c.widgets, name, body, ...extra }, options) as Promise<Json>;
}

describe('merge patch', () => {
  it('merges into the object and bumps generation for spec changes', async () => {
    await c.createWidget('m-1');
    const patched = await patchWidget('m-1', { spec: { size: 8 }, metadata: { labels: { a: 'b' } } }, merge());
    expect(patched.spec).toMatchObject({ owner: 'alice', size: 8 });
    expect(metaOf(patched).labels).toEqual({ a: 'b' });
    expect(metaOf(patched).generation).toBe(2);
    const unset = await patchWidget('m-1', { metadata: { labels: { a: null } } }, merge());
    expect(metaOf(unset).labels ?? {}).toEqual({});
  });

  it('treats metadata.resourceVersion in a patch as a precondition', async () => {
    const created = await c.createWidget('m-rv');
    await patchWidget('m-rv', { spec: { size: 5 } }, merge());
    await expectFailure(patchWidget('m-rv', { metadata: { resourceVersion: metaOf(created).resourceVersion }, spec: { size: 6 } }, merge()), 409, 'Conflict');
  });

  it('patches status through the status subresource only', async () => {
    await c.createWidget('m-status');
    const patched = (await c.custom.patchNamespacedCustomObjectStatus(
      { ...c.widgets, name: 'm-status', body: { spec: { size: 9 }, status: { phase: 'Ready' } } },
      merge(),
    )) as Json;
    expect(patched.status).toEqual({ phase: 'Ready' });
    expect((patched.spec as Json).size).toBe(3);
    expect(metaOf(patched).generation).toBe(1);
  });

  it('answers 404 for a missing object', async () => {
    await expectFailure(patchWidget('m-missing', { spec: { size: 2 } }, merge()), 404, 'NotFound');
  });
});

describe('JSON patch', () => {
  it('applies operations, guarded by test', async () => {
    await c.createWidget('j-1');
    const patched = await patchWidget(
      'j-1',
      [
        { op: 'test', path: '/spec/owner', value: 'alice' },
        { op: 'replace', path: '/spec/size', value: 4 },
        { op: 'add', path: '/metadata/labels', value: { x: 'y' } },
      ],
      jsonPatch(),
    );
    expect((patched.spec as Json).size).toBe(4);
    expect(metaOf(patched).labels).toEqual({ x: 'y' });
  });

  it('answers 422 when a test operation fails or a path is missing', async () => {
    await c.createWidget('j-2');
    await expectFailure(patchWidget('j-2', [{ op: 'test', path: '/spec/owner', value: 'bob' }, { op: 'replace', path: '/spec/size', value: 4 }], jsonPatch()), 422);
    await expectFailure(patchWidget('j-2', [{ op: 'remove', path: '/spec/nothing/here' }], jsonPatch()), 422);
    const unchanged = await c.getWidget('j-2');
    expect((unchanged.spec as Json).size).toBe(3);
  });

  it('validates the patched object against the schema', async () => {
    await c.createWidget('j-3');
    const f = await expectFailure(patchWidget('j-3', [{ op: 'replace', path: '/spec/size', value: 99 }], jsonPatch()), 422, 'Invalid');
    expect(f.details?.causes?.map((x) => x.field)).toContain('spec.size');
  });
});

describe('strategic merge patch', () => {
  it('is refused for custom resources with 415', async () => {
    await c.createWidget('s-1');
    await expectFailure(patchWidget('s-1', { spec: { size: 2 } }, patchAs(PatchStrategy.StrategicMergePatch)), 415, 'UnsupportedMediaType');
  });

  it('merges into built-in kinds', async () => {
    await c.core.createNamespacedConfigMap({ namespace: c.ns, body: { metadata: { name: 'smp-1' }, data: { a: '1', b: '2' } } });
    const patched = await c.core.patchNamespacedConfigMap(
      { namespace: c.ns, name: 'smp-1', body: { data: { b: null, c: '3' } } },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(patched.data).toEqual({ a: '1', c: '3' });
  });
});

describe('server-side apply', () => {
  const applied = (name: string, spec: Json): Json => widget(name, spec);

  it('creates with apply and records the manager in managedFields', async () => {
    const created = await patchWidget('a-1', applied('a-1', { owner: 'alice', size: 4 }), apply(), { fieldManager: 'team-a' });
    expect(created.spec).toMatchObject({ owner: 'alice', size: 4 });
    const managed = metaOf(created).managedFields as { manager: string; operation: string }[];
    expect(managed).toContainEqual(expect.objectContaining({ manager: 'team-a', operation: 'Apply' }));
  });

  it('requires a field manager', async () => {
    await expectFailure(patchWidget('a-nomanager', applied('a-nomanager', { owner: 'alice' }), apply()), 400, 'BadRequest');
  });

  it('reports conflicts with 409 naming the manager and field, and force takes ownership', async () => {
    await patchWidget('a-2', applied('a-2', { owner: 'alice', size: 4 }), apply(), { fieldManager: 'team-a' });
    const f = await expectFailure(patchWidget('a-2', applied('a-2', { owner: 'alice', size: 5 }), apply(), { fieldManager: 'team-b' }), 409, 'Conflict');
    expect(f.details?.causes).toContainEqual(expect.objectContaining({ reason: 'FieldManagerConflict', field: '.spec.size' }));
    expect(f.message).toContain('team-a');
    const forced = await patchWidget('a-2', applied('a-2', { owner: 'alice', size: 5 }), apply(), { fieldManager: 'team-b', force: true });
    expect((forced.spec as Json).size).toBe(5);
    // Same value, different manager: shared ownership, no conflict.
    await patchWidget('a-2', applied('a-2', { owner: 'alice' }), apply(), { fieldManager: 'team-c' });
  });

  it('removes fields a manager stops applying', async () => {
    await patchWidget('a-3', applied('a-3', { owner: 'alice', size: 7, color: 'red' }), apply(), { fieldManager: 'team-a' });
    await patchWidget('a-3', applied('a-3', { owner: 'alice', size: 7 }), apply(), { fieldManager: 'team-a' });
    // color is gone from the applied configuration; the schema default takes its place.
    const after = await c.getWidget('a-3');
    expect((after.spec as Json).color).toBe('green');
  });

  it('conflicts with fields another manager wrote by update', async () => {
    await c.createWidget('a-4', { owner: 'alice', size: 2 });
    const f = await expectFailure(patchWidget('a-4', applied('a-4', { owner: 'alice', size: 6 }), apply(), { fieldManager: 'team-a' }), 409, 'Conflict');
    expect(f.details?.causes?.map((x) => x.field)).toContain('.spec.size');
  });

  it('applies status through the status subresource', async () => {
    await patchWidget('a-5', applied('a-5', { owner: 'alice' }), apply(), { fieldManager: 'team-a' });
    const patched = (await c.custom.patchNamespacedCustomObjectStatus(
      { ...c.widgets, name: 'a-5', body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name: 'a-5' }, status: { phase: 'Ready' } }, fieldManager: 'status-writer' },
      apply(),
    )) as Json;
    expect(patched.status).toEqual({ phase: 'Ready' });
    const managed = metaOf(patched).managedFields as { manager: string; subresource?: string }[];
    expect(managed).toContainEqual(expect.objectContaining({ manager: 'status-writer', subresource: 'status' }));
  });
});
