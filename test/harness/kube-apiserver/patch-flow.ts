/**
 * PATCH: JSON patch, merge patch, strategic merge patch (built-in kinds only; 415 for custom resources,
 * as kube-apiserver answers) and server-side apply (create-or-update with field ownership and conflicts).
 * The patched object then goes through the same update path as a PUT.
 */
import { toExternal, type ApiContext } from './api-context.js';
import { isJsonObject, type KubeObject } from './kube-object.js';
import {
  applyConflictCauses,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  formatApplyConflicts,
  PatchError,
  serverSideApply,
  type ApplyConflict,
  type JsonPatchOp,
  type ManagedFieldsEntry,
} from './patch.js';
import { PATCH_MEDIA_TYPES, type PatchType } from './request-body.js';
import { apiVersionOf, groupResource, type ResourceDefinition } from './resource-definition.js';
import { badRequest, notFound, resourceDetails, resourceNotServed, statusFailure, unsupportedMediaType, type ApiError } from './status-errors.js';
import { createObject, updateObject, type WriteOptions, type WriteOutcome } from './write-pipeline.js';

export interface PatchRequest {
  patchType: PatchType;
  patch: unknown;
  force: boolean;
  /** Whether the client named a field manager (apply requires one). */
  fieldManagerGiven: boolean;
}

function patchFailure(err: PatchError): ApiError {
  const reason = err.status === 409 ? 'Conflict' : err.status === 415 ? 'UnsupportedMediaType' : err.status === 400 ? 'BadRequest' : 'Invalid';
  const details = err.status === 422 ? { causes: [{ reason: 'UnexpectedServerResponse', message: err.detail, field: '' }] } : undefined;
  return statusFailure(err.status, reason, err.message, details);
}

function applyConflict(def: ResourceDefinition, name: string, conflicts: ApplyConflict[]): ApiError {
  const details = { ...resourceDetails(groupResource(def), name), causes: applyConflictCauses(conflicts) };
  return statusFailure(409, 'Conflict', formatApplyConflicts(conflicts), details);
}

function runPatchAlgorithm(def: ResourceDefinition, live: KubeObject, req: PatchRequest): unknown {
  try {
    switch (req.patchType) {
      case 'json':
        if (!Array.isArray(req.patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        return applyJsonPatch(live, req.patch as JsonPatchOp[]);
      case 'merge':
        if (!isJsonObject(req.patch)) throw badRequest('error decoding patch: a merge patch must be a JSON object');
        return applyMergePatch(live, req.patch);
      case 'strategic':
        if (!def.strategicMergeLists) {
          throw unsupportedMediaType(
            'application/strategic-merge-patch+json',
            Object.keys(PATCH_MEDIA_TYPES).filter((t) => t !== 'application/strategic-merge-patch+json'),
          );
        }
        if (!isJsonObject(req.patch)) throw badRequest('error decoding patch: a strategic merge patch must be a JSON object');
        return applyStrategicMergePatch(live, req.patch, def.strategicMergeLists);
      default:
        throw badRequest(`unsupported patch type ${req.patchType}`);
    }
  } catch (err) {
    if (err instanceof PatchError) throw patchFailure(err);
    throw err;
  }
}

function checkAppliedObject(def: ResourceDefinition, name: string, applied: unknown): KubeObject {
  if (!isJsonObject(applied)) throw badRequest('error decoding YAML: the apply patch must be an object');
  if (typeof applied.apiVersion !== 'string' || typeof applied.kind !== 'string' || !applied.apiVersion || !applied.kind) {
    throw badRequest('invalid object type: apiVersion and kind must be set in the applied configuration');
  }
  if (applied.apiVersion !== apiVersionOf(def) || applied.kind !== def.kind) {
    throw badRequest(`the applied object (${applied.apiVersion}, Kind=${applied.kind}) does not match the resource served at this URL (${apiVersionOf(def)}, Kind=${def.kind})`);
  }
  const meta = isJsonObject(applied.metadata) ? applied.metadata : {};
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(`the name of the object (${JSON.stringify(meta.name)}) does not match the name on the URL (${name})`);
  }
  const obj: KubeObject = { ...applied, metadata: { ...meta, name } };
  return obj;
}

function serverSideApplyPatch(
  ctx: ApiContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  req: PatchRequest,
  opts: WriteOptions,
): WriteOutcome {
  if (!req.fieldManagerGiven) throw badRequest('fieldManager is required for apply requests');
  const applied = checkAppliedObject(def, name, req.patch);
  const existing = ctx.store.get(def.storageKey, namespace, name);
  if (!existing && opts.subresource) throw notFound(groupResource(def), name);
  const live: KubeObject = existing ? toExternal(def, existing) : { apiVersion: apiVersionOf(def), kind: def.kind, metadata: { name } };
  const listMapKeys = def.listMapKeys;
  const result = serverSideApply({
    live,
    applied,
    manager: opts.manager,
    force: req.force,
    managedFields: Array.isArray(live.metadata.managedFields) ? (live.metadata.managedFields as ManagedFieldsEntry[]) : [],
    apiVersion: apiVersionOf(def),
    ...(listMapKeys ? { listMapKeys } : {}),
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  });
  if (result.conflicts.length > 0) throw applyConflict(def, name, result.conflicts);
  const writeOpts: WriteOptions = { ...opts, appliedManagedFields: result.managedFields, isPatch: true };
  if (!isJsonObject(result.object)) throw badRequest('server-side apply produced no object');
  const object = result.object as KubeObject;
  if (!existing) {
    if (isJsonObject(object.metadata)) delete object.metadata.resourceVersion;
    return createObject(ctx, def, namespace, object, writeOpts);
  }
  return updateObject(ctx, def, namespace, name, object, writeOpts);
}

export function patchObject(
  ctx: ApiContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  req: PatchRequest,
  opts: WriteOptions,
): WriteOutcome {
  if (opts.subresource !== undefined && !(opts.subresource === 'status' && def.statusSubresource)) throw resourceNotServed();
  if (req.patchType === 'apply') return serverSideApplyPatch(ctx, def, namespace, name, req, opts);
  const existing = ctx.store.get(def.storageKey, namespace, name);
  if (!existing) {
    // The media type is judged before the object is looked up.
    if (req.patchType === 'strategic' && !def.strategicMergeLists) runPatchAlgorithm(def, { metadata: {} }, req);
    throw notFound(groupResource(def), name);
  }
  const patched = runPatchAlgorithm(def, toExternal(def, existing), req);
  return updateObject(ctx, def, namespace, name, patched, { ...opts, isPatch: true });
}
