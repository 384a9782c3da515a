import { contentTypes, type KubeRequester } from '../runtime/kube-json-client.js';
import { objectPath, type KubeResource } from '../runtime/kube-resource.js';
import type { ManagedObject } from './managed-kind.js';
import type { MetadataWriter } from './managed-reconciler.js';

/**
 * Finalizer and annotation changes as merge patches that carry the object's resourceVersion, so a
 * concurrent writer makes the patch fail with 409 (and the reconcile retries on fresh data)
 * instead of one write silently undoing the other.
 */
export class KubeMetadataWriter implements MetadataWriter {
  private writes = 0;
  /**
   * Per object, the metadata of its last patch and the resourceVersion that patch was based on. The
   * informer may hand the next reconcile the copy from before the patch (the patch's own watch
   * event not in yet); `latest` then lays the patched metadata over it, so the reconcile does not
   * patch the same annotations again. Forgotten once the cache has moved past that copy (`observe`)
   * or the object is gone (`forget`).
   */
  private readonly lastPatches = new Map<
    string,
    { basedOn: string; resourceVersion: string | undefined; finalizers: string[] | undefined; annotations: Record<string, string> | undefined }
  >();

  constructor(
    private readonly client: KubeRequester,
    private readonly resource: KubeResource,
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
    const reply = await this.client.request({
      method: 'PATCH',
      path: objectPath(this.resource, meta.namespace, meta.name ?? ''),
      query: { fieldManager: this.fieldManager },
      contentType: contentTypes.mergePatch,
      body,
    });
    const written = reply as ManagedObject;
    const key = objectKey(meta);
    if (meta.resourceVersion !== undefined && !meta.deletionTimestamp) {
      this.lastPatches.set(key, {
        basedOn: meta.resourceVersion,
        resourceVersion: written.metadata?.resourceVersion,
        finalizers: written.metadata?.finalizers,
        annotations: written.metadata?.annotations,
      });
    } else {
      this.lastPatches.delete(key);
    }
    return written;
  }

  /**
   * The copy the last patch was based on, with that patch's metadata and resourceVersion (the patch
   * changed nothing else, so this is the object as the patch left it); any other copy as it is.
   */
  latest(obj: ManagedObject): ManagedObject {
    const meta = obj.metadata ?? {};
    const last = this.lastPatches.get(objectKey(meta));
    if (last === undefined || last.basedOn !== meta.resourceVersion) return obj;
    return { ...obj, metadata: { ...meta, resourceVersion: last.resourceVersion, finalizers: last.finalizers, annotations: last.annotations } };
  }

  /** The cache now holds this version of the object (informer add and update events). */
  observe(obj: ManagedObject): void {
    const key = objectKey(obj.metadata ?? {});
    const last = this.lastPatches.get(key);
    if (last !== undefined && last.basedOn !== obj.metadata?.resourceVersion) this.lastPatches.delete(key);
  }

  /** The object is gone (informer delete event). */
  forget(obj: ManagedObject): void {
    this.lastPatches.delete(objectKey(obj.metadata ?? {}));
  }
}

const objectKey = (meta: { namespace?: string; name?: string; uid?: string }): string => `${meta.namespace ?? ''}/${meta.name ?? ''}/${meta.uid ?? ''}`;
