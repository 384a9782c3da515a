/**
 * The namespace controller: a namespace with a deletionTimestamp has all its objects deleted; once none
 * is left (finalizers may hold some), its spec.finalizers are cleared and the namespace goes away.
 */
import type { ApiContext } from './api-context.js';
import { deleteObject } from './delete-flow.js';
import { isJsonObject } from './kube-object.js';
import { systemUpdate } from './write-pipeline.js';

export function finalizeNamespaces(ctx: ApiContext): boolean {
  const nsDef = ctx.registry.namespaces;
  let changed = false;
  for (const ns of ctx.store.list(nsDef.storageKey)) {
    if (!ns.metadata.deletionTimestamp) continue;
    const name = ns.metadata.name ?? '';
    const namespaced = ctx.registry.storageDefinitions().filter((d) => d.namespaced);
    for (const def of namespaced) {
      for (const obj of ctx.store.list(def.storageKey, name)) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          deleteObject(ctx, def, name, obj.metadata.name ?? '', { dryRun: false, propagationPolicy: 'Background' });
          changed = true;
        } catch {
          // Already gone.
        }
      }
    }
    const remaining = namespaced.reduce((n, def) => n + ctx.store.list(def.storageKey, name).length, 0);
    const spec = isJsonObject(ns.spec) ? ns.spec : {};
    if (remaining === 0 && Array.isArray(spec.finalizers) && spec.finalizers.length > 0) {
      systemUpdate(ctx, nsDef, ns, (o) => {
        o.spec = { ...(isJsonObject(o.spec) ? o.spec : {}), finalizers: [] };
      });
      changed = true;
    }
  }
  return changed;
}
