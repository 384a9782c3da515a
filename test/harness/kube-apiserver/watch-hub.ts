/**
 * The change log watches read from: per resource, the last `window` events (like kube-apiserver's watch
 * cache), and the live listeners. A watch that asks for a resourceVersion older than what is retained
 * gets 410 Expired, which is what makes informers relist.
 */
import type { KubeObject } from './kube-object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: WatchEventType;
  /** The object after the change (for DELETED: the last state, carrying the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED only); lets filtered watches see objects enter and leave. */
  previous?: KubeObject;
  resourceVersion: number;
}

export type EventListener = (event: StoredEvent) => void;

interface ResourceLog {
  events: StoredEvent[];
  /** resourceVersion of the newest event dropped from the window (0 when none was dropped). */
  evictedThrough: number;
  listeners: Set<EventListener>;
}

export class WatchHub {
  private readonly logs = new Map<string, ResourceLog>();

  constructor(private readonly window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new Error(`watchWindow must be a positive integer, got ${window}`);
    }
  }

  private log(storageKey: string): ResourceLog {
    let log = this.logs.get(storageKey);
    if (!log) {
      log = { events: [], evictedThrough: 0, listeners: new Set() };
      this.logs.set(storageKey, log);
    }
    return log;
  }

  publish(storageKey: string, event: StoredEvent): void {
    const log = this.log(storageKey);
    log.events.push(event);
    while (log.events.length > this.window) {
      const dropped = log.events.shift();
      if (dropped) log.evictedThrough = dropped.resourceVersion;
    }
    for (const listener of [...log.listeners]) listener(event);
  }

  /** Events after `resourceVersion`, or 'expired' when some of them are no longer retained. */
  eventsSince(storageKey: string, resourceVersion: number): StoredEvent[] | 'expired' {
    const log = this.log(storageKey);
    if (resourceVersion < log.evictedThrough) return 'expired';
    return log.events.filter((e) => e.resourceVersion > resourceVersion);
  }

  /** The oldest resourceVersion a watch of this resource can still start from. */
  oldestAvailable(storageKey: string): number {
    return this.log(storageKey).evictedThrough;
  }

  subscribe(storageKey: string, listener: EventListener): () => void {
    const log = this.log(storageKey);
    log.listeners.add(listener);
    return () => log.listeners.delete(listener);
  }

  /** Forgets a resource's history (its CRD was deleted); a later CRD of the same name starts afresh. */
  forget(storageKey: string): void {
    const log = this.logs.get(storageKey);
    if (log) {
      log.events = [];
    }
  }
}
