import type { KubeObject } from './kube-object.js';
import { objectKey } from './resource-key.js';

/** One write in flight, from the request until its reply (see AheadOfCache.begin). */
export interface PendingWrite<V> {
  /** The write landed and left `value`: remembered, unless the cache has already moved past its base. */
  landed(value: V): void;
  /** The write failed, or its outcome is unknown: nothing is remembered of it (an earlier landed write over the same base stays). */
  failed(): void;
}

interface Entry<V> {
  basedOn: string;
  landed: boolean;
  value: V | undefined;
}

/**
 * What a writer last wrote per object, for as long as the informer cache may still hand out the
 * version that write was based on (the write's own watch event not in yet). A reconcile given that
 * copy reads the written value instead, so it neither acts on stale data nor writes the same thing
 * again. The informer's events end it: a newer version in the cache (`observe`) or the object gone
 * (`forget`).
 *
 * A write is registered before its request is sent (`begin`), because the watch event of a write
 * can arrive before the write's own reply: remembered only after the reply, such a write would be
 * kept for good, since the event that should have ended it has already passed. At 10,000 objects
 * that was a second copy of most statuses, never released.
 */
export class AheadOfCache<V> {
  private readonly byKey = new Map<string, Entry<V>>();

  /** Registers a write over `basedOn`, the copy it starts from; call before sending the request. */
  begin(basedOn: KubeObject): PendingWrite<V> {
    const key = objectKey(basedOn.metadata.namespace, basedOn.metadata.name);
    const version = basedOn.metadata.resourceVersion;
    if (version === undefined) {
      this.byKey.delete(key);
      return { landed: () => undefined, failed: () => undefined };
    }
    const previous = this.byKey.get(key);
    const entry: Entry<V> = { basedOn: version, landed: false, value: undefined };
    this.byKey.set(key, entry);
    return {
      landed: (value) => {
        // Gone from the map: the cache moved past the base (or the object was deleted) before the reply.
        if (this.byKey.get(key) !== entry) return;
        entry.landed = true;
        entry.value = value;
      },
      failed: () => {
        if (this.byKey.get(key) !== entry) return;
        // An earlier write over the same base still stands.
        if (previous?.landed === true && previous.basedOn === version) this.byKey.set(key, previous);
        else this.byKey.delete(key);
      },
    };
  }

  /** The written value when `copy` is the version the write was based on; undefined for any other copy. */
  over(copy: KubeObject): V | undefined {
    const last = this.byKey.get(objectKey(copy.metadata.namespace, copy.metadata.name));
    return last?.landed === true && last.basedOn === copy.metadata.resourceVersion ? last.value : undefined;
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
