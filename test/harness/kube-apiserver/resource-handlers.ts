/**
 * The REST verbs on resource paths: get, list, watch, create, update, patch, delete, deletecollection,
 * with the query parameters kube-apiserver reads (selectors, limit/continue, resourceVersion,
 * fieldManager, fieldValidation, dryRun, force) and its output forms (object, list, Table, metadata).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toExternal, type ApiContext } from './api-context.js';
import { negotiateOutput, type OutputFormat } from './content-negotiation.js';
import { deleteObject, parseDeleteOptions } from './delete-flow.js';
import { warningHeaders, writeJson } from './http-response.js';
import { isJsonObject, type KubeObject } from './kube-object.js';
import { buildObjectFilter } from './object-filter.js';
import { patchObject } from './patch-flow.js';
import { decodeObjectBody, decodePatchBody, patchTypeOf, readBody } from './request-body.js';
import type { ResourceRequestInfo } from './request-info.js';
import { apiVersionOf, groupResource, type ResourceDefinition } from './resource-definition.js';
import { badRequest, methodNotAllowed, notFound, resourceExpired, resourceNotServed } from './status-errors.js';
import { parseIncludeObject, partialObjectMetadata, partialObjectMetadataList, toTable, type ListMeta } from './table-output.js';
import type { WatchStreams } from './watch-streams.js';
import type { FieldValidation, WriteOptions, WriteOutcome } from './write-pipeline.js';
import { createObject, updateObject } from './write-pipeline.js';

export interface HandlerDeps {
  ctx: ApiContext;
  watches: WatchStreams;
}

const FIELD_VALIDATION = new Set(['Strict', 'Warn', 'Ignore']);

function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (!FIELD_VALIDATION.has(v)) {
    throw badRequest(`fieldValidation instead must be one of: Ignore, Warn, Strict (got "${v}")`);
  }
  return v as FieldValidation;
}

function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

/** fieldManager, or the user agent's product name as kube-apiserver derives it. */
function managerOf(req: IncomingMessage, query: URLSearchParams): { manager: string; given: boolean } {
  const given = query.get('fieldManager');
  if (given !== null && given !== '') {
    if (given.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return { manager: given, given: true };
  }
  const ua = req.headers['user-agent'] ?? 'unknown';
  return { manager: (ua.split('/')[0] ?? 'unknown').slice(0, 128) || 'unknown', given: false };
}

function writeOptions(req: IncomingMessage, info: ResourceRequestInfo): WriteOptions & { managerGiven: boolean } {
  const { manager, given } = managerOf(req, info.query);
  const opts: WriteOptions & { managerGiven: boolean } = {
    manager,
    managerGiven: given,
    fieldValidation: fieldValidationOf(info.query),
    dryRun: dryRunOf(info.query),
  };
  if (info.subresource !== undefined) opts.subresource = info.subresource;
  return opts;
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', ...token })).toString('base64');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start };
  } catch {
    // Falls through to the error below.
  }
  throw badRequest('continue key is not valid: invalid continue token');
}

function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`invalid resource version: ${value}`);
  return Number(value);
}

function positiveInt(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`${name}: invalid value ${value}`);
  return Number(value);
}

function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

function respondObject(res: ServerResponse, def: ResourceDefinition, code: number, obj: KubeObject, output: OutputFormat, info: ResourceRequestInfo, headers: Record<string, string> = {}): void {
  if (output === 'table') {
    writeJson(res, code, toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, parseIncludeObject(info.query.get('includeObject'))), headers);
  } else if (output === 'partial-metadata') {
    writeJson(res, code, partialObjectMetadata(obj), headers);
  } else {
    writeJson(res, code, obj, headers);
  }
}

function respondWrite(res: ServerResponse, def: ResourceDefinition, outcome: WriteOutcome, output: OutputFormat, info: ResourceRequestInfo): void {
  respondObject(res, def, outcome.created ? 201 : 200, outcome.object, output, info, warningHeaders(outcome.warnings));
}

function list(deps: HandlerDeps, res: ServerResponse, def: ResourceDefinition, info: ResourceRequestInfo, output: OutputFormat): void {
  const { ctx } = deps;
  const q = info.query;
  const filter = buildObjectFilter(def, info.namespace, q.get('labelSelector'), q.get('fieldSelector'));
  const limit = positiveInt(q.get('limit'), 'limit');
  const cont = q.get('continue');
  const rv = parseResourceVersion(q.get('resourceVersion'));
  const current = ctx.store.currentRevision();
  if (rv !== undefined && q.get('resourceVersionMatch') === 'Exact' && rv !== current && rv < ctx.hub.oldestAvailable(def.storageKey)) {
    throw resourceExpired(`too old resource version: ${rv} (${ctx.hub.oldestAvailable(def.storageKey) + 1})`);
  }
  let items = ctx.store.list(def.storageKey, info.namespace).filter((o) => filter.matches(o));
  let listRv = current;
  if (cont) {
    const token = decodeContinue(cont);
    listRv = token.rv;
    items = items.filter((o) => keyOf(o) > token.start);
  }
  const meta: ListMeta = { resourceVersion: String(listRv) };
  if (limit !== undefined && limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    if (last) meta.continue = encodeContinue({ rv: listRv, start: keyOf(last) });
    meta.remainingItemCount = items.length - limit;
    items = page;
  }
  const external = items.map((o) => toExternal(def, o));
  if (output === 'table') {
    writeJson(res, 200, toTable(def, external, meta, parseIncludeObject(q.get('includeObject'))));
    return;
  }
  if (output === 'partial-metadata') {
    writeJson(res, 200, partialObjectMetadataList(external, meta));
    return;
  }
  // Typed lists of built-in kinds carry no apiVersion/kind on their items; custom resource lists do.
  const rendered = def.isCustomResource ? external : external.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  writeJson(res, 200, { apiVersion: apiVersionOf(def), kind: def.listKind, metadata: meta, items: rendered });
}

