import { describe, expect, it } from 'vitest';
import type { ManagedObject } from '../../src/controllers/managed-kind.js';
import { KubeMetadataWriter } from '../../src/controllers/metadata-writer.js';
import { AheadOfCache } from '../../src/runtime/ahead-of-cache.js';
import { StatusWriter } from '../../src/runtime/status-writer.js';
import type { KubeRequest } from '../../src/runtime/kube-json-client.js';
import { FakeRequester } from '../runtime/unit-k8s/fake-requester.js';

const RESOURCE = { group: 'kasm.io', version: 'v1alpha1', plural: 'kasmgroups', kind: 'KasmGroup' };

const copy = (resourceVersion: string, annotations?: Record<string, string>, finalizers?: string[]): ManagedObject => ({
  apiVersion: 'kasm.io/v1alpha1',
  kind: 'KasmGroup',
  metadata: { name: 'team', namespace: 'ns', uid: 'u1', resourceVersion, ...(annotations ? { annotations } : {}), ...(finalizers ? { finalizers } : {}) },
  spec: {},
});

/** A server that applies merge patches to one stored object and bumps its resourceVersion. */
function server(): FakeRequester {
  let stored = copy('1');
  return new FakeRequester((req: KubeRequest) => {
    const patch = (req.body as { metadata: { annotations?: Record<string, string | null>; finalizers?: string[] } }).metadata;
    const annotations: Record<string, string> = { ...(stored.metadata.annotations ?? {}) };
    for (const [k, v] of Object.entries(patch.annotations ?? {})) {
      if (v === null) delete annotations[k];
      else annotations[k] = v;
    }
    const finalizers = patch.finalizers ?? stored.metadata.finalizers;
    stored = copy(String(Number(stored.metadata.resourceVersion) + 1), annotations, finalizers);
    return stored;
  });
}

describe('KubeMetadataWriter.latest', () => {
  it('lays its last patch over the copy that patch was based on, and nothing over any other copy', async () => {
    const writer = new KubeMetadataWriter(server(), RESOURCE);
    const patched = await writer.patchMetadata(copy('1'), { finalizers: ['kasm.io/finalizer'], annotations: { 'kasm.io/external-id': 'abc' } });
    expect(patched.metadata.resourceVersion).toBe('2');

    // The informer still has version 1: the reconcile sees the object as the patch left it.
    const stale = writer.latest(copy('1'));
    expect(stale.metadata.annotations).toEqual({ 'kasm.io/external-id': 'abc' });
    expect(stale.metadata.finalizers).toEqual(['kasm.io/finalizer']);
    expect(stale.metadata.resourceVersion).toBe('2');

    // Any other copy stands as it is.
    const newer = copy('3', { other: 'x' });
    expect(writer.latest(newer)).toBe(newer);
  });

  it('forgets the patch once the cache holds another version, or the object is deleted', async () => {
    const writer = new KubeMetadataWriter(server(), RESOURCE);
    await writer.patchMetadata(copy('1'), { annotations: { a: '1' } });
    writer.observe(copy('1'));
    expect(writer.latest(copy('1')).metadata.annotations).toEqual({ a: '1' });
    writer.observe(copy('2', { a: '1' }));
    const plain = copy('1');
    expect(writer.latest(plain)).toBe(plain);

    await writer.patchMetadata(copy('2'), { annotations: { b: '2' } });
    writer.forget(copy('3'));
    const again = copy('2');
    expect(writer.latest(again)).toBe(again);
  });

  it('remembers nothing of a patch whose watch event reached the cache before its reply', async () => {
    const inner = server();
    const api = new FakeRequester(async (req) => {
      const reply = (await inner.request(req)) as ManagedObject;
      writer.observe(reply);
      return reply;
    });
    const writer = new KubeMetadataWriter(api, RESOURCE);
    await writer.patchMetadata(copy('1'), { annotations: { a: '1' } });
    const plain = copy('1');
    expect(writer.latest(plain)).toBe(plain);
  });

  it('remembers nothing for an object being deleted', async () => {
    const writer = new KubeMetadataWriter(server(), RESOURCE);
    const deleting = { ...copy('1'), metadata: { ...copy('1').metadata, deletionTimestamp: '2026-11-23T00:00:00Z' } };
    await writer.patchMetadata(deleting, { finalizers: [] });
    const plain = copy('1');
    expect(writer.latest(plain)).toBe(plain);
  });

  it('with the status writer, answers a copy from before a create with all three of its writes', async () => {
    // A server that applies metadata and status merge patches to one stored object.
    let stored: ManagedObject = copy('1');
    const api = new FakeRequester((req: KubeRequest) => {
      const body = req.body as { metadata?: { annotations?: Record<string, string>; finalizers?: string[] }; status?: Record<string, unknown> };
      const version = String(Number(stored.metadata.resourceVersion) + 1);
      stored = req.path.endsWith('/status')
        ? { ...stored, metadata: { ...stored.metadata, resourceVersion: version }, status: { ...(stored.status ?? {}), ...body.status } }
        : {
            ...stored,
            metadata: {
              ...stored.metadata,
              resourceVersion: version,
              annotations: { ...(stored.metadata.annotations ?? {}), ...(body.metadata?.annotations ?? {}) },
              ...(body.metadata?.finalizers ? { finalizers: body.metadata.finalizers } : {}),
            },
          };
      return stored;
    });
    const ahead = new AheadOfCache();
    const metadata = new KubeMetadataWriter(api, RESOURCE, ahead);
    const status = new StatusWriter<ManagedObject>({ client: api, resource: RESOURCE, aheadOfCache: ahead });

    const marked = await metadata.patchMetadata(copy('1'), { finalizers: ['kasm.io/finalizer'], annotations: { 'kasm.io/create-pending': 't' } });
    const { object: reported } = await status.write(marked, { externalId: '42' });
    await metadata.patchMetadata(reported, { annotations: { 'kasm.io/external-id': '42' } });
    expect(stored.metadata.resourceVersion).toBe('4');

    // The informer still has version 1 (or 2): the reconcile sees the object as the three writes left it.
    for (const cached of [copy('1'), copy('2', { 'kasm.io/create-pending': 't' }, ['kasm.io/finalizer'])]) {
      const seen = metadata.latest(cached);
      expect(seen.metadata.resourceVersion).toBe('4');
      expect(seen.metadata.finalizers).toEqual(['kasm.io/finalizer']);
      expect(seen.metadata.annotations).toEqual({ 'kasm.io/create-pending': 't', 'kasm.io/external-id': '42' });
      expect(status.knownStatus(seen)).toMatchObject({ externalId: '42' });
    }
  });
});
