/**
 * Which Kubernetes resource a generic runtime piece talks to, and the REST paths for it. Core
 * resources (Secrets, Events, ...) have group '' and live under /api; all others under /apis.
 */
export interface KubeResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural as the REST path spells it, e.g. `kasmusers`, `secrets`. */
  plural: string;
  /** Kind, used for object references; optional for resources only read. */
  kind?: string;
  /** Cluster-scoped resources ignore namespaces. Default true. */
  namespaced?: boolean;
}

export function apiVersionOf(resource: Pick<KubeResource, 'group' | 'version'>): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

function groupVersionPath(resource: KubeResource): string {
  return resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
}

const segment = (s: string): string => encodeURIComponent(s);

/** The collection: all namespaces when `namespace` is empty or the resource is cluster-scoped. */
export function collectionPath(resource: KubeResource, namespace?: string): string {
  const base = groupVersionPath(resource);
  if (namespace && resource.namespaced !== false) return `${base}/namespaces/${segment(namespace)}/${resource.plural}`;
  return `${base}/${resource.plural}`;
}

export function objectPath(resource: KubeResource, namespace: string | undefined, name: string, subresource?: string): string {
  if (resource.namespaced !== false && !namespace) {
    throw new Error(`objectPath: namespace is required for namespaced resource ${resource.plural} (object "${name}")`);
  }
  const path = `${collectionPath(resource, namespace)}/${segment(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}

/** Core resources the runtime itself uses. */
export const coreResources = {
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret' },
  configMaps: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  events: { group: '', version: 'v1', plural: 'events', kind: 'Event' },
  namespaces: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  eventsV1: { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease' },
} as const satisfies Record<string, KubeResource>;
