import { makeInformer, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectWatch,
  eventually,
  expectFailure,
  GROUP,
  metaOf,
  patchAs,
  setupConformance,
  VERSION,
  widgetPath,
  WIDGETS,
  type Conformance,
  type Json,
} from './conformance-setup.js';

let c: Conformance;
let selNs: string;
beforeAll(async () => {
  c = await setupConformance('lw');
  selNs = await c.target.createNamespace('lw-sel');
  const labels: Record<string, Record<string, string>> = {
    'sel-a': { tier: 'front', env: 'prod' },
    'sel-b': { tier: 'back', env: 'prod' },
    'sel-c': { tier: 'back', env: 'dev' },
    'sel-d': { env: 'dev', legacy: 'yes' },
    'sel-e': {},
  };
  for (const [name, l] of Object.entries(labels)) {
    await c.core.createNamespacedConfigMap({ namespace: selNs, body: { metadata: { name, labels: l } } });
  }
});
afterAll(async () => {
  await c?.close();
});

async function names(labelSelector?: string, fieldSelector?: string): Promise<string[]> {
  const list = await c.core.listNamespacedConfigMap({ namespace: selNs, ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) });
  return list.items.map((i) => i.metadata?.name ?? '').filter((n) => n.startsWith('sel-')).sort();
}

