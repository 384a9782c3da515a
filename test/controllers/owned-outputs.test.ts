import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube-apiserver/index.js';
import { KubeOutputWriter, OutputConflictError } from '../../src/controllers/owned-outputs.js';
import type { ManagedObject } from '../../src/controllers/managed-kind.js';
import type { KubeJsonClient, KubeRequest, KubeRequester } from '../../src/runtime/kube-json-client.js';
import { collectionPath, coreResources, objectPath } from '../../src/runtime/kube-resource.js';
import { configMap, ensureNamespace, testClient } from '../runtime/k8s/support.js';

/** The owned-output writer against the API test server: ownership, change detection, refusal. Collection with the owner is covered end to end. */
const NS = 'outputs';
let server: KubeApiServer;
let client: KubeJsonClient;

interface Stored {
  metadata: { name: string; resourceVersion?: string; labels?: Record<string, string>; ownerReferences?: { uid: string; kind: string; controller?: boolean }[] };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** Counts the requests the writer makes, to show an unchanged output costs none. */
function countingClient(): KubeRequester & { requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    request: (req: KubeRequest) => {
      requests.push(`${req.method} ${req.path}`);
      return client.request(req);
    },
    requestParsed: (req, schema) => client.requestParsed(req, schema),
  };
}

async function makeOwner(name: string): Promise<ManagedObject> {
  const owner = (await client.request({ method: 'POST', path: collectionPath(coreResources.configMaps, NS), body: configMap(NS, name) })) as ManagedObject;
  return owner;
}

const getSecret = (name: string): Promise<Stored> => client.request({ method: 'GET', path: objectPath(coreResources.secrets, NS, name) }) as Promise<Stored>;
const decode = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

beforeAll(async () => {
  server = await startKubeApiServer();
  client = testClient(server);
  await ensureNamespace(client, NS);
});
afterAll(async () => {
  await server?.close();
});

describe('KubeOutputWriter', () => {
  it('creates an owned Secret, then skips unchanged content without a request', async () => {
    const owner = await makeOwner('owner-a');
    const http = countingClient();
    const writer = new KubeOutputWriter(http);
    expect(await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-a', data: { url: 'https://kasm/#/connect', token: 't1' } }])).toBe(1);
    const stored = await getSecret('conn-a');
    expect(decode(stored.data)).toEqual({ url: 'https://kasm/#/connect', token: 't1' });
    expect(stored.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('kasm-operator');
    expect(stored.metadata.ownerReferences).toEqual([expect.objectContaining({ uid: owner.metadata.uid, kind: 'KasmSession', controller: true })]);

    http.requests.length = 0;
    expect(await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-a', data: { token: 't1', url: 'https://kasm/#/connect' } }])).toBe(0);
    expect(http.requests).toEqual([]);
    expect(writer.count).toBe(1);
  });

  it('replaces the whole content when it changes, dropping keys no longer given', async () => {
    const owner = await makeOwner('owner-b');
    const writer = new KubeOutputWriter(client);
    await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-b', data: { token: 't1', rdpUrl: 'rdp://x' } }]);
    expect(await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-b', data: { token: 't2' } }])).toBe(1);
    expect(decode((await getSecret('conn-b')).data)).toEqual({ token: 't2' });
  });

  it('after a restart, finds an equal Secret by reading it and writes nothing', async () => {
    const owner = await makeOwner('owner-c');
    await new KubeOutputWriter(client).write(owner, 'KasmLogin', [{ kind: 'Secret', name: 'conn-c', data: { loginUrl: 'u' } }]);
    const restarted = new KubeOutputWriter(client);
    expect(await restarted.write(owner, 'KasmLogin', [{ kind: 'Secret', name: 'conn-c', data: { loginUrl: 'u' } }])).toBe(0);
  });

  it('refuses to overwrite a Secret the resource does not own, naming it and the fix', async () => {
    const owner = await makeOwner('owner-d');
    await client.request({
      method: 'POST',
      path: collectionPath(coreResources.secrets, NS),
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'foreign', namespace: NS }, stringData: { keep: 'me' } },
    });
    const attempt = new KubeOutputWriter(client).write(owner, 'KasmSession', [{ kind: 'Secret', name: 'foreign', data: { token: 'x' } }]);
    await expect(attempt).rejects.toBeInstanceOf(OutputConflictError);
    await expect(attempt).rejects.toThrow(/Secret "foreign" already exists in namespace "outputs" and is not owned by KasmSession "owner-d"; delete it, or name another Secret/);
    expect(decode((await getSecret('foreign')).data)).toEqual({ keep: 'me' });
  });

  it('restores a Secret edited by someone else once told of the edit', async () => {
    const owner = await makeOwner('owner-e');
    const writer = new KubeOutputWriter(client);
    await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-e', data: { token: 'mine' } }]);
    const current = await getSecret('conn-e');
    const edited = (await client.request({
      method: 'PUT',
      path: objectPath(coreResources.secrets, NS, 'conn-e'),
      body: { ...current, data: { token: Buffer.from('theirs').toString('base64') } },
    })) as Stored;
    // Without the informer's news the writer trusts what it wrote.
    expect(await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-e', data: { token: 'mine' } }])).toBe(0);
    writer.invalidate('Secret', NS, 'conn-e', edited.metadata.resourceVersion);
    expect(await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-e', data: { token: 'mine' } }])).toBe(1);
    expect(decode((await getSecret('conn-e')).data)).toEqual({ token: 'mine' });
  });

  it('keeps what it wrote when told of its own write (same resourceVersion)', async () => {
    const owner = await makeOwner('owner-f');
    const http = countingClient();
    const writer = new KubeOutputWriter(http);
    await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-f', data: { token: 'a' } }]);
    writer.invalidate('Secret', NS, 'conn-f', (await getSecret('conn-f')).metadata.resourceVersion);
    http.requests.length = 0;
    await writer.write(owner, 'KasmSession', [{ kind: 'Secret', name: 'conn-f', data: { token: 'a' } }]);
    expect(http.requests).toEqual([]);
  });

  it('writes binary data to a ConfigMap', async () => {
    const owner = await makeOwner('owner-g');
    const jpeg = Uint8Array.from([0xff, 0xd8, 0x00, 0x01, 0xff, 0xd9]);
    await new KubeOutputWriter(client).write(owner, 'KasmSession', [
      { kind: 'ConfigMap', name: 'shot', data: { takenAt: '2026-11-23T12:00:00Z' }, binaryData: { 'screenshot.jpg': jpeg } },
    ]);
    const cm = (await client.request({ method: 'GET', path: objectPath(coreResources.configMaps, NS, 'shot') })) as Stored;
    expect(cm.data).toEqual({ takenAt: '2026-11-23T12:00:00Z' });
    expect([...Buffer.from(cm.binaryData?.['screenshot.jpg'] ?? '', 'base64')]).toEqual([...jpeg]);
    expect(cm.metadata.ownerReferences).toEqual([expect.objectContaining({ uid: owner.metadata.uid, controller: true })]);
  });
});
