import { describe, expect, it } from 'vitest';
import { DependencyIndex, RecordingTracker, dependencyKey } from '../../src/controllers/dependency-index.js';

describe('DependencyIndex', () => {
  it('finds the objects that read a Secret, object or Kasm record, and forgets stale links', () => {
    const index = new DependencyIndex();
    const tracker = new RecordingTracker();
    tracker.connection = 'default';
    tracker.dependOnSecret('ns', 'pw');
    tracker.dependOnObject('KasmGroup', 'ns', 'devs');
    tracker.dependOnKasm('users', 'u1');
    index.set({ kind: 'KasmUser', key: 'ns/alice' }, tracker.keys);

    expect(index.lookup(dependencyKey.secret('ns', 'pw'))).toEqual([{ kind: 'KasmUser', key: 'ns/alice' }]);
    expect(index.lookup(dependencyKey.object('KasmGroup', 'ns', 'devs'))).toHaveLength(1);
    expect(index.lookup(dependencyKey.kasm('default', 'users', 'u1'))).toHaveLength(1);

    // The next reconcile no longer reads the group.
    const next = new RecordingTracker();
    next.dependOnSecret('ns', 'pw');
    index.set({ kind: 'KasmUser', key: 'ns/alice' }, next.keys);
    expect(index.lookup(dependencyKey.object('KasmGroup', 'ns', 'devs'))).toEqual([]);
    index.clear({ kind: 'KasmUser', key: 'ns/alice' });
    expect(index.lookup(dependencyKey.secret('ns', 'pw'))).toEqual([]);
  });

  it('records Kasm dependencies only once the connection is known', () => {
    const tracker = new RecordingTracker();
    tracker.dependOnKasm('users', 'u1');
    expect(tracker.keys).toHaveLength(0);
  });
});
