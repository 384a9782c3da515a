/**
 * The state every request handler shares: served resources, objects, and the hook that lets controllers
 * (CRD establishment, garbage collection, namespace cleanup) react to committed changes.
 */
import type { KubeObject } from './kube-object.js';
import type { ObjectStore } from './object-store.js';
import { apiVersionOf, type ResourceDefinition } from './resource-definition.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { WatchEventType, WatchHub } from './watch-hub.js';

export interface ApiContext {
  registry: ResourceRegistry;
  store: ObjectStore;
  hub: WatchHub;
  /** Called after every committed change, with the stored (storage-form) object. */
  afterCommit(def: ResourceDefinition, type: WatchEventType, stored: KubeObject): void;
}

/** A stored object as this version of the resource shows it (apiVersion, kind, metadata first). */
export function toExternal(def: ResourceDefinition, stored: KubeObject): KubeObject {
  const converted = def.fromStorage ? def.fromStorage(stored) : stored;
  const { apiVersion: _a, kind: _k, metadata, ...rest } = converted;
  return { apiVersion: apiVersionOf(def), kind: def.kind, metadata, ...rest };
}

/** An object of this version in the form its store keeps. */
export function toStorage(def: ResourceDefinition, external: KubeObject): KubeObject {
  return def.toStorage ? def.toStorage(external) : external;
}
