/**
 * Who depends on what: a reconcile records the Secrets, referenced objects and Kasm records an
 * object read, and a change to any of them requeues exactly the objects that read it. Each
 * reconcile replaces the object's previous set, so stale links vanish by themselves.
 */
export interface Dependent {
  kind: string;
  key: string;
}

/**
 * A dependency as a scope (`secret:<namespace>`, `obj:<kind>/<namespace>`,
 * `kasm:<connection>:<inventory>`) and a name in it. Split so that the index stores each scope
 * once and the name as the caller's own string, not one concatenated string per link.
 */
export interface DependencyKey {
  readonly scope: string;
  readonly name: string;
}

export const dependencyKey = {
  object: (kind: string, namespace: string, name: string): DependencyKey => ({ scope: `obj:${kind}/${namespace}`, name }),
  secret: (namespace: string, name: string): DependencyKey => ({ scope: `secret:${namespace}`, name }),
  kasm: (connection: string, inventory: string, idOrKey: string): DependencyKey => ({ scope: `kasm:${connection}:${inventory}`, name: idOrKey }),
};

/** One dependent and the links it read at its last reconcile. */
class Reader {
  constructor(
    readonly kind: string,
    readonly key: string,
    /** Flat pairs (scope, name), one array per dependent rather than an object per link. */
    public links: (Scope | string)[],
  ) {}
}

/**
 * The readers of one name: the reader itself when it is the only one (the usual case), a small
 * array for a few (a user and the membership that lists it), a Set past SMALL_READERS (a record that
 * many objects read), so that removing a reader stays cheap.
 */
type Readers = Reader | readonly Reader[] | Set<Reader>;

/** A Set costs about four times an array of two; arrays are scanned, so they stay short. */
const SMALL_READERS = 8;

function withReader(current: Readers | undefined, reader: Reader): Readers {
  if (current === undefined) return reader;
  if (current instanceof Reader) return [current, reader];
  if (current instanceof Set) return current.add(reader);
  // concat allocates exactly the length needed; push would leave spare capacity.
  return current.length < SMALL_READERS ? current.concat(reader) : new Set([...current, reader]);
}

function withoutReader(current: Readers, reader: Reader): Readers | undefined {
  if (current instanceof Reader) return current === reader ? undefined : current;
  if (current instanceof Set) {
    current.delete(reader);
    return current.size === 1 ? current.values().next().value : current;
  }
  const rest = current.filter((r) => r !== reader);
  return rest.length === 1 ? rest[0] : rest;
}

function readersOf(current: Readers): Reader[] {
  return current instanceof Reader ? [current] : [...current];
}

/** The readers of every name in one scope. */
class Scope {
  readonly readers = new Map<string, Readers>();
  constructor(readonly id: string) {}
}

/**
 * Kept compact, since it holds a few links per object (10,000 objects: tens of thousands of
 * links): nested maps keyed by scope then name, so no key string is built per link, and one
 * Reader object per dependent that the links point at.
 */
export class DependencyIndex {
  private readonly scopes = new Map<string, Scope>();
  /** Kind → object key → its reader. */
  private readonly readers = new Map<string, Map<string, Reader>>();

  /** Replaces what `dependent` depends on. */
  set(dependent: Dependent, keys: Iterable<DependencyKey>): void {
    const old = this.readers.get(dependent.kind)?.get(dependent.key);
    const next = uniqueKeys(keys);
    // Most reconciles read what the previous one read: nothing to change.
    if (old && sameLinks(old.links, next)) return;
    this.clear(dependent);
    if (next.length === 0) return;
    // Sized up front: an array grown by push keeps spare capacity (17 slots for the first push).
    const reader = new Reader(dependent.kind, dependent.key, new Array<Scope | string>(next.length * 2));
    for (const [i, k] of next.entries()) {
      const scope = this.scopeFor(k.scope);
      reader.links[2 * i] = scope;
      reader.links[2 * i + 1] = k.name;
      scope.readers.set(k.name, withReader(scope.readers.get(k.name), reader));
    }
    let ofKind = this.readers.get(dependent.kind);
    if (!ofKind) this.readers.set(dependent.kind, (ofKind = new Map<string, Reader>()));
    ofKind.set(dependent.key, reader);
  }

  clear(dependent: Dependent): void {
    const ofKind = this.readers.get(dependent.kind);
    const reader = ofKind?.get(dependent.key);
    if (!ofKind || !reader) return;
    for (let i = 0; i < reader.links.length; i += 2) {
      const scope = reader.links[i] as Scope;
      const name = reader.links[i + 1] as string;
      const current = scope.readers.get(name);
      if (current !== undefined) {
        const rest = withoutReader(current, reader);
        if (rest === undefined) scope.readers.delete(name);
        else if (rest !== current) scope.readers.set(name, rest);
      }
      if (scope.readers.size === 0) this.scopes.delete(scope.id);
    }
    ofKind.delete(dependent.key);
    if (ofKind.size === 0) this.readers.delete(dependent.kind);
  }

  /** The objects that read `key` at their last reconcile. */
  lookup(key: DependencyKey): Dependent[] {
    const current = this.scopes.get(key.scope)?.readers.get(key.name);
    if (current === undefined) return [];
    return readersOf(current).map((r) => ({ kind: r.kind, key: r.key }));
  }

  private scopeFor(id: string): Scope {
    let scope = this.scopes.get(id);
    if (!scope) this.scopes.set(id, (scope = new Scope(id)));
    return scope;
  }
}

/** `keys` without repeats, in first-read order (a reconcile may read the same record twice). */
function uniqueKeys(keys: Iterable<DependencyKey>): DependencyKey[] {
  const all = [...keys];
  // The usual reconcile reads a handful: a scan is cheaper than building sets.
  if (all.length <= 8) return all.filter((k, i) => all.findIndex((o) => o.scope === k.scope && o.name === k.name) === i);
  const seen = new Map<string, Set<string>>();
  const out: DependencyKey[] = [];
  for (const k of all) {
    let names = seen.get(k.scope);
    if (!names) seen.set(k.scope, (names = new Set()));
    if (names.has(k.name)) continue;
    names.add(k.name);
    out.push(k);
  }
  return out;
}

function sameLinks(links: readonly (Scope | string)[], next: readonly DependencyKey[]): boolean {
  if (links.length !== next.length * 2) return false;
  return next.every((k, i) => (links[2 * i] as Scope).id === k.scope && links[2 * i + 1] === k.name);
}

/** Collects what one reconcile read; the kind controller stores it in the index afterwards. */
export class RecordingTracker {
  readonly keys: DependencyKey[] = [];
  /** Set once the reconcile knows which Kasm connection the object uses. */
  connection: string | undefined;

  dependOnObject(kind: string, namespace: string, name: string): void {
    this.keys.push(dependencyKey.object(kind, namespace, name));
  }

  dependOnSecret(namespace: string, name: string): void {
    this.keys.push(dependencyKey.secret(namespace, name));
  }

  dependOnKasm(inventory: string, idOrKey: string): void {
    if (this.connection !== undefined) this.keys.push(dependencyKey.kasm(this.connection, inventory, idOrKey));
  }
}
