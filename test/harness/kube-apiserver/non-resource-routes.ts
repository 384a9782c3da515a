/**
 * Paths that are not resources: /version, discovery (/api, /apis, /apis/<group>, group versions),
 * OpenAPI v3, and the health endpoints.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { wantsAggregatedDiscovery } from './content-negotiation.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery.js';
import { writeJson, writeText } from './http-response.js';
import { openApiV3Document, openApiV3Root } from './openapi.js';
import type { NonResourceRequestInfo } from './request-info.js';
import type { ResourceRegistry } from './resource-registry.js';
import { methodNotAllowed, resourceNotServed } from './status-errors.js';

const SERVER_VERSION = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.0-kube-test-server',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function handleNonResource(registry: ResourceRegistry, serverAddress: string, req: IncomingMessage, res: ServerResponse, info: NonResourceRequestInfo): void {
  const parts = info.path.split('/').filter((p) => p.length > 0);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (parts[0] === 'api' || parts[0] === 'apis') throw methodNotAllowed(req.method ?? '');
    writeText(res, 404, '404 page not found\n');
    return;
  }
  const accept = req.headers.accept;
  const headers = { Vary: 'Accept' };
  if (info.path === '/version' || info.path === '/version/') {
    writeJson(res, 200, SERVER_VERSION);
    return;
  }
  if (['/healthz', '/livez', '/readyz'].includes(info.path)) {
    writeText(res, 200, 'ok');
    return;
  }
  if (parts[0] === 'api') {
    if (parts.length === 1) {
      if (wantsAggregatedDiscovery(accept)) {
        writeJson(res, 200, aggregatedDiscovery(registry, true), headers, AGGREGATED_DISCOVERY_CONTENT_TYPE);
      } else {
        writeJson(res, 200, apiVersions(serverAddress), headers);
      }
      return;
    }
    const list = parts.length === 2 ? apiResourceList(registry, '', parts[1] ?? '') : undefined;
    if (!list) throw resourceNotServed();
    writeJson(res, 200, list);
    return;
  }
  if (parts[0] === 'apis') {
    if (parts.length === 1) {
      if (wantsAggregatedDiscovery(accept)) {
        writeJson(res, 200, aggregatedDiscovery(registry, false), headers, AGGREGATED_DISCOVERY_CONTENT_TYPE);
      } else {
        writeJson(res, 200, apiGroupList(registry), headers);
      }
      return;
    }
    const doc = parts.length === 2 ? apiGroup(registry, parts[1] ?? '') : parts.length === 3 ? apiResourceList(registry, parts[1] ?? '', parts[2] ?? '') : undefined;
    if (!doc) throw resourceNotServed();
    writeJson(res, 200, doc);
    return;
  }
  if (parts[0] === 'openapi' && parts[1] === 'v3') {
    if (parts.length === 2) {
      writeJson(res, 200, openApiV3Root(registry));
      return;
    }
    const rest = parts.slice(2);
    const doc =
      rest[0] === 'api' && rest.length === 2
        ? openApiV3Document(registry, '', rest[1] ?? '')
        : rest[0] === 'apis' && rest.length === 3
          ? openApiV3Document(registry, rest[1] ?? '', rest[2] ?? '')
          : undefined;
    if (!doc) {
      writeText(res, 404, '404 page not found\n');
      return;
    }
    writeJson(res, 200, doc);
    return;
  }
  writeText(res, 404, '404 page not found\n');
}
