import type { KubeObject } from './kube-object.js';
import { objectKey } from './resource-key.js';

/** What the writers of one kind write: the status, and the finalizers and annotations. */
export interface WrittenParts {
  status: Record<string, unknown>;
  metadata: { finalizers?: string[] | undefined; annotations?: Record<string, string> | undefined };
}
export type WrittenPart = keyof WrittenParts;

/** One write in flight, from the request until its reply (see AheadOfCache.begin). */
export interface PendingWrite<V> {
  /** The write landed, left `value` and made the object `writtenVersion`: remembered, unless the cache has already moved past it. */
  landed(value: V, writtenVersion: string | undefined): void;
  /** The write failed, or its outcome is unknown: nothing is remembered of it (earlier writes of the chain stay). */
  failed(): void;
}

interface Chain {
  /** The versions the object passed through by these writes, oldest first: the base of the first write, then each reply's. */
  versions: string[];
  /** The write between its request and its reply, if any (only the latest begun counts). */
  inFlight: object | undefined;
  parts: Partial<WrittenParts>;
}

/**
 * What the writers of one kind (status, metadata) wrote per object, for as long as the informer
 * cache may still hand out a version older than the last write. A reconcile given such a copy reads
 * what was written instead, so it neither acts on stale data (a create mark it cannot see, an id
 * it does not know) nor writes the same thing again.
 *
 * A create writes three times in a row (finalizer and create mark, status, id), each write based on
 * the previous reply; the memory is one chain per object, shared by both writers, holding every
 * version the chain passed through. A copy at any of those versions is answered with the parts
 * written and the newest version (for the next precondition). The informer's events end it: a
 * version outside the chain, or the newest with no write in flight (the cache caught up), or the
 * object gone.
 *
 * A write is registered before its request is sent (`begin`), because the watch event of a write
 * can arrive before the write's own reply: remembered only after the reply, such a write would be
 * kept for good, since the event that should have ended it has already passed.
 */
export class AheadOfCache {
  private readonly byKey = new Map<string, Chain>();

  /** Registers a write of `part` over `basedOn`, the copy it starts from; call before sending the request. */
  begin<P extends WrittenPart>(basedOn: KubeObject, part: P): PendingWrite<WrittenParts[P]> {
    const key = objectKey(basedOn.metadata.namespace, basedOn.metadata.name);
    const version = basedOn.metadata.resourceVersion;
    if (version === undefined) {
      this.byKey.delete(key);
      return { landed: () => undefined, failed: () => undefined };
    }
    let chain = this.byKey.get(key);
    if (chain === undefined || !chain.versions.includes(version)) {
      chain = { versions: [version], inFlight: undefined, parts: {} };
      this.byKey.set(key, chain);
    }
    const current = chain;
    const write = {};
    current.inFlight = write;
    // Gone from the map: the cache moved past the chain (or the object was deleted) before the reply.
    // Superseded: a later write began meanwhile, and its reply is the one that counts.
    const stillCurrent = (): boolean => this.byKey.get(key) === current && current.inFlight === write;
    return {
      landed: (value, writtenVersion) => {
        if (!stillCurrent()) return;
        current.inFlight = undefined;
        current.parts[part] = value;
        if (writtenVersion !== undefined && !current.versions.includes(writtenVersion)) current.versions.push(writtenVersion);
      },
      failed: () => {
        if (!stillCurrent()) return;
        current.inFlight = undefined;
        if (current.parts.status === undefined && current.parts.metadata === undefined) this.byKey.delete(key);
      },
    };
  }

  /** What was written of `part` when `copy` is a version of the chain; undefined otherwise. */
  over<P extends WrittenPart>(copy: KubeObject, part: P): WrittenParts[P] | undefined {
    const chain = this.chainOf(copy);
    return chain?.parts[part];
  }

  /** The version the last write left, when `copy` is a version of the chain; undefined otherwise. */
  newestVersion(copy: KubeObject): string | undefined {
    return this.chainOf(copy)?.versions.at(-1);
  }

  /** The cache now holds `copy` (informer update events). */
  observe(copy: KubeObject): void {
    const key = objectKey(copy.metadata.namespace, copy.metadata.name);
    const chain = this.byKey.get(key);
    if (chain === undefined) return;
    const version = copy.metadata.resourceVersion ?? '';
    const caughtUp = version === chain.versions.at(-1) && chain.inFlight === undefined;
    if (caughtUp || !chain.versions.includes(version)) this.byKey.delete(key);
  }

  forget(namespace: string | undefined, name: string): void {
    this.byKey.delete(objectKey(namespace, name));
  }

  get size(): number {
    return this.byKey.size;
  }

  private chainOf(copy: KubeObject): Chain | undefined {
    const chain = this.byKey.get(objectKey(copy.metadata.namespace, copy.metadata.name));
    const version = copy.metadata.resourceVersion;
    return version !== undefined && chain?.versions.includes(version) === true ? chain : undefined;
  }
}
