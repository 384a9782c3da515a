import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube-apiserver/index.js';
import { contentTypes, type KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import type { KubeObject } from '../../../src/runtime/kube-object.js';
import { collectionPath, objectPath, type KubeResource } from '../../../src/runtime/kube-resource.js';
import { StatusWriter } from '../../../src/runtime/status-writer.js';
import { ensureNamespace, eventually, testClient } from './support.js';

const NS = 'status-test';
const widgets: KubeResource = { group: 'test.kasm.io', version: 'v1', plural: 'widgets', kind: 'Widget' };
const crdDir = fileURLToPath(new URL('./fixtures/crds', import.meta.url));

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

describe('StatusWriter against the API test server', () => {
  let server: KubeApiServer;
  let client: KubeJsonClient;

  afterEach(async () => {
    await server?.close();
  });

  async function setup(): Promise<KubeObject> {
    server = await startKubeApiServer({ crdDir });
    client = testClient(server);
    await ensureNamespace(client, NS);
    return (await eventually(
      () =>
        client.request({
          method: 'POST',
          path: collectionPath(widgets, NS),
          body: { apiVersion: 'test.kasm.io/v1', kind: 'Widget', metadata: { name: 'w1', namespace: NS }, spec: { size: 1 } },
        }),
      'widget created (CRD established)',
    )) as KubeObject;
  }

  const read = async (): Promise<KubeObject> => (await client.request({ method: 'GET', path: objectPath(widgets, NS, 'w1') })) as KubeObject;
  const statusWrites = (): number => server.requests.count({ verb: 'patch', resource: 'widgets/status' }) + server.requests.count({ verb: 'update', resource: 'widgets/status' });

  it('writes only when the status changed, and keeps lastTransitionTime', async () => {
    let obj = await setup();
    const writer = new StatusWriter({ client, resource: widgets });
    const ready = { type: 'Ready', status: 'False', reason: 'Creating', message: 'creating in Kasm' };

    const first = await writer.write(obj, { conditions: [ready] });
    expect(first.written).toBe(true);
    expect(statusWrites()).toBe(1);
    obj = await read();
    const status = obj.status as { observedGeneration: number; conditions: Condition[] };
    expect(status.observedGeneration).toBe(1);
    expect(status.conditions[0]).toMatchObject({ ...ready, observedGeneration: 1 });
    const transition = status.conditions[0]?.lastTransitionTime;
    expect(transition).toMatch(/Z$/);

    // Same state again: no request at all.
    expect((await writer.write(obj, { conditions: [ready] })).written).toBe(false);
    expect(statusWrites()).toBe(1);

    // New message, same status: written, transition time kept.
    expect((await writer.write(obj, { conditions: [{ ...ready, message: 'still creating' }] })).written).toBe(true);
    obj = await read();
    expect((obj.status as { conditions: Condition[] }).conditions[0]).toMatchObject({ message: 'still creating', lastTransitionTime: transition });

    // Removing a field writes a deletion.
    await writer.write(obj, { externalId: '42', conditions: [{ ...ready, status: 'True', reason: 'Available', message: '' }] });
    obj = await read();
    expect((obj.status as { externalId?: string }).externalId).toBe('42');
    await writer.write(obj, { conditions: [{ ...ready, status: 'True', reason: 'Available', message: '' }] });
    obj = await read();
    expect((obj.status as { externalId?: string }).externalId).toBeUndefined();
    expect(writer.stats.writes).toBe(4);
    expect(statusWrites()).toBe(4);
  });

  it('stamps the new generation after a spec change', async () => {
    let obj = await setup();
    const writer = new StatusWriter({ client, resource: widgets });
    await writer.write(obj, { externalId: '1' });
    await client.request({ method: 'PATCH', path: objectPath(widgets, NS, 'w1'), body: { spec: { size: 2 } }, contentType: contentTypes.mergePatch });
    obj = await read();
    expect(obj.metadata.generation).toBe(2);
    expect((await writer.write(obj, { externalId: '1' })).written).toBe(true);
    expect(((await read()).status as { observedGeneration: number }).observedGeneration).toBe(2);
  });

  it('updates with the resourceVersion in update mode, and a stale object conflicts', async () => {
    const obj = await setup();
    const writer = new StatusWriter({ client, resource: widgets });
    const res = await writer.write(obj, { externalId: '7' }, { mode: 'update' });
    expect(res.written).toBe(true);
    expect(res.object.metadata.resourceVersion).not.toBe(obj.metadata.resourceVersion);
    const other = new StatusWriter({ client, resource: widgets });
    await expect(other.write(obj, { externalId: '8' }, { mode: 'update' })).rejects.toMatchObject({ status: 409, retryable: true });
  });
});
