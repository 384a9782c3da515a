import { describe, expect, it } from 'vitest';
import { DependencyIndex, dependencyKey } from '../../src/controllers/dependency-index.js';

describe('DependencyIndex links', () => {
  it('keeps dependents of different kinds with the same object key apart', () => {
    const index = new DependencyIndex();
    const secret = dependencyKey.secret('ns', 'pw');
    index.set({ kind: 'KasmUser', key: 'ns/a' }, [secret]);
    index.set({ kind: 'KasmGroup', key: 'ns/a' }, [secret]);
    index.clear({ kind: 'KasmUser', key: 'ns/a' });
    expect(index.lookup(secret)).toEqual([{ kind: 'KasmGroup', key: 'ns/a' }]);
  });

  it('tells keys apart by scope and name, not by their joined text', () => {
    const index = new DependencyIndex();
    index.set({ kind: 'KasmUser', key: 'ns/a' }, [dependencyKey.object('KasmGroup', 'ns', 'devs')]);
    expect(index.lookup(dependencyKey.object('KasmGroup', 'ns', 'devs'))).toHaveLength(1);
    expect(index.lookup(dependencyKey.object('KasmGroup', 'other', 'devs'))).toEqual([]);
    expect(index.lookup(dependencyKey.secret('ns', 'devs'))).toEqual([]);
    expect(index.lookup(dependencyKey.kasm('default', 'users', 'devs'))).toEqual([]);
  });

  it('counts a key once in a long read list (a membership reading many users)', () => {
    const index = new DependencyIndex();
    const ids = Array.from({ length: 20 }, (_, i) => `u${i % 10}`);
    index.set({ kind: 'KasmGroupMembership', key: 'ns/m' }, ids.map((id) => dependencyKey.kasm('default', 'users', id)));
    // The same ten users in the other order is a change of order only: each is still found once.
    index.set({ kind: 'KasmGroupMembership', key: 'ns/m' }, ids.reverse().map((id) => dependencyKey.kasm('default', 'users', id)));
    for (let i = 0; i < 10; i++) expect(index.lookup(dependencyKey.kasm('default', 'users', `u${i}`))).toEqual([{ kind: 'KasmGroupMembership', key: 'ns/m' }]);
    index.clear({ kind: 'KasmGroupMembership', key: 'ns/m' });
    expect(index.lookup(dependencyKey.kasm('default', 'users', 'u3'))).toEqual([]);
  });

  it('links a key again after every reader of its scope was cleared', () => {
    const index = new DependencyIndex();
    const key = dependencyKey.kasm('default', 'users', 'u1');
    index.set({ kind: 'KasmUser', key: 'ns/a' }, [key]);
    index.clear({ kind: 'KasmUser', key: 'ns/a' });
    index.clear({ kind: 'KasmUser', key: 'ns/a' });
    index.set({ kind: 'KasmUser', key: 'ns/b' }, [dependencyKey.kasm('default', 'users', 'u1')]);
    expect(index.lookup(key)).toEqual([{ kind: 'KasmUser', key: 'ns/b' }]);
  });
});
