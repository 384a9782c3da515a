/**
 * Behaviour only the in-process test server has (fault switches, latency, request counters, dropped
 * watches, a small watch window, fast bookmarks, crdDir loading). Against a real cluster (E2E_KUBECONFIG)
 * this file skips itself: those switches do not exist there, and a real watch cache's window is too large
 * to provoke 410 in a test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube-apiserver/index.js';
import { connectKubeTarget } from '../harness/kube-target.js';
import { collectWatch, CRD_DIR, eventually, expectFailure, GROUP, metaOf, patchAs, VERSION, widget, WIDGETS, widgetsIn, type Json } from './conformance-setup.js';

const realCluster = Boolean(process.env.E2E_KUBECONFIG);
const reason = 'test server only: fault switches, counters and the small 410 window do not exist on a real cluster';

describe.skipIf(realCluster)(`kube test server switches (${reason})`, () => {
  let server: KubeApiServer;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const extra: KubeApiServer[] = [];

  beforeAll(async () => {
    server = await startKubeApiServer({ crdDir: CRD_DIR, watchWindow: 5, bookmarkIntervalMs: 100 });
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ ...widgetsIn('default'), body: widget('probe', { owner: 'a' }) });
  });
  afterEach(() => {
    server.clearFaults();
    server.setLatency(0);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), ...extra.map((s) => s.close())]);
  });

  const getProbe = () => custom.getNamespacedCustomObject({ ...widgetsIn('default'), name: 'probe' });

  it('fails a number of matching requests with 500', async () => {
    server.failRequests({ status: 500, count: 2, match: { verb: 'get', resource: 'widgets' } });
    await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS });
    await expectFailure(getProbe(), 500, 'InternalError');
    await expectFailure(getProbe(), 500, 'InternalError');
    expect(metaOf(await getProbe()).name).toBe('probe');
  });

  it('answers 429 with Retry-After', async () => {
    server.failRequests({ status: 429, count: 1 });
    const f = await expectFailure(getProbe(), 429, 'TooManyRequests');
    expect(f.headers['retry-after']).toBe('1');
    expect(f.details).toMatchObject({ retryAfterSeconds: 1 });
  });

  it('fails for a duration with 503', async () => {
    server.failRequests({ status: 503, durationMs: 300, match: { resource: 'widgets' } });
    await expectFailure(getProbe(), 503, 'ServiceUnavailable');
    await eventually('the fault to expire', async () => metaOf(await getProbe()).name, 10_000);
  });

  it('validates fault specs', () => {
    expect(() => server.failRequests({ status: 404 as 500 })).toThrow(/status/);
    expect(() => server.failRequests({ status: 500, count: 0 })).toThrow(/count/);
  });

  it('adds latency', async () => {
    server.setLatency(150);
    const started = Date.now();
    await getProbe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('counts requests by verb and resource', async () => {
    server.requests.reset();
    await getProbe();
    await getProbe();
    await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS });
    await custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS, name: 'probe', body: { status: { phase: 'x' } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(server.requests.count({ verb: 'get', resource: 'widgets' })).toBe(2);
    expect(server.requests.count({ verb: 'list' })).toBe(1);
    expect(server.requests.count({ resource: 'widgets/status' })).toBe(1);
    expect(server.requests.count({ namespace: 'default' })).toBe(4);
    expect(server.requests.count()).toBe(4);
    server.requests.reset();
    expect(server.requests.count()).toBe(0);
  });

  it('drops open watches', async () => {
    const watch = await collectWatch(server.kubeConfig(), '/api/v1/namespaces/default/configmaps', {});
    await eventually('the watch to be open', () => Promise.resolve(server.openWatches() === 1 ? true : undefined));
    server.dropWatches();
    await watch.ended;
    expect(server.openWatches()).toBe(0);
  });

  it('answers a watch from a resourceVersion older than the window with 410 Expired', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'window' }, data: { n: '0' } } });
    const startRv = cm.metadata?.resourceVersion ?? '';
    for (let i = 1; i <= 7; i++) {
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'window', body: { data: { n: String(i) } } }, patchAs(PatchStrategy.MergePatch));
    }
    const watch = await collectWatch(server.kubeConfig(), '/api/v1/namespaces/default/configmaps', { resourceVersion: startRv });
    const error = await watch.waitFor('ERROR', (e) => e.type === 'ERROR');
    expect(error.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    await watch.ended;
    await expectFailure(core.listNamespacedConfigMap({ namespace: 'default', resourceVersion: startRv, resourceVersionMatch: 'Exact' }), 410, 'Expired');

    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const fresh = await collectWatch(server.kubeConfig(), '/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata?.resourceVersion });
    try {
      await core.patchNamespacedConfigMap({ namespace: 'default', name: 'window', body: { data: { n: 'x' } } }, patchAs(PatchStrategy.MergePatch));
      await fresh.waitFor('MODIFIED', (e) => e.type === 'MODIFIED');
    } finally {
      fresh.stop();
    }
  });

  it('sends bookmarks soon after start and periodically', async () => {
    const watch = await collectWatch(server.kubeConfig(), '/api/v1/namespaces/default/configmaps', { allowWatchBookmarks: true, resourceVersion: '0' });
    try {
      await eventually('two bookmarks', () => Promise.resolve(watch.events.filter((e) => e.type === 'BOOKMARK').length >= 2 ? true : undefined), 10_000);
      const bookmark = watch.events.find((e) => e.type === 'BOOKMARK');
      expect(bookmark?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
      expect(metaOf(bookmark?.object).resourceVersion).toMatch(/^\d+$/);
    } finally {
      watch.stop();
    }
  });

  it('serves the legacy /watch/ path and tables for kubectl', async () => {
    const legacy = await collectWatch(server.kubeConfig(), '/api/v1/watch/namespaces/default/configmaps', {});
    try {
      await legacy.waitFor('ADDED', (e) => e.type === 'ADDED');
    } finally {
      legacy.stop();
    }
    const res = await fetch(`${server.url}/apis/${GROUP}/${VERSION}/namespaces/default/${WIDGETS}`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: Json }[] };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((d) => d.name)).toEqual(['Name', 'Ready', 'Owner', 'Size', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 4)).toEqual(['probe', null, 'a', 3]);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });

  it('answers aggregated discovery when asked for it', async () => {
    const res = await fetch(`${server.url}/apis`, {
      headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' },
    });
    expect(res.headers.get('content-type')).toContain('apidiscovery.k8s.io');
    const doc = (await res.json()) as { kind: string; items: { metadata: { name: string } }[] };
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.items.map((i) => i.metadata.name)).toContain(GROUP);
  });

  it('refuses to delete the default and kube-system namespaces', async () => {
    await expectFailure(core.deleteNamespace({ name: 'default' }), 403, 'Forbidden');
    await expectFailure(core.deleteNamespace({ name: 'kube-system' }), 403, 'Forbidden');
  });

  it('hands out a kubeconfig as YAML, file and KubeConfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-server-'));
    try {
      const path = join(dir, 'kubeconfig');
      server.writeKubeconfig(path);
      expect(readFileSync(path, 'utf8')).toBe(server.kubeconfigYaml);
      expect(server.kubeConfig().getCurrentCluster()?.server).toBe(server.url);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts several independent servers in parallel, with or without a CRD directory', async () => {
    const started = await Promise.all([startKubeApiServer(), startKubeApiServer({ crdDir: join(tmpdir(), 'no-such-crd-dir') }), startKubeApiServer({ crdDir: CRD_DIR })]);
    extra.push(...started);
    expect(new Set(started.map((s) => s.url)).size).toBe(3);
    const withoutCrds = started[0]?.kubeConfig().makeApiClient(CustomObjectsApi);
    if (!withoutCrds) throw new Error("no server");
    await expectFailure(withoutCrds.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS }), 404, 'NotFound');
  });

  it('rejects an invalid CRD in crdDir, naming the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-crds-'));
    try {
      writeFileSync(
        join(dir, 'broken.yaml'),
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: things, kind: Thing}\n  versions: []\n',
      );
      await expect(startKubeApiServer({ crdDir: dir })).rejects.toThrow(/broken\.yaml.*spec\.versions/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('connectKubeTarget starts a test server when E2E_KUBECONFIG is unset and k3s is off', async () => {
    vi.stubEnv('E2E_K3S', '0');
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const target = await connectKubeTarget();
    const ns = await target.createNamespace('target');
    expect(target.isTestServer).toBe(true);
    expect(target.kubectlEnv.KUBECONFIG).toBe(target.kubeconfigPath);
    const client = target.kubeConfig.makeApiClient(CoreV1Api);
    expect((await client.readNamespace({ name: ns })).metadata?.name).toBe(ns);
    await target.close();
    await expect(client.readNamespace({ name: ns })).rejects.toThrow();
  });
});
