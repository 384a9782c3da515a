import { describe, expect, it } from 'vitest';
import { DependencyIndex, dependencyKey } from '../../src/controllers/dependency-index.js';

const secret = dependencyKey.secret('ns', 'shared');
const group = dependencyKey.object('KasmGroup', 'ns', 'devs');

describe('DependencyIndex with keys read by several objects', () => {
  it('keeps every reader of a key, and each one after the others are cleared', () => {
    const index = new DependencyIndex();
    index.set({ kind: 'KasmUser', key: 'ns/a' }, [secret, group]);
    index.set({ kind: 'KasmUser', key: 'ns/b' }, [secret]);
    index.set({ kind: 'KasmGroupMembership', key: 'ns/m' }, [group, secret]);
    expect(index.lookup(secret)).toEqual([
      { kind: 'KasmUser', key: 'ns/a' },
      { kind: 'KasmUser', key: 'ns/b' },
      { kind: 'KasmGroupMembership', key: 'ns/m' },
    ]);

    index.clear({ kind: 'KasmUser', key: 'ns/a' });
    expect(index.lookup(secret)).toEqual([
      { kind: 'KasmUser', key: 'ns/b' },
      { kind: 'KasmGroupMembership', key: 'ns/m' },
    ]);
    expect(index.lookup(group)).toEqual([{ kind: 'KasmGroupMembership', key: 'ns/m' }]);

    index.set({ kind: 'KasmGroupMembership', key: 'ns/m' }, [group]);
    expect(index.lookup(secret)).toEqual([{ kind: 'KasmUser', key: 'ns/b' }]);
    index.clear({ kind: 'KasmUser', key: 'ns/b' });
    expect(index.lookup(secret)).toEqual([]);
  });

  it('a reconcile that reads what the last one read changes nothing; one that reads a key twice counts it once', () => {
    const index = new DependencyIndex();
    index.set({ kind: 'KasmUser', key: 'ns/a' }, [secret, group, secret]);
    index.set({ kind: 'KasmUser', key: 'ns/a' }, [secret, group]);
    expect(index.lookup(secret)).toEqual([{ kind: 'KasmUser', key: 'ns/a' }]);
    index.set({ kind: 'KasmUser', key: 'ns/a' }, []);
    expect(index.lookup(secret)).toEqual([]);
    expect(index.lookup(group)).toEqual([]);
  });

  it('keeps readers in order as their number grows past a handful and falls again', () => {
    const index = new DependencyIndex();
    const users = Array.from({ length: 20 }, (_, i) => ({ kind: 'KasmUser', key: `ns/u${i}` }));
    for (const u of users) index.set(u, [secret]);
    expect(index.lookup(secret)).toEqual(users);
    // Every other reader goes: from 20 down to 10, then to 1.
    for (const u of users.filter((_, i) => i % 2 === 1)) index.clear(u);
    expect(index.lookup(secret)).toEqual(users.filter((_, i) => i % 2 === 0));
    for (const u of users.filter((_, i) => i % 2 === 0 && i > 0)) index.clear(u);
    expect(index.lookup(secret)).toEqual([users[0]]);
    // From one reader back up through the short list.
    for (const u of users.slice(1, 5)) index.set(u, [secret]);
    index.clear(users[2]!);
    expect(index.lookup(secret)).toEqual([users[0], users[1], users[3], users[4]]);
  });
});
