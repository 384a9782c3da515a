import { describe, expect, it } from 'vitest';
import {
  applyConflictCauses,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  formatApplyConflicts,
  PATCH_REJECTED_MESSAGE,
  PatchError,
  recordUpdateManager,
  serverSideApply,
  type JsonPatchOp,
  type ManagedFieldsEntry,
} from './patch.js';

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected a PatchError');
}

describe('JSON patch (RFC 6902 appendix A)', () => {
  it.each<[string, unknown, JsonPatchOp[], unknown]>([
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['A.8 test a value (success)', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    ['escaped slash in a key', { metadata: { labels: { 'app.kubernetes.io/name': 'x' } } }, [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }], { metadata: { labels: {} } }],
    ['test of a missing path against null passes', { a: 1 }, [{ op: 'test', path: '/b', value: null }], { a: 1 }],
  ])('%s', (_name, doc, ops, expected) => {
    expect(applyJsonPatch(doc, ops)).toEqual(expected);
  });

  it.each<[string, unknown, JsonPatchOp[]]>([
    ['A.9 failed test', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
    ['remove of a missing key', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['replace of a missing key', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]],
    ['index out of range', { a: [1] }, [{ op: 'add', path: '/a/5', value: 2 }]],
    ['leading zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }]],
    ['unknown op', { a: 1 }, [{ op: 'frobnicate' as 'add', path: '/a' }]],
    ['path without leading slash', { a: 1 }, [{ op: 'add', path: 'a', value: 2 }]],
    ['move into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]],
  ])('%s is rejected with 422', (_name, doc, ops) => {
    const err = patchError(() => applyJsonPatch(doc, ops));
    expect(err.status).toBe(422);
    expect(err.message).toBe(PATCH_REJECTED_MESSAGE);
  });

  it('applies all operations or none', () => {
    const doc = { a: 1 };
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 9 }])).toThrow(PatchError);
    expect(doc).toEqual({ a: 1 });
  });

  it('answers 400 to a body that is not a list of operations', () => {
    expect(patchError(() => applyJsonPatch({}, { op: 'add' } as unknown as JsonPatchOp[])).status).toBe(400);
  });
});

describe('JSON merge patch (RFC 7386 appendix A)', () => {
  it.each<[unknown, unknown, unknown]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (doc, patch, expected) => {
    expect(applyMergePatch(doc, patch)).toEqual(expected);
  });

  it('does not mutate its inputs', () => {
    const doc = { a: { b: 1 } };
    const patch = { a: { c: 2 } };
    applyMergePatch(doc, patch);
    expect(doc).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: 2 } });
  });
});

