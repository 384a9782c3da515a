/**
 * What apiextensions' controllers do for CRDs: serve the versions of a CRD as soon as it is stored,
 * mark it NamesAccepted and Established, and on deletion remove all its custom resources before
 * releasing the cleanup finalizer and taking the resources off the API.
 */
import type { ApiContext } from './api-context.js';
import { CRD_CLEANUP_FINALIZER, CRD_STORAGE_KEY, establishedStatus } from './crd-resource.js';
import { customResourceDefinitions } from './custom-resources.js';
import { deleteObject } from './delete-flow.js';
import { jsonEqual, type KubeObject } from './kube-object.js';
import type { WatchEventType } from './watch-hub.js';
import { systemUpdate } from './write-pipeline.js';

export class CrdController {
  constructor(
    private readonly ctx: ApiContext,
    private readonly onResourceRemoved: (storageKey: string) => void,
  ) {}

  /** Reacts to a committed CRD change. */
  sync(type: WatchEventType, crd: KubeObject): void {
    const name = crd.metadata.name ?? '';
    if (type === 'DELETED') {
      const keys = new Set(this.ctx.registry.customDefinitions(name).map((d) => d.storageKey));
      this.ctx.registry.removeCustom(name);
      for (const key of keys) {
        this.ctx.hub.forget(key);
        this.onResourceRemoved(key);
      }
      return;
    }
    this.ctx.registry.setCustom(name, customResourceDefinitions(crd));
    if (crd.metadata.deletionTimestamp) return;
    const status = establishedStatus(crd);
    if (!jsonEqual(status, crd.status)) {
      systemUpdate(this.ctx, this.ctx.registry.crds, crd, (o) => {
        o.status = status;
      });
    }
  }

  /** Deletes the instances of terminating CRDs, then lets each CRD go. Returns whether it changed anything. */
  cleanup(): boolean {
    let changed = false;
    for (const crd of this.ctx.store.list(CRD_STORAGE_KEY)) {
      if (!crd.metadata.deletionTimestamp || !(crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) continue;
      const name = crd.metadata.name ?? '';
      const def = this.ctx.registry.customDefinitions(name)[0];
      const instances = def ? this.ctx.store.list(def.storageKey) : [];
      for (const obj of instances) {
        if (!def || obj.metadata.deletionTimestamp) continue;
        try {
          deleteObject(this.ctx, def, obj.metadata.namespace, obj.metadata.name ?? '', { dryRun: false, propagationPolicy: 'Background' });
          changed = true;
        } catch {
          // Already gone.
        }
      }
      if (!def || this.ctx.store.list(def.storageKey).length === 0) {
        systemUpdate(this.ctx, this.ctx.registry.crds, crd, (o) => {
          const rest = (o.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
          if (rest.length > 0) o.metadata.finalizers = rest;
          else delete o.metadata.finalizers;
        });
        changed = true;
      }
    }
    return changed;
  }
}
