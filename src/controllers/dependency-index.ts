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

/**
 * Kept compact, since it holds a few links per object (10,000 objects: tens of thousands of
 * links): a dependent is one string `kind|key`, a link one Map entry each way, and a key read by
 * one dependent (the usual case) holds that string rather than a Set.
 */
export class DependencyIndex {
  /** Dependency key → the dependent (`kind|key`), or a Set of them once several read it. */
  private readonly dependents = new Map<string, string | Set<string>>();
  /** Dependent → the keys it read at its last reconcile. */
  private readonly byDependent = new Map<string, readonly string[]>();

  /** Replaces what `dependent` depends on. */
  set(dependent: Dependent, keys: Iterable<string>): void {
    const id = `${dependent.kind}|${dependent.key}`;
    const next = [...new Set(keys)];
    const old = this.byDependent.get(id);
    // Most reconciles read what the previous one read: nothing to change.
    if (old && old.length === next.length && old.every((k, i) => k === next[i])) return;
    this.clear(dependent);
    if (next.length === 0) return;
    this.byDependent.set(id, next);
    for (const k of next) {
      const current = this.dependents.get(k);
      if (current === undefined) this.dependents.set(k, id);
      else if (typeof current === 'string') {
        if (current !== id) this.dependents.set(k, new Set([current, id]));
      } else current.add(id);
    }
  }

  clear(dependent: Dependent): void {
    const id = `${dependent.kind}|${dependent.key}`;
    const old = this.byDependent.get(id);
    if (!old) return;
    for (const k of old) {
      const current = this.dependents.get(k);
      if (current === undefined) continue;
      if (typeof current === 'string') {
        if (current === id) this.dependents.delete(k);
        continue;
      }
      current.delete(id);
      if (current.size === 1) this.dependents.set(k, current.values().next().value as string);
      else if (current.size === 0) this.dependents.delete(k);
    }
    this.byDependent.delete(id);
  }

  /** The objects that read `key` at their last reconcile. */
  lookup(key: string): Dependent[] {
    const current = this.dependents.get(key);
    if (current === undefined) return [];
    return (typeof current === 'string' ? [current] : [...current]).map(parseDependent);
  }
}

function parseDependent(id: string): Dependent {
  const at = id.indexOf('|');
  return { kind: id.slice(0, at), key: id.slice(at + 1) };
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
