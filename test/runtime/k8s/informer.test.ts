import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube-apiserver/index.js';
import { Informer, MultiNamespaceInformer, type InformerHandlers } from '../../../src/runtime/informer.js';
import { contentTypes, type KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import type { KubeObject } from '../../../src/runtime/kube-object.js';
import { coreResources, collectionPath, objectPath } from '../../../src/runtime/kube-resource.js';
import { configMap, ensureNamespace, eventually, testClient } from './support.js';

const NS = 'informer-test';
const fastBackoff = { initialMs: 50, maxMs: 400 };

/** Handlers that log what they saw, as `add ns/name`, `update ns/name`, `delete ns/name`. */
function recorder(): { seen: string[]; handlers: InformerHandlers<KubeObject> } {
  const seen: string[] = [];
  const key = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;
  return {
    seen,
    handlers: {
      onAdd: (o) => seen.push(`add ${key(o)}`),
      onUpdate: (old, o) => seen.push(`update ${key(o)} ${String((old.data as Record<string, string> | undefined)?.v)}->${String((o.data as Record<string, string> | undefined)?.v)}`),
      onDelete: (o) => seen.push(`delete ${key(o)}`),
    },
  };
}

describe('Informer against the API test server', () => {
  let server: KubeApiServer;
  let client: KubeJsonClient;
  const informers: Array<{ stop(): Promise<void> }> = [];

  async function startServer(options?: Parameters<typeof startKubeApiServer>[0]): Promise<void> {
    server = await startKubeApiServer(options);
    client = testClient(server);
    await ensureNamespace(client, NS);
  }

  const create = (name: string, v = '1', ns = NS): Promise<unknown> =>
    client.request({ method: 'POST', path: collectionPath(coreResources.configMaps, ns), body: configMap(ns, name, { v }) });
  const update = (name: string, v: string): Promise<unknown> =>
    client.request({ method: 'PATCH', path: objectPath(coreResources.configMaps, NS, name), body: { data: { v } }, contentType: contentTypes.mergePatch });
  const remove = (name: string): Promise<unknown> => client.request({ method: 'DELETE', path: objectPath(coreResources.configMaps, NS, name) });

  function informer(options: Partial<ConstructorParameters<typeof Informer>[0]> = {}): Informer {
    const inf = new Informer({ client, resource: coreResources.configMaps, namespace: NS, backoff: fastBackoff, ...options });
    informers.push(inf);
    return inf;
  }

  beforeEach(() => {
    informers.length = 0;
  });

  afterEach(async () => {
    await Promise.all(informers.map((i) => i.stop()));
    await server?.close();
  });

  it('lists into the cache, syncs, then delivers adds, updates and deletes', async () => {
    await startServer();
    await create('a');
    await create('b');
    const inf = informer();
    const { seen, handlers } = recorder();
    inf.addEventHandler(handlers);
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    expect(inf.hasSynced()).toBe(true);
    expect(inf.list(NS).map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    expect(inf.get(NS, 'a')?.data).toEqual({ v: '1' });
    expect(seen.sort()).toEqual([`add ${NS}/a`, `add ${NS}/b`]);

    seen.length = 0;
    await create('c');
    await update('a', '2');
    await remove('b');
    await eventually(() => seen.length >= 3, 'three watch events');
    expect(seen).toEqual([`add ${NS}/c`, `update ${NS}/a 1->2`, `delete ${NS}/b`]);
    expect(inf.getByKey(`${NS}/a`)?.data).toEqual({ v: '2' });
    expect(inf.get(NS, 'b')).toBeUndefined();
    expect(inf.size).toBe(2);
    expect(inf.stats.relists).toBe(0);
  });

  it('pages through large lists', async () => {
    await startServer();
    for (let i = 0; i < 25; i++) await create(`cm-${i}`);
    const inf = informer({ pageSize: 7 });
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    expect(inf.size).toBe(25);
  });

  it('resumes a dropped watch from the last resourceVersion and delivers what changed meanwhile', async () => {
    await startServer();
    await create('a');
    const inf = informer();
    const { seen, handlers } = recorder();
    inf.addEventHandler(handlers);
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    const listsBefore = inf.stats.lists;

    // Hold new watches off for a while so the changes land while no watch is open.
    server.failRequests({ status: 503, durationMs: 600, match: { verb: 'watch' } });
    server.dropWatches();
    await create('b');
    await update('a', '2');
    await eventually(() => seen.includes(`add ${NS}/b`) && seen.includes(`update ${NS}/a 1->2`), 'changes made while the watch was down');
    expect(inf.stats.lists).toBe(listsBefore); // resumed, not relisted
    expect(inf.stats.watches).toBeGreaterThan(1);
  });

  it('relists on 410 Gone and delivers the differences, deletes included', async () => {
    await startServer({ watchWindow: 5 });
    for (const n of ['keep', 'change', 'gone']) await create(n);
    const inf = informer();
    const { seen, handlers } = recorder();
    inf.addEventHandler(handlers);
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    seen.length = 0;

    server.failRequests({ status: 503, durationMs: 800, match: { verb: 'watch' } });
    server.dropWatches();
    // Far more writes than the watch window holds, so resuming from the old resourceVersion is impossible.
    for (let i = 0; i < 15; i++) {
      await create(`tmp-${i}`);
      await remove(`tmp-${i}`);
    }
    await update('change', '2');
    await remove('gone');
    await create('new');

    await eventually(() => inf.stats.relists >= 1 && seen.includes(`delete ${NS}/gone`) && seen.includes(`add ${NS}/new`), 'relist after 410');
    expect(seen).toContain(`update ${NS}/change 1->2`);
    expect(seen).toContain(`delete ${NS}/gone`);
    expect(seen).toContain(`add ${NS}/new`);
    expect(seen.filter((s) => s.includes('tmp-'))).toEqual([]); // created and deleted while away: never seen
    expect(seen.filter((s) => s.includes('/keep'))).toEqual([]); // unchanged: no event
    expect(inf.list(NS).map((o) => o.metadata.name).sort()).toEqual(['change', 'keep', 'new']);
  });

  it('backs off while the API fails, without a hot loop, and recovers', async () => {
    await startServer();
    await create('a');
    server.failRequests({ status: 500, durationMs: 2_000, match: { resource: 'configmaps' } });
    const before = server.requests.count({ resource: 'configmaps' });
    const inf = informer({ backoff: { initialMs: 100, maxMs: 1_000 } });
    const started = Date.now();
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(15_000));
    const elapsed = Date.now() - started;
    const requests = server.requests.count({ resource: 'configmaps' }) - before;
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    // 100, 200, 400, 800 (jittered down to half at worst) ... over 2 s: a handful, not hundreds.
    expect(requests).toBeLessThan(20);
    expect(inf.stats.errors).toBeGreaterThanOrEqual(2);
    expect(inf.get(NS, 'a')).toBeDefined();
  });

  it('restarts a watch that stays silent longer than watchdogMs', async () => {
    await startServer({ bookmarkIntervalMs: 60_000 });
    const inf = informer({ watchdogMs: 300 });
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    await eventually(() => inf.stats.watchdogRestarts >= 2, 'watchdog restarts');
    // A restarted watch still delivers.
    const { seen, handlers } = recorder();
    inf.addEventHandler(handlers);
    await create('after-watchdog');
    await eventually(() => seen.includes(`add ${NS}/after-watchdog`), 'event after watchdog restart');
  });

  it('counts bookmarks as activity and advances the resourceVersion with them', async () => {
    await startServer({ bookmarkIntervalMs: 100 });
    const inf = informer({ watchdogMs: 1_000 });
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    // Twenty bookmarks take two seconds, twice the watchdog period.
    await eventually(() => inf.stats.events >= 20, 'twenty bookmarks');
    expect(inf.stats.watchdogRestarts).toBe(0);
  });

  it('watches several namespaces and nothing else', async () => {
    await startServer();
    for (const ns of ['ns-a', 'ns-b', 'ns-c']) {
      await ensureNamespace(client, ns);
      await create('x', '1', ns);
    }
    const multi = new MultiNamespaceInformer({ client, resource: coreResources.configMaps, namespaces: ['ns-a', 'ns-b'], backoff: fastBackoff });
    informers.push(multi);
    const { seen, handlers } = recorder();
    multi.addEventHandler(handlers);
    multi.start();
    await multi.waitForSync(AbortSignal.timeout(10_000));
    expect(multi.hasSynced()).toBe(true);
    expect(multi.size).toBe(2);
    expect(multi.get('ns-c', 'x')).toBeUndefined();
    expect(multi.getByKey('ns-b/x')).toBeDefined();
    await create('y', '1', 'ns-c');
    await create('y', '1', 'ns-a');
    await eventually(() => seen.includes('add ns-a/y'), 'add in a watched namespace');
    expect(seen).not.toContain('add ns-c/y');
    expect(multi.list().length).toBe(3);
  });

  it('watches all namespaces when none is given', async () => {
    await startServer();
    await ensureNamespace(client, 'other');
    await create('a');
    await create('b', '1', 'other');
    const inf = new Informer({ client, resource: coreResources.configMaps, backoff: fastBackoff });
    informers.push(inf);
    inf.start();
    await inf.waitForSync(AbortSignal.timeout(10_000));
    expect(inf.get('other', 'b')).toBeDefined();
    expect(inf.get(NS, 'a')).toBeDefined();
    expect(inf.list('other').length).toBe(1);
  });
});