describe('strategic merge patch', () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 's',
      labels: { a: '1', b: '2' },
      finalizers: ['kasm.io/finalizer', 'other'],
      ownerReferences: [
        { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmSession', name: 'one', uid: 'u1' },
        { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmSession', name: 'two', uid: 'u2' },
      ],
    },
    data: { token: 'dA==', url: 'dQ==' },
  };

  it('merges maps and deletes keys set to null', () => {
    const out = applyStrategicMergePatch(secret, { metadata: { labels: { b: null, c: '3' } }, data: { token: 'eA==' } }, {}) as typeof secret;
    expect(out.metadata.labels).toEqual({ a: '1', c: '3' });
    expect(out.data).toEqual({ token: 'eA==', url: 'dQ==' });
  });

  it('merges ownerReferences by uid', () => {
    const out = applyStrategicMergePatch(
      secret,
      { metadata: { ownerReferences: [{ uid: 'u2', name: 'renamed' }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u3' }] } },
      {},
    ) as typeof secret;
    expect(out.metadata.ownerReferences.map((o) => [o.uid, o.name])).toEqual([
      ['u1', 'one'],
      ['u2', 'renamed'],
      ['u3', 'cm'],
    ]);
  });

  it('deletes list items with $patch: delete', () => {
    const out = applyStrategicMergePatch(secret, { metadata: { ownerReferences: [{ uid: 'u1', $patch: 'delete' }] } }, {}) as typeof secret;
    expect(out.metadata.ownerReferences.map((o) => o.uid)).toEqual(['u2']);
  });

  it('treats finalizers as a set: patches add, $deleteFromPrimitiveList removes', () => {
    const added = applyStrategicMergePatch(secret, { metadata: { finalizers: ['other', 'third'] } }, {}) as typeof secret;
    expect(added.metadata.finalizers).toEqual(['kasm.io/finalizer', 'other', 'third']);
    const removed = applyStrategicMergePatch(secret, { metadata: { '$deleteFromPrimitiveList/finalizers': ['kasm.io/finalizer'] } }, {}) as typeof secret;
    expect(removed.metadata.finalizers).toEqual(['other']);
  });

  it('orders a merged list with $setElementOrder', () => {
    const out = applyStrategicMergePatch(
      secret,
      { metadata: { '$setElementOrder/finalizers': ['other', 'kasm.io/finalizer'], finalizers: ['other'] } },
      {},
    ) as typeof secret;
    expect(out.metadata.finalizers).toEqual(['other', 'kasm.io/finalizer']);
  });

  it('replaces lists without a merge strategy', () => {
    const ns = { kind: 'Namespace', metadata: { name: 'n' }, spec: { finalizers: ['kubernetes', 'x'] } };
    expect(applyStrategicMergePatch(ns, { spec: { finalizers: ['kubernetes'] } }, {})).toEqual({ ...ns, spec: { finalizers: ['kubernetes'] } });
  });

  it('replaces a map with $patch: replace and deletes it with $patch: delete', () => {
    expect((applyStrategicMergePatch(secret, { data: { $patch: 'replace', only: 'eA==' } }, {}) as typeof secret).data).toEqual({ only: 'eA==' });
    expect(applyStrategicMergePatch(secret, { data: { $patch: 'delete' } }, {})).not.toHaveProperty('data');
  });

  it('replaces a merge-key list with a $patch: replace item', () => {
    const out = applyStrategicMergePatch(
      secret,
      { metadata: { ownerReferences: [{ $patch: 'replace' }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'u9' }] } },
      {},
    ) as typeof secret;
    expect(out.metadata.ownerReferences.map((o) => o.uid)).toEqual(['u9']);
  });

  it('keeps only listed keys with $retainKeys', () => {
    const cm = { kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2', c: '3' } };
    expect(applyStrategicMergePatch(cm, { data: { $retainKeys: ['a', 'd'], d: '4' } }, {})).toEqual({ ...cm, data: { a: '1', d: '4' } });
  });

  it('rejects a merge-key list item without its key', () => {
    expect(patchError(() => applyStrategicMergePatch(secret, { metadata: { ownerReferences: [{ name: 'x' }] } }, {})).status).toBe(422);
  });

  it('merges a list of the kind itself by the merge key its definition gives', () => {
    const sa = { kind: 'ServiceAccount', metadata: { name: 'sa' }, secrets: [{ name: 'a' }, { name: 'b' }] };
    const lists = { secrets: { mergeKey: 'name' } } as const;
    expect(applyStrategicMergePatch(sa, { secrets: [{ name: 'c' }] }, lists)).toEqual({ ...sa, secrets: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    // Without the strategy the list is replaced, as for any list kube has no patch metadata for.
    expect(applyStrategicMergePatch(sa, { secrets: [{ name: 'c' }] }, {})).toEqual({ ...sa, secrets: [{ name: 'c' }] });
  });

  it('answers 415 for kinds without patch metadata, such as custom resources', () => {
    const err = patchError(() => applyStrategicMergePatch({}, {}, undefined));
    expect(err.status).toBe(415);
    expect(err.message).toContain('application/merge-patch+json');
  });
});

describe('server-side apply', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');
  const later = new Date('2024-05-01T12:05:00.000Z');
  const base = { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', metadata: { name: 'u', namespace: 'ns' } };
  const listMapKeys = (path: string[]): string[] | undefined => {
    const joined = path.join('.');
    if (joined === 'spec.groups') return ['name'];
    if (joined === 'spec.tags') return [];
    return undefined;
  };

  function apply(live: unknown, applied: unknown, manager: string, managedFields: ManagedFieldsEntry[], force = false, at = now) {
    return serverSideApply({ live, applied, manager, force, managedFields, apiVersion: 'kasm.io/v1alpha1', listMapKeys, now: at });
  }

  it('creates the object and records the applier as owner in FieldsV1', () => {
    const applied = { ...base, metadata: { ...base.metadata, labels: { app: 'x' } }, spec: { username: 'alice', groups: [{ name: 'g1', role: 'admin' }], tags: ['a'], policy: ['x', 'y'] } };
    const result = apply(undefined, applied, 'kubectl', []);
    expect(result.conflicts).toEqual([]);
    expect(result.object).toEqual(applied);
    expect(result.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'kasm.io/v1alpha1',
        time: '2024-05-01T12:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:groups': { 'k:{"name":"g1"}': { '.': {}, 'f:name': {}, 'f:role': {} } },
            'f:policy': {},
            'f:tags': { 'v:"a"': {} },
            'f:username': {},
          },
        },
      },
    ]);
  });

  it('merges into the live object, keeping fields other managers set', () => {
    const first = apply(undefined, { ...base, spec: { username: 'alice' } }, 'kubectl', []);
    const live = { ...(first.object as object), spec: { username: 'alice', extra: 'by-controller' } };
    const managed = recordUpdateManager({ before: first.object, after: live, manager: 'operator', managedFields: first.managedFields, apiVersion: 'kasm.io/v1alpha1', now });
    const second = apply(live, { ...base, spec: { username: 'alice', email: 'a@x' } }, 'kubectl', managed);
    expect(second.conflicts).toEqual([]);
    expect((second.object as { spec: unknown }).spec).toEqual({ username: 'alice', extra: 'by-controller', email: 'a@x' });
  });

  it('removes fields the applier owned and stopped applying', () => {
    const first = apply(undefined, { ...base, spec: { username: 'alice', email: 'a@x', groups: [{ name: 'g1' }, { name: 'g2' }] } }, 'kubectl', []);
    const second = apply(first.object, { ...base, spec: { username: 'alice', groups: [{ name: 'g2' }] } }, 'kubectl', first.managedFields);
    expect((second.object as { spec: unknown }).spec).toEqual({ username: 'alice', groups: [{ name: 'g2' }] });
    expect(second.managedFields[0]?.fieldsV1).toEqual({
      'f:spec': { 'f:groups': { 'k:{"name":"g2"}': { '.': {}, 'f:name': {} } }, 'f:username': {} },
    });
  });

  it('keeps a dropped field that another manager also owns', () => {
    const first = apply(undefined, { ...base, spec: { username: 'alice', email: 'a@x' } }, 'kubectl', []);
    const shared = apply(first.object, { ...base, spec: { email: 'a@x' } }, 'helm', first.managedFields);
    expect(shared.conflicts).toEqual([]);
    const dropped = apply(shared.object, { ...base, spec: { username: 'alice' } }, 'kubectl', shared.managedFields);
    expect((dropped.object as { spec: unknown }).spec).toEqual({ username: 'alice', email: 'a@x' });
  });

  it('merges map-list items by key and unions set items', () => {
    const first = apply(undefined, { ...base, spec: { groups: [{ name: 'g1', role: 'a' }], tags: ['a'] } }, 'kubectl', []);
    const second = apply(first.object, { ...base, spec: { groups: [{ name: 'g2', role: 'b' }], tags: ['b'] } }, 'other', first.managedFields);
    expect((second.object as { spec: unknown }).spec).toEqual({ groups: [{ name: 'g1', role: 'a' }, { name: 'g2', role: 'b' }], tags: ['a', 'b'] });
  });

  it('reports a conflict with another applier that owns a field it would change', () => {
    const first = apply(undefined, { ...base, spec: { username: 'alice', email: 'a@x' } }, 'kubectl', []);
    const result = apply(first.object, { ...base, spec: { email: 'b@x' } }, 'helm', first.managedFields);
    expect(result.conflicts).toEqual([{ manager: 'kubectl', field: '.spec.email', operation: 'Apply', apiVersion: 'kasm.io/v1alpha1' }]);
    expect(result.object).toEqual(first.object);
    expect(result.managedFields).toEqual(first.managedFields);
    expect(formatApplyConflicts(result.conflicts)).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.email');
    expect(applyConflictCauses(result.conflicts)).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.email' }]);
  });

  it('does not conflict when the applied value equals the live one (shared ownership)', () => {
    const first = apply(undefined, { ...base, spec: { email: 'a@x' } }, 'kubectl', []);
    const result = apply(first.object, { ...base, spec: { email: 'a@x' } }, 'helm', first.managedFields);
    expect(result.conflicts).toEqual([]);
    expect(result.managedFields.map((m) => m.manager).sort()).toEqual(['helm', 'kubectl']);
  });

  it('reports conflicts with Update managers, naming their apiVersion', () => {
    const first = apply(undefined, { ...base, spec: { username: 'alice' } }, 'kubectl', []);
    const edited = { ...(first.object as object), spec: { username: 'bob' } };
    const managed = recordUpdateManager({ before: first.object, after: edited, manager: 'kubectl-edit', managedFields: first.managedFields, apiVersion: 'kasm.io/v1alpha1', now });
    expect(managed.map((m) => [m.manager, m.operation])).toEqual([['kubectl-edit', 'Update']]);
    const result = apply(edited, { ...base, spec: { username: 'alice' } }, 'kubectl', managed, false, later);
    expect(formatApplyConflicts(result.conflicts)).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using kasm.io/v1alpha1: .spec.username');
  });

  it('words several conflicts per manager as kube does', () => {
    const first = apply(undefined, { ...base, spec: { a: '1', b: '2', groups: [{ name: 'g', role: 'x' }] } }, 'kubectl', []);
    const result = apply(first.object, { ...base, spec: { a: '9', b: '9', groups: [{ name: 'g', role: 'y' }] } }, 'helm', first.managedFields);
    expect(formatApplyConflicts(result.conflicts)).toBe(
      'Apply failed with 3 conflicts: conflicts with "kubectl":\n- .spec.a\n- .spec.b\n- .spec.groups[name="g"].role',
    );
  });

  it('takes ownership with force', () => {
    const first = apply(undefined, { ...base, spec: { username: 'alice', email: 'a@x' } }, 'kubectl', []);
    const result = apply(first.object, { ...base, spec: { email: 'b@x' } }, 'helm', first.managedFields, true, later);
    expect(result.conflicts).toEqual([]);
    expect((result.object as { spec: unknown }).spec).toEqual({ username: 'alice', email: 'b@x' });
    const byManager = Object.fromEntries(result.managedFields.map((m) => [m.manager, m.fieldsV1]));
    expect(byManager).toEqual({ kubectl: { 'f:spec': { 'f:username': {} } }, helm: { 'f:spec': { 'f:email': {} } } });
    expect(result.managedFields.map((m) => m.manager)).toEqual(['kubectl', 'helm']);
  });

  it('attributes an object without managedFields to before-first-apply', () => {
    const live = { ...base, spec: { username: 'alice' } };
    const result = apply(live, { ...base, spec: { username: 'bob' } }, 'kubectl', []);
    expect(formatApplyConflicts(result.conflicts)).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using kasm.io/v1alpha1: .spec.username');
  });

  it('never tracks name, namespace, uid or resourceVersion', () => {
    const result = apply(undefined, { ...base, metadata: { ...base.metadata, uid: 'x', resourceVersion: '5' }, spec: { a: 1 } }, 'kubectl', []);
    expect(result.managedFields[0]?.fieldsV1).toEqual({ 'f:spec': { 'f:a': {} } });
  });
});