describe('list selectors', () => {
  it.each([
    ['env=prod', ['sel-a', 'sel-b']],
    ['env==dev', ['sel-c', 'sel-d']],
    ['env!=prod', ['sel-c', 'sel-d', 'sel-e']],
    ['tier in (front,back)', ['sel-a', 'sel-b', 'sel-c']],
    ['tier notin (back)', ['sel-a', 'sel-d', 'sel-e']],
    ['legacy', ['sel-d']],
    ['!tier', ['sel-d', 'sel-e']],
    ['env=prod,tier=back', ['sel-b']],
  ])('labelSelector %s', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('filters by metadata.name and metadata.namespace field selectors', async () => {
    expect(await names(undefined, 'metadata.name=sel-c')).toEqual(['sel-c']);
    expect(await names(undefined, 'metadata.name!=sel-c')).toEqual(['sel-a', 'sel-b', 'sel-d', 'sel-e']);
    expect(await names(undefined, `metadata.namespace=${selNs}`)).toHaveLength(5);
    const all: unknown = await c.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: WIDGETS, fieldSelector: `metadata.namespace=${selNs}` });
    expect((all as { items: Json[] }).items).toEqual([]);
  });

  it('rejects an unsupported field selector with 400', async () => {
    await expectFailure(c.core.listNamespacedConfigMap({ namespace: selNs, fieldSelector: 'data.x=1' }), 400, 'BadRequest');
  });

  it('pages with limit and continue', async () => {
    const first = await c.core.listNamespacedConfigMap({ namespace: selNs, labelSelector: 'env', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeTruthy();
    const rest = await c.core.listNamespacedConfigMap({ namespace: selNs, labelSelector: 'env', limit: 2, _continue: first.metadata?._continue ?? '' });
    const all = [...first.items, ...rest.items].map((i) => i.metadata?.name);
    expect(all).toEqual(['sel-a', 'sel-b', 'sel-c', 'sel-d']);
    expect(rest.metadata?._continue ?? '').toBe('');
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the list resourceVersion, in order', async () => {
    const list = (await c.custom.listNamespacedCustomObject(c.widgets)) as { metadata: { resourceVersion: string } };
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { resourceVersion: list.metadata.resourceVersion, labelSelector: 'case=order' });
    try {
      await c.createWidget('w-order', { owner: 'a' }, { metadata: { labels: { case: 'order' } } });
      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'w-order', body: { spec: { size: 4 } } }, patchAs(PatchStrategy.MergePatch));
      await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'w-order' });
      await watch.waitFor('DELETED', (e) => e.type === 'DELETED');
      expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      const rvs = watch.events.map((e) => Number(metaOf(e.object).resourceVersion));
      expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
      expect(new Set(rvs).size).toBe(3);
      expect((watch.events[1]?.object.spec as Json).size).toBe(4);
    } finally {
      watch.stop();
    }
  });

  it('replays from an older resourceVersion', async () => {
    const created = await c.createWidget('w-replay', { owner: 'a' }, { metadata: { labels: { case: 'replay' } } });
    await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'w-replay', body: { spec: { size: 5 } } }, patchAs(PatchStrategy.MergePatch));
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { resourceVersion: metaOf(created).resourceVersion, labelSelector: 'case=replay' });
    try {
      const modified = await watch.waitFor('MODIFIED', (e) => e.type === 'MODIFIED');
      expect((modified.object.spec as Json).size).toBe(5);
      expect(watch.events.some((e) => e.type === 'ADDED')).toBe(false);
    } finally {
      watch.stop();
    }
  });

  it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
    await c.createWidget('w-initial', { owner: 'a' }, { metadata: { labels: { case: 'initial' } } });
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { labelSelector: 'case=initial' });
    try {
      const added = await watch.waitFor('ADDED', (e) => e.type === 'ADDED');
      expect(metaOf(added.object).name).toBe('w-initial');
    } finally {
      watch.stop();
    }
  });

  it('sends DELETED when an object leaves the selector and ADDED when it enters', async () => {
    const created = await c.createWidget('w-sel', { owner: 'a' }, { metadata: { labels: { case: 'sel', on: 'yes' } } });
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { resourceVersion: metaOf(created).resourceVersion, labelSelector: 'case=sel,on=yes' });
    try {
      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'w-sel', body: { metadata: { labels: { on: 'no' } } } }, patchAs(PatchStrategy.MergePatch));
      await watch.waitFor('DELETED on leaving', (e) => e.type === 'DELETED');
      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'w-sel', body: { metadata: { labels: { on: 'yes' } } } }, patchAs(PatchStrategy.MergePatch));
      await watch.waitFor('ADDED on entering', (e) => e.type === 'ADDED');
      expect(watch.events.map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
    } finally {
      watch.stop();
    }
  });

  it('watches one object by field selector', async () => {
    const created = await c.createWidget('w-one', { owner: 'a' });
    await c.createWidget('w-other', { owner: 'a' });
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { resourceVersion: metaOf(created).resourceVersion, fieldSelector: 'metadata.name=w-one' });
    try {
      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'w-other', body: { spec: { size: 2 } } }, patchAs(PatchStrategy.MergePatch));
      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'w-one', body: { spec: { size: 2 } } }, patchAs(PatchStrategy.MergePatch));
      await watch.waitFor('MODIFIED of w-one', (e) => e.type === 'MODIFIED');
      expect(watch.events.map((e) => metaOf(e.object).name)).toEqual(['w-one']);
    } finally {
      watch.stop();
    }
  });

  it('feeds a client-node informer (list, then watch from the list resourceVersion)', async () => {
    await c.createWidget('inf-1', { owner: 'a' }, { metadata: { labels: { case: 'informer' } } });
    const path = widgetPath(c.ns);
    const informer = makeInformer<KubernetesObject>(
      c.kc,
      path,
      async () => (await c.custom.listNamespacedCustomObject({ ...c.widgets, labelSelector: 'case=informer' })) as never,
      'case=informer',
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name ?? ''}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name ?? ''}`));
    await informer.start();
    try {
      await c.createWidget('inf-2', { owner: 'a' }, { metadata: { labels: { case: 'informer' } } });
      await c.custom.patchNamespacedCustomObject({ ...c.widgets, name: 'inf-1', body: { spec: { size: 9 } } }, patchAs(PatchStrategy.MergePatch));
      await c.custom.deleteNamespacedCustomObject({ ...c.widgets, name: 'inf-2' });
      await eventually('the informer to see every change', () =>
        Promise.resolve(['add:inf-1', 'add:inf-2', 'update:inf-1', 'delete:inf-2'].every((x) => seen.includes(x)) ? true : undefined),
      );
      expect(informer.list().map((o) => o.metadata?.name)).toEqual(['inf-1']);
    } finally {
      await informer.stop();
    }
  });

  it('ends the stream after timeoutSeconds', async () => {
    const watch = await collectWatch(c.kc, widgetPath(c.ns), { timeoutSeconds: 1, labelSelector: 'case=timeout' });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(() => resolve('still open'), 20_000);
    });
    try {
      expect(await Promise.race([watch.ended.then(() => 'ended'), deadline])).toBe('ended');
    } finally {
      clearTimeout(timer);
      watch.stop();
    }
  });
});
