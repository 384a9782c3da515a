import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer } from '../../../src/runtime/informer.js';
import { KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import { coreResources } from '../../../src/runtime/kube-resource.js';

const N = 10_000;

function item(i: number, rv: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: `ns-${i % 10}`,
      uid: `uid-${i}`,
      resourceVersion: String(rv),
      managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:data': { 'f:key': {} } } }],
    },
    data: { key: `value-${i}`.repeat(10) },
  };
}

/** Serves a paged list of N objects and keeps watches open so the test can push events into them. */
function fakeApi(): { server: Server; watches: ServerResponse[]; listRequests: () => number } {
  const watches: ServerResponse[] = [];
  let lists = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watches.push(res);
      return;
    }
    lists += 1;
    const limit = Number(url.searchParams.get('limit') ?? N);
    const start = Number(url.searchParams.get('continue') ?? 0);
    const end = Math.min(N, start + limit);
    const items = [];
    for (let i = start; i < end; i++) items.push(item(i, i + 1));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: String(N), ...(end < N ? { continue: String(end) } : {}) }, items }));
  });
  return { server, watches, listRequests: () => lists };
}

describe('Informer with 10,000 objects', () => {
  let api: ReturnType<typeof fakeApi>;
  let kc: KubeConfig;

  beforeAll(async () => {
    api = fakeApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const { port } = api.server.address() as AddressInfo;
    kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }, { name: 'u' });
  });

  afterAll(async () => {
    for (const w of api.watches) w.destroy();
    api.server.closeAllConnections();
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
  });

  it('syncs, serves reads, and applies a burst of watch events with modest memory', async () => {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const inf = new Informer({ client: new KubeJsonClient(kc), resource: coreResources.configMaps, backoff: { initialMs: 50, maxMs: 200 } });
    let adds = 0;
    let updates = 0;
    inf.addEventHandler({ onAdd: () => adds++, onUpdate: () => updates++ });
    inf.start();
    try {
      await inf.waitForSync(AbortSignal.timeout(30_000));
      expect(inf.size).toBe(N);
      expect(adds).toBe(N);
      expect(api.listRequests()).toBe(N / 500);
      expect(inf.get('ns-3', 'cm-9993')?.metadata.uid).toBe('uid-9993');
      expect(inf.list('ns-0')).toHaveLength(N / 10);
      // managedFields are dropped from the cache by default.
      expect('managedFields' in (inf.get('ns-0', 'cm-0')?.metadata ?? {})).toBe(false);

      const deadline = Date.now() + 10_000;
      while (api.watches.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const watch = api.watches[0];
      expect(watch).toBeDefined();
      const lines: string[] = [];
      for (let i = 0; i < N; i++) lines.push(JSON.stringify({ type: 'MODIFIED', object: item(i, N + 1 + i) }));
      watch?.write(lines.join('\n') + '\n');
      while (updates < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(updates).toBe(N);
      expect(inf.resourceVersion).toBe(String(2 * N));
      expect(inf.size).toBe(N);

      global.gc?.();
      const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
      // The cached objects themselves take a few MB; generous bound against leaks such as keeping every event.
      expect(grownMb).toBeLessThan(150);
    } finally {
      await inf.stop();
    }
  });
});
