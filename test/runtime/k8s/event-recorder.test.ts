import { afterEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube-apiserver/index.js';
import { EventRecorder } from '../../../src/runtime/event-recorder.js';
import type { KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import { coreResources, collectionPath } from '../../../src/runtime/kube-resource.js';
import { configMap, ensureNamespace, eventually, testClient } from './support.js';

const NS = 'events-test';

interface EventsV1 {
  metadata: { name: string };
  regarding: { name: string; uid?: string };
  reason: string;
  note?: string;
  type: string;
  reportingController: string;
  reportingInstance: string;
  series?: { count: number; lastObservedTime: string };
}

describe('EventRecorder against the API test server', () => {
  let server: KubeApiServer;
  let client: KubeJsonClient;

  afterEach(async () => {
    await server?.close();
  });

  async function setup(): Promise<{ uid: string; name: string }> {
    server = await startKubeApiServer();
    client = testClient(server);
    await ensureNamespace(client, NS);
    const cm = (await client.request({ method: 'POST', path: collectionPath(coreResources.configMaps, NS), body: configMap(NS, 'subject') })) as {
      metadata: { uid: string; name: string };
    };
    return cm.metadata;
  }

  const listEvents = async (): Promise<EventsV1[]> =>
    ((await client.request({ method: 'GET', path: collectionPath(coreResources.eventsV1, NS) })) as { items: EventsV1[] }).items;

  it('creates an Event the API accepts, and folds repeats into its series', async () => {
    const subject = await setup();
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: subject.name, uid: subject.uid };
    const rec = new EventRecorder({ client, reportingInstance: 'kasm-operator-0', seriesUpdateIntervalMs: 100 });

    rec.warning(ref, 'ReconcileError', 'Reconcile', 'Kasm API unavailable');
    await rec.flush();
    expect(rec.stats).toMatchObject({ created: 1, failed: 0 });
    let events = await listEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      reason: 'ReconcileError',
      note: 'Kasm API unavailable',
      type: 'Warning',
      reportingController: 'kasm.io/kasm-operator',
      reportingInstance: 'kasm-operator-0',
      regarding: { name: 'subject', uid: subject.uid },
    });

    for (let i = 0; i < 4; i++) rec.warning(ref, 'ReconcileError', 'Reconcile', 'Kasm API unavailable');
    await eventually(async () => (await listEvents())[0]?.series?.count === 5, 'series.count 5');
    for (let i = 0; i < 3; i++) rec.warning(ref, 'ReconcileError', 'Reconcile', 'Kasm API unavailable');
    await rec.flush();
    events = await listEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.series?.count).toBe(8);
    expect(events[0]?.series?.lastObservedTime).toMatch(/\.\d{6}Z$/);
    expect(rec.stats.failed).toBe(0);

    // A different note is a different event.
    rec.normal(ref, 'Synced', 'Reconcile', 'in sync');
    await rec.flush();
    expect(await listEvents()).toHaveLength(2);
  });

  it('is visible through core v1 too', async () => {
    const subject = await setup();
    const rec = new EventRecorder({ client, reportingInstance: 'kasm-operator-0' });
    rec.normal({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: subject.name, uid: subject.uid }, 'Created', 'Create', 'made it');
    await rec.flush();
    const core = (await client.request({ method: 'GET', path: collectionPath(coreResources.events, NS) })) as { items: Array<{ message: string; involvedObject: { uid: string } }> };
    expect(core.items).toHaveLength(1);
    expect(core.items[0]).toMatchObject({ message: 'made it', involvedObject: { uid: subject.uid } });
  });

  it('keeps going when the API fails, and never throws', async () => {
    const subject = await setup();
    const rec = new EventRecorder({ client, reportingInstance: 'kasm-operator-0' });
    server.failRequests({ status: 500, count: 1 });
    expect(() => rec.normal({ kind: 'ConfigMap', namespace: NS, name: subject.name, uid: subject.uid }, 'First', 'Create')).not.toThrow();
    await rec.flush();
    expect(rec.stats.failed).toBe(1);
    rec.normal({ kind: 'ConfigMap', namespace: NS, name: subject.name, uid: subject.uid }, 'Second', 'Create');
    await rec.flush();
    expect(rec.stats.created).toBe(1);
    expect((await listEvents()).map((e) => e.reason)).toEqual(['Second']);
  });
});
