import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer } from '../../../src/runtime/informer.js';
import { KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import { coreResources } from '../../../src/runtime/kube-resource.js';

/**
 * Watch-protocol cases a real API server produces rarely or only under load: an ERROR event with
 * 410 inside the stream, an HTTP 410 on the watch request, watches that end at once, bookmarks.
 * A scripted server plays them exactly.
 */
type Handler = (url: URL, res: ServerResponse, req: IncomingMessage) => void;

interface Fake {
  server: Server;
  kc: KubeConfig;
  watchUrls: URL[];
  lists: number;
}

const cm = (name: string, rv: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });
const list = (rv: string, ...items: Array<Record<string, unknown>>): string => JSON.stringify({ kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items });
const line = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;

async function fake(onList: (n: number) => string, onWatch: Handler): Promise<Fake> {
  const f = { watchUrls: [] as URL[], lists: 0 } as Fake;
  f.server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') === 'true') {
      f.watchUrls.push(url);
      onWatch(url, res, req);
      return;
    }
    f.lists += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(onList(f.lists));
  });
  await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
  const { port } = f.server.address() as AddressInfo;
  f.kc = new KubeConfig();
  f.kc.loadFromClusterAndUser({ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }, { name: 'u' });
  return f;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Informer watch protocol', () => {
  let f: Fake | undefined;
  let inf: Informer | undefined;

  afterEach(async () => {
    await inf?.stop();
    if (f) {
      f.server.closeAllConnections();
      await new Promise<void>((resolve) => f?.server.close(() => resolve()));
    }
    f = undefined;
    inf = undefined;
  });

  function start(): { seen: string[] } {
    const seen: string[] = [];
    inf = new Informer({ client: new KubeJsonClient((f as Fake).kc), resource: coreResources.configMaps, namespace: 'ns', backoff: { initialMs: 100, maxMs: 400 } });
    inf.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_o, n) => seen.push(`update ${n.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    inf.start();
    return { seen };
  }

  it('relists after an in-stream ERROR 410 and reports the differences', async () => {
    f = await fake(
      (n) => (n === 1 ? list('10', cm('a', '5'), cm('b', '6')) : list('20', cm('a', '15'), cm('c', '18'))),
      (_url, res) => {
        res.writeHead(200);
        if (f?.watchUrls.length === 1) res.end(line('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }));
        // Later watches stay open.
      },
    );
    const { seen } = start();
    await until(() => seen.includes('delete b') && (f?.watchUrls.length ?? 0) === 2, 'relist differences and a new watch');
    expect(f.lists).toBe(2);
    expect(seen).toEqual(['add a', 'add b', 'update a', 'add c', 'delete b']);
    expect(inf?.stats.relists).toBe(1);
    expect(f.watchUrls.at(-1)?.searchParams.get('resourceVersion')).toBe('20');
  });

  it('relists after an HTTP 410 on the watch request', async () => {
    f = await fake(
      (n) => list(String(n * 10)),
      (_url, res) => {
        if (f?.watchUrls.length === 1) {
          res.writeHead(410, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Gone' }));
          return;
        }
        res.writeHead(200);
      },
    );
    start();
    await until(() => (f?.lists ?? 0) === 2 && (f?.watchUrls.length ?? 0) === 2, 'relist and new watch');
    expect(f.watchUrls[0]?.searchParams.get('resourceVersion')).toBe('10');
    expect(f.watchUrls[1]?.searchParams.get('resourceVersion')).toBe('20');
    expect(f.watchUrls[0]?.searchParams.get('allowWatchBookmarks')).toBe('true');
  });

  it('resumes from the resourceVersion of the last bookmark', async () => {
    f = await fake(
      () => list('10'),
      (_url, res) => {
        res.writeHead(200);
        if (f?.watchUrls.length === 1) res.end(line('BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: '77' } }));
      },
    );
    start();
    await until(() => (f?.watchUrls.length ?? 0) >= 2, 'second watch');
    expect(f.watchUrls[1]?.searchParams.get('resourceVersion')).toBe('77');
    expect(f.lists).toBe(1);
  });

  it('backs off when watches end at once with nothing, instead of spinning', async () => {
    f = await fake(
      () => list('10'),
      (_url, res) => {
        res.writeHead(200);
        res.end();
      },
    );
    start();
    await inf?.waitForSync(AbortSignal.timeout(5_000));
    const started = Date.now();
    await until(() => Date.now() - started > 1_500 || (f?.watchUrls.length ?? 0) > 50, 'time to pass');
    // 100, 200, 400, 400 ... ms (jitter halves at most): about 5-10 watches in 1.5 s, never a tight loop.
    expect(f.watchUrls.length).toBeLessThan(20);
    expect(inf?.stats.errors).toBeGreaterThanOrEqual(2);
  });

  it('stops promptly while a watch is open', async () => {
    f = await fake(
      () => list('10'),
      (_url, res) => {
        res.writeHead(200);
        res.flushHeaders();
      },
    );
    start();
    await until(() => (f?.watchUrls.length ?? 0) === 1, 'watch open');
    const t = Date.now();
    await inf?.stop();
    expect(Date.now() - t).toBeLessThan(2_000);
  });
});
