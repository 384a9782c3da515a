import { contentTypes, type KubeRequester } from '../runtime/kube-json-client.js';
import { objectPath, type KubeResource } from '../runtime/kube-resource.js';
import type { ManagedObject } from './managed-kind.js';
import type { MetadataWriter } from './managed-reconciler.js';
import { AheadOfCache } from '../runtime/ahead-of-cache.js';

/**
 * Finalizer and annotation changes as merge patches that carry the object's resourceVersion, so a
 * concurrent writer makes the patch fail with 409 (and the reconcile retries on fresh data)
 * instead of one write silently undoing the other.
 */
export class KubeMetadataWriter implements MetadataWriter {
  private writes = 0;
  constructor(
    private readonly client: KubeRequester,
    private readonly resource: KubeResource,
    /** What the kind's writers wrote ahead of the cache (see `latest`), shared with its status writer. */
    private readonly lastPatches: AheadOfCache = new AheadOfCache(),
    private readonly fieldManager = 'kasm-operator',
  ) {}

  /** Metadata patches made so far (the benchmark counts Kubernetes writes per object). */
  get count(): number {
    return this.writes;
  }

  async patchMetadata(
    obj: ManagedObject,
    change: { finalizers?: string[]; annotations?: Record<string, string | null> },
  ): Promise<ManagedObject> {
    const meta = obj.metadata ?? {};
    const body = {
      metadata: {
        // Finalizers replace a list, so they need the precondition; annotation keys merge safely without it.
        ...(change.finalizers ? { resourceVersion: meta.resourceVersion } : {}),
        ...(change.finalizers ? { finalizers: change.finalizers } : {}),
        ...(change.annotations ? { annotations: change.annotations } : {}),
      },
    };
    this.writes += 1;
    // An object being deleted is not patched again once its finalizer is gone: nothing to remember.
    const pending = meta.deletionTimestamp ? undefined : this.lastPatches.begin(obj, 'metadata');
    let reply: unknown;
    try {
      reply = await this.client.request({
        method: 'PATCH',
        path: objectPath(this.resource, meta.namespace, meta.name ?? ''),
        query: { fieldManager: this.fieldManager },
        contentType: contentTypes.mergePatch,
        body,
      });
    } catch (error) {
      pending?.failed();
      throw error;
    }
    const written = reply as ManagedObject;
    if (pending === undefined) this.lastPatches.forget(meta.namespace, meta.name ?? '');
    else {
      const { resourceVersion, finalizers, annotations } = written.metadata ?? {};
      pending.landed({ finalizers, annotations }, resourceVersion);
    }
    return written;
  }

  /**
   * A copy from the chain of the kind's last writes, as they left it: the last patch's finalizers
   * and annotations, and the newest version (the next patch's precondition). The status is the
   * status writer's to answer (knownStatus). Any other copy as it is.
   */
  latest(obj: ManagedObject): ManagedObject {
    const newest = this.lastPatches.newestVersion(obj);
    if (newest === undefined) return obj;
    const patched = this.lastPatches.over(obj, 'metadata');
    return { ...obj, metadata: { ...obj.metadata, ...patched, resourceVersion: newest } };
  }

  /** The cache now holds this version of the object (informer update events). */
  observe(obj: ManagedObject): void {
    this.lastPatches.observe(obj);
  }

  /** The object is gone (informer delete event). */
  forget(obj: ManagedObject): void {
    this.lastPatches.forget(obj.metadata.namespace, obj.metadata.name);
  }
}
