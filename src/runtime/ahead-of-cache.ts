import type { KubeObject } from './kube-object.js';
import { objectKey } from './resource-key.js';

/**
 * What a writer last wrote per object, for as long as the informer cache may still hand out the
 * version that write was based on (the write's own watch event not in yet). A reconcile given that
 * copy reads the written value instead, so it neither acts on stale data nor writes the same thing
 * again. The informer's events end it: a newer version in the cache (`observe`) or the object gone
 * (`forget`).
 */
export class AheadOfCache<V> {
  private readonly byKey = new Map<string, { basedOn: string; value: V }>();

  /** Remembers `value` as written over `basedOn`, the copy the write started from. */
  record(basedOn: KubeObject, value: V): void {
    const key = objectKey(basedOn.metadata.namespace, basedOn.metadata.name);
    const version = basedOn.metadata.resourceVersion;
    if (version === undefined) this.byKey.delete(key);
    else this.byKey.set(key, { basedOn: version, value });
  }

  /** The written value when `copy` is the version the write was based on; undefined for any other copy. */
  over(copy: KubeObject): V | undefined {
    const last = this.byKey.get(objectKey(copy.metadata.namespace, copy.metadata.name));
    return last !== undefined && last.basedOn === copy.metadata.resourceVersion ? last.value : undefined;
  }

  /** The cache now holds `copy` (informer add and update events): a write based on another version is behind it. */
  observe(copy: KubeObject): void {
    const key = objectKey(copy.metadata.namespace, copy.metadata.name);
    const last = this.byKey.get(key);
    if (last !== undefined && last.basedOn !== copy.metadata.resourceVersion) this.byKey.delete(key);
  }

  forget(namespace: string | undefined, name: string): void {
    this.byKey.delete(objectKey(namespace, name));
  }

  get size(): number {
    return this.byKey.size;
  }
}
