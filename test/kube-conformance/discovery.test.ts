import { ApisApi, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, eventuallyGone, expectFailure, GROUP, metaOf, setupConformance, VERSION, type Conformance, type Json } from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('disc');
});
afterAll(async () => {
  await c?.close();
});

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

async function raw(path: string): Promise<Json> {
  const r = await c.kubectl(['get', '--raw', path]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

async function resources(groupVersionPath: string): Promise<ApiResource[]> {
  const list = await raw(groupVersionPath);
  expect(list.kind).toBe('APIResourceList');
  return list.resources as ApiResource[];
}

describe('discovery', () => {
  it('serves /version', async () => {
    const v = await c.kc.makeApiClient(VersionApi).getCode();
    expect(v.major).toMatch(/^\d+$/);
    expect(v.gitVersion).toMatch(/^v\d+\.\d+/);
  });

  it('lists API groups with preferred versions', async () => {
    const groups = await c.kc.makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map((g) => g.name);
    for (const g of [GROUP, 'apiextensions.k8s.io', 'coordination.k8s.io', 'events.k8s.io']) expect(names).toContain(g);
    const ours = groups.groups.find((g) => g.name === GROUP);
    expect(ours?.preferredVersion?.groupVersion).toBe(`${GROUP}/${VERSION}`);
    const group = await raw(`/apis/${GROUP}`);
    expect(group).toMatchObject({ kind: 'APIGroup', name: GROUP });
  });

  it('describes custom resources and their subresources', async () => {
    const list = await resources(`/apis/${GROUP}/${VERSION}`);
    const widgets = list.find((r) => r.name === 'widgets');
    expect(widgets).toMatchObject({ singularName: 'widget', namespaced: true, kind: 'Widget', shortNames: ['wdg'], categories: ['kasm-conformance'] });
    expect([...(widgets?.verbs ?? [])].sort()).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    const status = list.find((r) => r.name === 'widgets/status');
    expect([...(status?.verbs ?? [])].sort()).toEqual(['get', 'patch', 'update']);
    expect(list.find((r) => r.name === 'gizmos')).toMatchObject({ namespaced: false, kind: 'Gizmo' });
    expect(list.some((r) => r.name === 'gizmos/status')).toBe(false);
  });

  it('describes the built-in kinds the operator uses', async () => {
    const core = await resources('/api/v1');
    expect(core.find((r) => r.name === 'namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace' });
    for (const [name, kind] of [
      ['secrets', 'Secret'],
      ['configmaps', 'ConfigMap'],
      ['events', 'Event'],
    ]) {
      expect(core.find((r) => r.name === name)).toMatchObject({ namespaced: true, kind });
    }
    expect((await resources('/apis/coordination.k8s.io/v1')).find((r) => r.name === 'leases')).toMatchObject({ kind: 'Lease', namespaced: true });
    expect((await resources('/apis/events.k8s.io/v1')).find((r) => r.name === 'events')).toMatchObject({ kind: 'Event', namespaced: true });
    expect((await resources('/apis/apiextensions.k8s.io/v1')).find((r) => r.name === 'customresourcedefinitions')).toMatchObject({
      kind: 'CustomResourceDefinition',
      namespaced: false,
    });
  });

  it('publishes OpenAPI v3 for custom resources', async () => {
    const root = await raw('/openapi/v3');
    expect(Object.keys(root.paths as Json)).toContain(`apis/${GROUP}/${VERSION}`);
    const explain = await c.kubectl(['explain', 'widgets.spec']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('owner');
    expect(explain.stdout).toContain('Widget');
  });

  it('shows the resources to kubectl api-resources', async () => {
    const r = await c.kubectl(['api-resources', `--api-group=${GROUP}`, '-o', 'wide']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/widgets\s+wdg\s+conformance\.kasm\.io\/v1\s+true\s+Widget/);
    expect(r.stdout).toContain('kasm-conformance');
  });
});

describe('CustomResourceDefinitions', () => {
  it('marks installed CRDs Established and NamesAccepted', async () => {
    const crd = await c.ext.readCustomResourceDefinition({ name: `widgets.${GROUP}` });
    const conditions = Object.fromEntries((crd.status?.conditions ?? []).map((x) => [x.type, x.status]));
    expect(conditions).toMatchObject({ Established: 'True', NamesAccepted: 'True' });
    expect(crd.status?.acceptedNames?.kind).toBe('Widget');
    expect(crd.status?.storedVersions).toEqual([VERSION]);
  });

  it('serves a new CRD, and removes its objects and resource when it is deleted', async () => {
    const plural = `tmp${c.ns.replace(/[^a-z0-9]/g, '')}`;
    const name = `${plural}.${GROUP}`;
    await c.ext.createCustomResourceDefinition({
      body: {
        metadata: { name },
        spec: {
          group: GROUP,
          scope: 'Namespaced',
          names: { plural, kind: 'Temporary' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } } } } }],
        },
      },
    });
    try {
      await eventually('the CRD to be established', async () => {
        const crd = await c.ext.readCustomResourceDefinition({ name });
        return crd.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined;
      });
      const api = { group: GROUP, version: 'v1', namespace: c.ns, plural };
      const obj = await eventually(
        'the new resource to be served',
        async () =>
          (await c.custom.createNamespacedCustomObject({
            ...api,
            body: { apiVersion: `${GROUP}/v1`, kind: 'Temporary', metadata: { name: 't1' }, spec: { n: 1 } },
          })) as Json,
      );
      expect(metaOf(obj).name).toBe('t1');
      await c.ext.deleteCustomResourceDefinition({ name });
      await eventuallyGone('the CRD', () => c.ext.readCustomResourceDefinition({ name }));
      await eventuallyGone('the resource (404 for its list)', () => c.custom.listNamespacedCustomObject(api));
    } finally {
      await c.ext.deleteCustomResourceDefinition({ name }).catch(() => undefined);
    }
  });

  it('rejects an invalid CRD with 422', async () => {
    const failure = await expectFailure(
      c.ext.createCustomResourceDefinition({
        body: {
          metadata: { name: `wrongname.${GROUP}` },
          spec: { group: GROUP, scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true }] },
        },
      }),
      422,
      'Invalid',
    );
    const fields = (failure.details?.causes ?? []).map((x) => x.field);
    expect(fields).toContain('metadata.name');
  });
});
