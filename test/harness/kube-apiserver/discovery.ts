/**
 * API discovery documents: /api, /apis, /apis/<group>, the APIResourceLists of each group version, and
 * the aggregated form (apidiscovery.k8s.io/v2) that kubectl asks for first.
 */
import type { JsonObject } from './kube-object.js';
import { apiVersionOf, type ResourceDefinition } from './resource-definition.js';
import type { ResourceRegistry } from './resource-registry.js';

export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

function subresourcesOf(def: ResourceDefinition): string[] {
  return def.statusSubresource ? ['status'] : [];
}

export function apiVersions(serverAddress: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]): JsonObject {
  const entries = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(registry: ResourceRegistry): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter((g) => g.name !== '')
      .map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(registry: ResourceRegistry, group: string): JsonObject | undefined {
  const g = registry.groups().find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) } : undefined;
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const defs = registry.resourcesIn(group, version);
  if (defs.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const def of defs) {
    const entry: JsonObject = {
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs,
    };
    if (def.shortNames.length > 0) entry.shortNames = def.shortNames;
    if (def.categories.length > 0) entry.categories = def.categories;
    resources.push(entry);
    for (const sub of subresourcesOf(def)) {
      resources.push({ name: `${def.resource}/${sub}`, singularName: '', namespaced: def.namespaced, kind: def.kind, verbs: SUBRESOURCE_VERBS });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function aggregatedResource(def: ResourceDefinition): JsonObject {
  const responseKind = { group: def.group, version: def.version, kind: def.kind };
  const entry: JsonObject = {
    resource: def.resource,
    responseKind,
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs,
  };
  if (def.shortNames.length > 0) entry.shortNames = def.shortNames;
  if (def.categories.length > 0) entry.categories = def.categories;
  const subs = subresourcesOf(def);
  if (subs.length > 0) entry.subresources = subs.map((subresource) => ({ subresource, responseKind, verbs: SUBRESOURCE_VERBS }));
  return entry;
}

/** apidiscovery.k8s.io/v2 for /api (legacy: true) or /apis. */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean): JsonObject {
  const items = registry
    .groups()
    .filter((g) => (legacy ? g.name === '' : g.name !== ''))
    .map((g) => ({
      metadata: legacy ? { creationTimestamp: null } : { name: g.name, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: registry.resourcesIn(g.name, version).map(aggregatedResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