function watch(deps: HandlerDeps, res: ServerResponse, def: ResourceDefinition, info: ResourceRequestInfo, output: OutputFormat): void {
  const q = info.query;
  const filter = buildObjectFilter(def, info.namespace, q.get('labelSelector'), q.get('fieldSelector'), info.name);
  deps.watches.serve(res, {
    def,
    filter,
    resourceVersion: parseResourceVersion(q.get('resourceVersion')),
    allowBookmarks: q.get('allowWatchBookmarks') === 'true',
    timeoutSeconds: positiveInt(q.get('timeoutSeconds'), 'timeoutSeconds'),
    sendInitialEvents: q.get('sendInitialEvents') === 'true',
    output,
    includeObject: parseIncludeObject(q.get('includeObject')),
  });
}

function checkScope(def: ResourceDefinition, info: ResourceRequestInfo): void {
  if (!def.namespaced && info.namespace !== undefined) throw resourceNotServed();
  const needsNamespace = info.verb !== 'list' && info.verb !== 'watch';
  if (def.namespaced && info.namespace === undefined && needsNamespace) throw resourceNotServed();
  if (info.subresource !== undefined && !(info.subresource === 'status' && def.statusSubresource)) throw resourceNotServed();
  if (info.subresource !== undefined && !['get', 'update', 'patch'].includes(info.verb)) throw methodNotAllowed(info.verb.toUpperCase());
}

export async function handleResourceRequest(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo): Promise<void> {
  const { ctx } = deps;
  const def = ctx.registry.find(info.group, info.version, info.resource);
  if (!def) throw resourceNotServed();
  checkScope(def, info);
  if (!def.verbs.includes(info.verb)) throw methodNotAllowed(req.method ?? '');
  const output = negotiateOutput(req.headers.accept);
  const name = info.name ?? '';

  switch (info.verb) {
    case 'get': {
      const stored = ctx.store.get(def.storageKey, info.namespace, name);
      if (!stored) throw notFound(groupResource(def), name);
      respondObject(res, def, 200, toExternal(def, stored), output, info);
      return;
    }
    case 'list':
      list(deps, res, def, info, output);
      return;
    case 'watch':
      watch(deps, res, def, info, output);
      return;
    case 'create': {
      const body = decodeObjectBody(req.headers['content-type'], await readBody(req));
      respondWrite(res, def, createObject(ctx, def, info.namespace, body, writeOptions(req, info)), output, info);
      return;
    }
    case 'update': {
      const body = decodeObjectBody(req.headers['content-type'], await readBody(req));
      respondWrite(res, def, updateObject(ctx, def, info.namespace, name, body, writeOptions(req, info)), output, info);
      return;
    }
    case 'patch': {
      const patchType = patchTypeOf(req.headers['content-type']);
      const patch = decodePatchBody(patchType, await readBody(req));
      const opts = writeOptions(req, info);
      const force = info.query.get('force') === 'true';
      if (info.query.get('force') !== null && patchType !== 'apply') throw badRequest('force: Forbidden: may not be specified for non-apply patch');
      const outcome = patchObject(ctx, def, info.namespace, name, { patchType, patch, force, fieldManagerGiven: opts.managerGiven }, opts);
      respondWrite(res, def, outcome, output, info);
      return;
    }
    case 'delete': {
      const raw = await readBody(req);
      const body = raw.toString('utf8').trim() ? decodeObjectBody(req.headers['content-type'], raw) : undefined;
      const outcome = deleteObject(ctx, def, info.namespace, name, parseDeleteOptions(body, info.query));
      writeJson(res, outcome.code, outcome.body);
      return;
    }
    case 'deletecollection': {
      const raw = await readBody(req);
      const body = raw.toString('utf8').trim() ? decodeObjectBody(req.headers['content-type'], raw) : undefined;
      const options = parseDeleteOptions(body, info.query);
      const filter = buildObjectFilter(def, info.namespace, info.query.get('labelSelector'), info.query.get('fieldSelector'));
      const deleted: unknown[] = [];
      for (const obj of ctx.store.list(def.storageKey, info.namespace).filter((o) => filter.matches(o))) {
        const outcome = deleteObject(ctx, def, obj.metadata.namespace, obj.metadata.name ?? '', options);
        const isStatus = isJsonObject(outcome.body) && outcome.body.kind === 'Status';
        deleted.push(isStatus ? toExternal(def, obj) : outcome.body);
      }
      writeJson(res, 200, { apiVersion: apiVersionOf(def), kind: def.listKind, metadata: { resourceVersion: String(ctx.store.currentRevision()) }, items: deleted });
      return;
    }
  }
}