describe('update ownership', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');

  it('gives a creating manager every field', () => {
    const managed = recordUpdateManager({
      before: undefined,
      after: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { a: 'b' } }, data: { k: 'dg==' } },
      manager: 'operator',
      managedFields: [],
      apiVersion: 'v1',
      now,
    });
    expect(managed).toEqual([
      {
        manager: 'operator',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-05-01T12:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } },
      },
    ]);
  });

  it('moves changed fields to the updating manager and keeps the rest', () => {
    const before = { metadata: { name: 's' }, data: { a: '1', b: '2' } };
    const created = recordUpdateManager({ before: undefined, after: before, manager: 'creator', managedFields: [], apiVersion: 'v1', now });
    const after = { metadata: { name: 's' }, data: { a: '9', b: '2', c: '3' } };
    const managed = recordUpdateManager({ before, after, manager: 'editor', managedFields: created, apiVersion: 'v1', subresource: 'status', now });
    expect(Object.fromEntries(managed.map((m) => [m.manager, m.fieldsV1]))).toEqual({
      creator: { 'f:data': { 'f:b': {} } },
      editor: { 'f:data': { 'f:a': {}, 'f:c': {} } },
    });
    expect(managed.find((m) => m.manager === 'editor')?.subresource).toBe('status');
  });

  it('drops removed fields from every manager and managers left with nothing', () => {
    const before = { data: { a: '1' } };
    const created = recordUpdateManager({ before: undefined, after: before, manager: 'creator', managedFields: [], apiVersion: 'v1', now });
    expect(recordUpdateManager({ before, after: { data: {} }, manager: 'editor', managedFields: created, apiVersion: 'v1', now })).toEqual([
      { manager: 'editor', operation: 'Update', apiVersion: 'v1', time: '2024-05-01T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
    ]);
  });

  it('leaves managedFields alone when nothing changed', () => {
    const obj = { data: { a: '1' } };
    const created = recordUpdateManager({ before: undefined, after: obj, manager: 'creator', managedFields: [], apiVersion: 'v1', now });
    expect(recordUpdateManager({ before: obj, after: obj, manager: 'other', managedFields: created, apiVersion: 'v1', now: new Date('2025-01-01T00:00:00Z') })).toEqual(created);
  });
});
