/**
 * The garbage collector, run in-process after changes: dependents whose owners (by ownerReferences uid)
 * are all gone are deleted in the background; an owner deleted with propagationPolicy Orphan has its
 * references removed from dependents, one deleted with Foreground waits until its dependents are gone.
 * Owners of kinds this server does not serve are never judged absent.
 */
import type { ApiContext } from './api-context.js';
import { deleteObject, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './delete-flow.js';
import type { KubeObject, OwnerReference } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';
import { systemUpdate } from './write-pipeline.js';

type OwnerState = 'present' | 'absent' | 'deleting-foreground' | 'unknown';

interface Entry {
  def: ResourceDefinition;
  obj: KubeObject;
}

function allObjects(ctx: ApiContext): Entry[] {
  return ctx.registry.storageDefinitions().flatMap((def) => ctx.store.list(def.storageKey).map((obj) => ({ def, obj })));
}

function ownerDefinition(ctx: ApiContext, ref: OwnerReference): ResourceDefinition | undefined {
  const exact = ctx.registry.findByKind(ref.apiVersion, ref.kind);
  if (exact) return exact;
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return ctx.registry.all().find((d) => d.group === group && d.kind === ref.kind);
}

function ownerState(ctx: ApiContext, ref: OwnerReference, dependentNamespace: string | undefined): OwnerState {
  const def = ownerDefinition(ctx, ref);
  if (!def) return 'unknown';
  if (def.namespaced && dependentNamespace === undefined) return 'unknown';
  const owner = ctx.store.get(def.storageKey, def.namespaced ? dependentNamespace : undefined, ref.name);
  if (!owner || owner.metadata.uid !== ref.uid) return 'absent';
  if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) {
    return 'deleting-foreground';
  }
  return 'present';
}

function dependentsOf(entries: Entry[], uid: string | undefined): Entry[] {
  if (!uid) return [];
  return entries.filter((e) => (e.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
}

function removeFinalizer(ctx: ApiContext, e: Entry, finalizer: string): void {
  systemUpdate(ctx, e.def, e.obj, (o) => {
    const rest = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (rest.length > 0) o.metadata.finalizers = rest;
    else delete o.metadata.finalizers;
  });
}

/** One pass; returns whether it changed anything. */
export function collectGarbage(ctx: ApiContext): boolean {
  let changed = false;
  const entries = allObjects(ctx);
  for (const e of entries) {
    const refs = e.obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || e.obj.metadata.deletionTimestamp) continue;
    const states = refs.map((r) => ownerState(ctx, r, e.obj.metadata.namespace));
    if (states.every((s) => s === 'absent' || s === 'deleting-foreground')) {
      try {
        deleteObject(ctx, e.def, e.obj.metadata.namespace, e.obj.metadata.name ?? '', { dryRun: false, propagationPolicy: 'Background' });
        changed = true;
      } catch {
        // Gone meanwhile: nothing to collect.
      }
    }
  }
  for (const e of allObjects(ctx)) {
    if (!e.obj.metadata.deletionTimestamp) continue;
    const finalizers = e.obj.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      const uid = e.obj.metadata.uid;
      for (const d of dependentsOf(allObjects(ctx), uid)) {
        systemUpdate(ctx, d.def, d.obj, (o) => {
          const rest = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (rest.length > 0) o.metadata.ownerReferences = rest;
          else delete o.metadata.ownerReferences;
        });
      }
      removeFinalizer(ctx, e, ORPHAN_FINALIZER);
      changed = true;
    } else if (finalizers.includes(FOREGROUND_FINALIZER) && dependentsOf(allObjects(ctx), e.obj.metadata.uid).length === 0) {
      removeFinalizer(ctx, e, FOREGROUND_FINALIZER);
      changed = true;
    }
  }
  return changed;
}
