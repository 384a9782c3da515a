/**
 * DELETE as kube-apiserver's registry runs it: preconditions, propagation policy (Orphan and Foreground
 * become the GC's finalizers), finalizers that keep the object with a deletionTimestamp, and the
 * lifecycle kinds (Namespace, CRD) that always terminate through their controllers.
 */
import { toExternal, type ApiContext } from './api-context.js';
import { UNDELETABLE_NAMESPACES } from './core-resources.js';
import { CRD_CLEANUP_FINALIZER, CRD_STORAGE_KEY, terminatingCondition } from './crd-resource.js';
import { cloneJson, isJsonObject, jsonEqual, nowTimestamp, type JsonObject, type KubeObject } from './kube-object.js';
import { groupResource, type ResourceDefinition } from './resource-definition.js';
import { cause, conflict, forbidden, invalid, notFound, resourceDetails, successStatus } from './status-errors.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export interface DeleteOutcome {
  code: number;
  body: unknown;
}

const POLICIES: PropagationPolicy[] = ['Foreground', 'Background', 'Orphan'];

/** DeleteOptions from the body (JSON) merged with query parameters, validated as kube does. */
export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const src: JsonObject = isJsonObject(body) ? body : {};
  const policyRaw = query.get('propagationPolicy') ?? src.propagationPolicy;
  const orphanRaw = query.get('orphanDependents') ?? src.orphanDependents;
  const dryRunRaw = query.getAll('dryRun').length > 0 ? query.getAll('dryRun') : src.dryRun;
  const opts: DeleteOptions = { dryRun: Array.isArray(dryRunRaw) && dryRunRaw.includes('All') };
  if (policyRaw !== undefined && policyRaw !== null) {
    if (typeof policyRaw !== 'string' || !POLICIES.includes(policyRaw as PropagationPolicy)) {
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [cause.notSupported('propagationPolicy', policyRaw, POLICIES)]);
    }
    if (orphanRaw !== undefined && orphanRaw !== null) {
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
        cause.invalid('orphanDependents', orphanRaw, 'orphanDependents and deletionPropagation cannot be both set'),
      ]);
    }
    opts.propagationPolicy = policyRaw as PropagationPolicy;
  } else if (orphanRaw === true || orphanRaw === 'true') {
    opts.propagationPolicy = 'Orphan';
  }
  if (isJsonObject(src.preconditions)) {
    const p = src.preconditions;
    opts.preconditions = {};
    if (typeof p.uid === 'string') opts.preconditions.uid = p.uid;
    if (typeof p.resourceVersion === 'string') opts.preconditions.resourceVersion = p.resourceVersion;
  }
  return opts;
}

function checkPreconditions(def: ResourceDefinition, existing: KubeObject, opts: DeleteOptions): void {
  const name = existing.metadata.name ?? '';
  const p = opts.preconditions;
  if (p?.uid !== undefined && p.uid !== existing.metadata.uid) {
    throw conflict(groupResource(def), name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`);
  }
  if (p?.resourceVersion !== undefined && p.resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(
      groupResource(def),
      name,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion ?? ''}`,
    );
  }
}

/** The GC finalizers the policy asks for, replacing any earlier choice. */
function finalizersFor(existing: string[], policy: PropagationPolicy | undefined): string[] {
  if (policy === undefined) return existing;
  const rest = existing.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Orphan') return [...rest, ORPHAN_FINALIZER];
  if (policy === 'Foreground') return [...rest, FOREGROUND_FINALIZER];
  return rest;
}

function markDeleting(def: ResourceDefinition, obj: KubeObject): void {
  if (!obj.metadata.deletionTimestamp) {
    if (def.hasGeneration && obj.metadata.generation !== undefined) obj.metadata.generation += 1;
    obj.metadata.deletionTimestamp = nowTimestamp();
  }
  obj.metadata.deletionGracePeriodSeconds = 0;
}

function isNamespace(def: ResourceDefinition): boolean {
  return def.group === '' && def.resource === 'namespaces';
}

/** Kind-specific marking when deletion starts; returns true when the kind always terminates via a controller. */
function startLifecycleDeletion(def: ResourceDefinition, obj: KubeObject): boolean {
  if (isNamespace(def)) {
    obj.status = { ...(isJsonObject(obj.status) ? obj.status : {}), phase: 'Terminating' };
    return true;
  }
  if (def.storageKey === CRD_STORAGE_KEY) {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) obj.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
    const status = isJsonObject(obj.status) ? obj.status : {};
    const conditions: unknown[] = Array.isArray(status.conditions) ? (status.conditions as unknown[]) : [];
    if (!conditions.some((c) => isJsonObject(c) && c.type === 'Terminating')) {
      obj.status = { ...status, conditions: [...conditions, terminatingCondition()] };
    }
    return true;
  }
  return false;
}

export function deleteObject(
  ctx: ApiContext,
  def: ResourceDefinition,
  namespace: string | undefined,
  name: string,
  opts: DeleteOptions,
): DeleteOutcome {
  const existing = ctx.store.get(def.storageKey, namespace, name);
  if (!existing) throw notFound(groupResource(def), name);
  checkPreconditions(def, existing, opts);
  if (isNamespace(def) && UNDELETABLE_NAMESPACES.has(name)) {
    throw forbidden(groupResource(def), name, 'this namespace may not be deleted');
  }

  const next = cloneJson(existing);
  const finalizers = finalizersFor(next.metadata.finalizers ?? [], opts.propagationPolicy);
  if (finalizers.length > 0) next.metadata.finalizers = finalizers;
  else delete next.metadata.finalizers;
  const viaController = startLifecycleDeletion(def, next);

  if (viaController || (next.metadata.finalizers ?? []).length > 0) {
    markDeleting(def, next);
    if (opts.dryRun) return { code: 200, body: toExternal(def, next) };
    // Deleting again while terminating changes nothing and writes nothing.
    if (jsonEqual(next, existing)) return { code: 200, body: toExternal(def, existing) };
    const stored = ctx.store.update(def.storageKey, next);
    ctx.afterCommit(def, 'MODIFIED', stored);
    return { code: 200, body: toExternal(def, stored) };
  }

  if (opts.dryRun) return { code: 200, body: def.returnDeletedObject ? toExternal(def, existing) : deletedStatus(def, existing) };
  const removed = ctx.store.delete(def.storageKey, namespace, name);
  if (removed) ctx.afterCommit(def, 'DELETED', removed);
  return { code: 200, body: def.returnDeletedObject ? toExternal(def, existing) : deletedStatus(def, existing) };
}

function deletedStatus(def: ResourceDefinition, obj: KubeObject): unknown {
  const details = resourceDetails(groupResource(def), obj.metadata.name ?? '');
  if (obj.metadata.uid) details.uid = obj.metadata.uid;
  return successStatus(details);
}
