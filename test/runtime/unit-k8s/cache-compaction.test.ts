import { describe, expect, it } from 'vitest';
import { StringPool, compactForCache } from '../../../src/runtime/cache-compaction.js';
import type { KubeObject } from '../../../src/runtime/kube-object.js';

const user = (name: string): KubeObject & { spec: unknown; status: unknown } => ({
  apiVersion: 'kasm.io/v1alpha1',
  kind: 'KasmUser',
  metadata: {
    name,
    namespace: 'team-a',
    finalizers: ['kasm.io/finalizer'],
    annotations: { 'kasm.io/external-id': `id-${name}`, 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}' },
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: { username: `${name}@example.com`, managementPolicies: ['*'] },
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: 'The Kasm object exists and matches the spec' }] },
});

describe('compactForCache', () => {
  it('drops managedFields and the last-applied annotation and keeps everything else as it was', () => {
    const obj = compactForCache(user('alice'), new StringPool());
    expect(obj.metadata).toEqual({ name: 'alice', namespace: 'team-a', finalizers: ['kasm.io/finalizer'], annotations: { 'kasm.io/external-id': 'id-alice' } });
    expect(obj).toMatchObject({ spec: user('alice').spec, status: user('alice').status });
  });

  it('pools only the values of keys that repeat across objects, once each', () => {
    const pool = new StringPool();
    compactForCache(user('alice'), pool);
    const afterOne = pool.size;
    compactForCache(user('bob'), pool);
    // apiVersion, kind, namespace, the finalizer, the policy and four condition fields; no names, no ids.
    expect(afterOne).toBe(9);
    expect(pool.size).toBe(afterOne);
  });

  it('leaves long values out of the pool', () => {
    const pool = new StringPool();
    const obj = user('carol');
    (obj.status as { conditions: { message: string }[] }).conditions[0]!.message = 'x'.repeat(500);
    compactForCache(obj, pool);
    expect(pool.size).toBe(8);
  });
});
