/**
 * Where objects live: one Map per resource (keyed namespace/name) and one global resourceVersion counter
 * as etcd has. Every change is published to the watch hub with the
 * resourceVersion it was stored at.
 */
import { cloneJson, objectKey, type KubeObject } from './kube-object.js';
import type { WatchHub } from './watch-hub.js';

export class ObjectStore {
  private revision = 0;
  private readonly tables = new Map<string, Map<string, KubeObject>>();

  constructor(private readonly hub: WatchHub) {}

  currentRevision(): number {
    return this.revision;
  }

  private table(storageKey: string): Map<string, KubeObject> {
    let t = this.tables.get(storageKey);
    if (!t) {
      t = new Map();
      this.tables.set(storageKey, t);
    }
    return t;
  }

  /** The stored object (treat as read-only; callers clone before changing it). */
  get(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.tables.get(storageKey)?.get(objectKey(namespace, name));
  }

  /** Objects in key order (namespace, then name), as etcd lists them. */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const t = this.tables.get(storageKey);
    if (!t) return [];
    const entries = [...t.entries()].filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([, o]) => o);
  }

  private bump(obj: KubeObject): number {
    this.revision += 1;
    obj.metadata.resourceVersion = String(this.revision);
    return this.revision;
  }

  create(storageKey: string, input: KubeObject): KubeObject {
    const obj = cloneJson(input);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const rv = this.bump(obj);
    this.table(storageKey).set(key, obj);
    this.hub.publish(storageKey, { type: 'ADDED', object: obj, resourceVersion: rv });
    return obj;
  }

  update(storageKey: string, input: KubeObject): KubeObject {
    const obj = cloneJson(input);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const table = this.table(storageKey);
    const previous = table.get(key);
    const rv = this.bump(obj);
    table.set(key, obj);
    const event = previous
      ? { type: 'MODIFIED' as const, object: obj, previous, resourceVersion: rv }
      : { type: 'ADDED' as const, object: obj, resourceVersion: rv };
    this.hub.publish(storageKey, event);
    return obj;
  }

  /** Removes the object; the DELETED event carries its last state at the deletion's resourceVersion. */
  delete(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const table = this.tables.get(storageKey);
    const existing = table?.get(key);
    if (!table || !existing) return undefined;
    table.delete(key);
    const last = cloneJson(existing);
    const rv = this.bump(last);
    this.hub.publish(storageKey, { type: 'DELETED', object: last, resourceVersion: rv });
    return existing;
  }
}
