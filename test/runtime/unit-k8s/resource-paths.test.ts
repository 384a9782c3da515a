import { describe, expect, it } from 'vitest';
import { apiVersionOf, collectionPath, coreResources, objectPath, type KubeResource } from '../../../src/runtime/kube-resource.js';
import { formatKubeTime, formatMicroTime, parseKubeTime } from '../../../src/runtime/kube-time.js';
import { objectRefOf, refIdentity } from '../../../src/runtime/object-ref.js';
import { InvalidObjectKeyError, keyOfObject, objectKey, parseObjectKey } from '../../../src/runtime/resource-key.js';

const users: KubeResource = { group: 'kasm.io', version: 'v1alpha1', plural: 'kasmusers', kind: 'KasmUser' };

describe('resource keys', () => {
  it('formats and parses namespace/name and cluster-scoped names', () => {
    expect(objectKey('team-a', 'alice')).toBe('team-a/alice');
    expect(objectKey(undefined, 'node-1')).toBe('node-1');
    expect(keyOfObject({ metadata: { name: 'bob', namespace: 'ns' } })).toBe('ns/bob');
    expect(parseObjectKey('team-a/alice')).toEqual({ namespace: 'team-a', name: 'alice' });
    expect(parseObjectKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
  });

  it('rejects malformed keys with the key in the message', () => {
    for (const bad of ['', '/x', 'x/', 'a/b/c']) {
      expect(() => parseObjectKey(bad)).toThrow(InvalidObjectKeyError);
    }
    expect(() => parseObjectKey('a/b/c')).toThrow(/"a\/b\/c"/);
  });
});

describe('resource paths', () => {
  it('builds group and core paths', () => {
    expect(apiVersionOf(users)).toBe('kasm.io/v1alpha1');
    expect(apiVersionOf(coreResources.secrets)).toBe('v1');
    expect(collectionPath(users)).toBe('/apis/kasm.io/v1alpha1/kasmusers');
    expect(collectionPath(users, 'ns')).toBe('/apis/kasm.io/v1alpha1/namespaces/ns/kasmusers');
    expect(collectionPath(coreResources.secrets, 'ns')).toBe('/api/v1/namespaces/ns/secrets');
    expect(objectPath(users, 'ns', 'alice', 'status')).toBe('/apis/kasm.io/v1alpha1/namespaces/ns/kasmusers/alice/status');
    expect(objectPath(coreResources.namespaces, undefined, 'ns')).toBe('/api/v1/namespaces/ns');
    expect(collectionPath(coreResources.namespaces, 'ignored')).toBe('/api/v1/namespaces');
  });

  it('requires a namespace for namespaced objects', () => {
    expect(() => objectPath(users, '', 'alice')).toThrow(/namespace is required/);
  });
});

describe('kube time', () => {
  it('formats metav1.Time with seconds and MicroTime with six digits', () => {
    const ms = Date.parse('2024-05-01T12:34:56.789Z');
    expect(formatKubeTime(ms)).toBe('2024-05-01T12:34:56Z');
    expect(formatMicroTime(ms)).toBe('2024-05-01T12:34:56.789000Z');
    expect(formatMicroTime(ms)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('parses both, and rejects garbage', () => {
    expect(parseKubeTime('2024-05-01T12:34:56.789123Z')).toBe(Date.parse('2024-05-01T12:34:56.789Z'));
    expect(parseKubeTime('2024-05-01T12:34:56Z')).toBe(Date.parse('2024-05-01T12:34:56Z'));
    expect(parseKubeTime('yesterday')).toBeUndefined();
    expect(parseKubeTime(undefined)).toBeUndefined();
    expect(parseKubeTime('')).toBeUndefined();
  });
});

describe('object references', () => {
  it('takes identity from the object, falling back to the given kind', () => {
    const ref = objectRefOf({ metadata: { name: 'alice', namespace: 'ns', uid: 'u1', resourceVersion: '7' } }, { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser' });
    expect(ref).toEqual({ apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', name: 'alice', namespace: 'ns', uid: 'u1', resourceVersion: '7' });
    expect(refIdentity(ref)).toBe('u1');
    expect(refIdentity({ name: 'x', namespace: 'ns', kind: 'K' })).toBe('|K|ns|x');
  });
});
