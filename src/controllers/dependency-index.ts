/**
 * Who depends on what: a reconcile records the Secrets, referenced objects and Kasm records an
 * object read, and a change to any of them requeues exactly the objects that read it. Each
 * reconcile replaces the object's previous set, so stale links vanish by themselves.
 */
export interface Dependent {
  kind: string;
  key: string;
}

export const dependencyKey = {
  object: (kind: string, namespace: string, name: string): string => `obj:${kind}/${namespace}/${name}`,
  secret: (namespace: string, name: string): string => `secret:${namespace}/${name}`,
  kasm: (connection: string, inventory: string, idOrKey: string): string => `kasm:${connection}:${inventory}:${idOrKey}`,
};

export class DependencyIndex {
  private readonly dependents = new Map<string, Map<string, Dependent>>();
  private readonly byDependent = new Map<string, Set<string>>();

  /** Replaces what `dependent` depends on. */
  set(dependent: Dependent, keys: Iterable<string>): void {
    const id = `${dependent.kind}|${dependent.key}`;
    this.clear(dependent);
    const set = new Set(keys);
    if (set.size === 0) return;
    this.byDependent.set(id, set);
    for (const k of set) {
      let m = this.dependents.get(k);
      if (!m) this.dependents.set(k, (m = new Map<string, Dependent>()));
      m.set(id, dependent);
    }
  }

  clear(dependent: Dependent): void {
    const id = `${dependent.kind}|${dependent.key}`;
    const old = this.byDependent.get(id);
    if (!old) return;
    for (const k of old) {
      const m = this.dependents.get(k);
      m?.delete(id);
      if (m?.size === 0) this.dependents.delete(k);
    }
    this.byDependent.delete(id);
  }

  /** The objects that read `key` at their last reconcile. */
  lookup(key: string): Dependent[] {
    const m = this.dependents.get(key);
    return m ? [...m.values()] : [];
  }
}

/** Collects what one reconcile read; the kind controller stores it in the index afterwards. */
export class RecordingTracker {
  readonly keys = new Set<string>();
  /** Set once the reconcile knows which Kasm connection the object uses. */
  connection: string | undefined;

  dependOnObject(kind: string, namespace: string, name: string): void {
    this.keys.add(dependencyKey.object(kind, namespace, name));
  }

  dependOnSecret(namespace: string, name: string): void {
    this.keys.add(dependencyKey.secret(namespace, name));
  }

  dependOnKasm(inventory: string, idOrKey: string): void {
    if (this.connection !== undefined) this.keys.add(dependencyKey.kasm(this.connection, inventory, idOrKey));
  }
}
