/**
 * Splits a request path into what kube-apiserver's RequestInfoFactory derives: API group, version,
 * namespace, resource, name, subresource and the verb (get/list/watch/create/update/patch/delete/
 * deletecollection). Everything else (discovery, /version, /openapi, health) is a non-resource request.
 */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  verb: Verb;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  path: string;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  verb: string;
  path: string;
  query: URLSearchParams;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

/** Subresources of a namespace object itself (`/api/v1/namespaces/foo/status`), not namespaced resources. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

export function parseRequestInfo(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://localhost');
  const query = url.searchParams;
  const path = url.pathname;
  const parts = path.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, verb: method.toLowerCase(), path, query };

  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource;
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource;
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return nonResource;
  }

  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) {
      rest = rest.slice(2);
    } else {
      // The namespace object itself: resource "namespaces", name = the namespace.
      namespace = undefined;
    }
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return nonResource;

  const m = method.toUpperCase();
  let verb: Verb;
  if (m === 'GET' || m === 'HEAD') {
    verb = legacyWatch || isTrue(query.get('watch')) ? 'watch' : name ? 'get' : 'list';
  } else if (m === 'POST') {
    verb = 'create';
  } else if (m === 'PUT') {
    verb = 'update';
  } else if (m === 'PATCH') {
    verb = 'patch';
  } else if (m === 'DELETE') {
    verb = name ? 'delete' : 'deletecollection';
  } else {
    return nonResource;
  }
  const info: ResourceRequestInfo = { isResourceRequest: true, verb, group, version, resource, query, path };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}
