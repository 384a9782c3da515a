import { setFlagsFromString } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { InformerClusterReader, type SecretObject } from '../../../src/controllers/cluster-reader.js';
import { StringPool, compactForCache, secretForCache } from '../../../src/runtime/cache-compaction.js';
import type { ResourceInformer } from '../../../src/runtime/informer.js';
import { kubeObjectSchema, type KubeObject } from '../../../src/runtime/kube-object.js';

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

  it('keeps the objects in V8 fast mode (dropping fields by copying, not by delete)', () => {
    // %HasFastProperties: false for an object turned into a hash table (dictionary mode), which
    // `delete` does and which costs several times the memory.
    setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = runInThisContext('(o) => %HasFastProperties(o)') as (o: unknown) => boolean;
    const obj = compactForCache(kubeObjectSchema.parse(JSON.parse(JSON.stringify(user('erin')))), new StringPool());
    expect(obj.metadata).not.toHaveProperty('managedFields');
    expect(hasFastProperties(obj)).toBe(true);
    expect(hasFastProperties(obj.metadata)).toBe(true);
    expect(hasFastProperties(obj.metadata.annotations)).toBe(true);
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

  it('keeps the values an object repeats (its Kasm id in the annotation and the status) intact and out of the shared pool', () => {
    const parsed = JSON.parse(
      JSON.stringify({ ...user('dave'), status: { externalId: 'id-dave', atProvider: { userId: 'id-dave', username: 'dave@example.com' } } }),
    ) as { metadata: { annotations: Record<string, string> }; spec: { username: string }; status: { externalId: string; atProvider: { userId: string; username: string } } };
    // Whether two equal strings are one is not visible from JavaScript (a heap snapshot shows it);
    // checked here: the values are unchanged, and the object's own values stay out of the pool
    // shared across objects (apiVersion, kind, namespace, the finalizer and the policy only).
    const pool = new StringPool();
    const obj = compactForCache(parsed as unknown as KubeObject, pool) as unknown as typeof parsed;
    expect(obj.metadata.annotations['kasm.io/external-id']).toBe('id-dave');
    expect(obj.status).toEqual({ externalId: 'id-dave', atProvider: { userId: 'id-dave', username: 'dave@example.com' } });
    expect(obj.spec.username).toBe('dave@example.com');
    expect(pool.size).toBe(5);
  });

  it('leaves long values out of the pool', () => {
    const pool = new StringPool();
    const obj = user('carol');
    (obj.status as { conditions: { message: string }[] }).conditions[0]!.message = 'x'.repeat(500);
    compactForCache(obj, pool);
    expect(pool.size).toBe(8);
  });
});

const secret = (name: string): KubeObject & { data: Record<string, string>; type: string } => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: {
    name,
    namespace: 'team-a',
    uid: '40f79e6d-a04c-460a-902c-92e0225bd0b1',
    resourceVersion: '46',
    creationTimestamp: '2026-11-23T15:02:01Z',
    labels: { app: 'x' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{}}' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1' }],
    managedFields: [{ manager: 'kubectl' }],
  },
  data: { password: Buffer.from('s3cret').toString('base64'), other: 'b3RoZXI=' },
});

describe('secretForCache', () => {
  it('keeps name, namespace, resourceVersion and data, and nothing else', () => {
    expect(secretForCache(secret('pw'), new StringPool())).toEqual({
      metadata: { name: 'pw', namespace: 'team-a', resourceVersion: '46' },
      data: { password: 'czNjcmV0', other: 'b3RoZXI=' },
    });
  });

  it('keeps a Secret without data as one without data, and drops values that are not strings', () => {
    const { data: _data, ...empty } = secret('empty');
    expect(secretForCache(empty, new StringPool())).toEqual({ metadata: { name: 'empty', namespace: 'team-a', resourceVersion: '46' } });
    expect(secretForCache({ ...secret('odd'), data: { a: 'YQ==', b: 1 } }, new StringPool()).data).toEqual({ a: 'YQ==' });
  });

  it('is all the cluster reader needs: the value of a key, the keys a Secret has, its version', () => {
    const cached = secretForCache(secret('pw'), new StringPool());
    const secrets = { get: (ns: string, name: string) => (ns === 'team-a' && name === 'pw' ? cached : undefined) } as unknown as ResourceInformer<SecretObject>;
    const reader = new InformerClusterReader(secrets, new Map());
    expect(reader.readSecretKey('team-a', 'pw', 'password')).toBe('s3cret');
    expect(() => reader.readSecretKey('team-a', 'pw', 'missing')).toThrow(/has no key "missing" \(it has: password, other\)/);
    expect(reader.secretVersion('team-a', 'pw')).toBe('46');
  });
});
