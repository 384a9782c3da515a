import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createInformer, Informer, InvalidInformerOptionsError, MultiNamespaceInformer } from '../../../src/runtime/informer.js';
import { KubeJsonClient } from '../../../src/runtime/kube-json-client.js';
import { coreResources } from '../../../src/runtime/kube-resource.js';
import { InvalidLeaderElectionOptionsError, LeaderElector } from '../../../src/runtime/leader-election.js';
import { FakeRequester } from './fake-requester.js';

function client(): KubeJsonClient {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser({ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }, { name: 'u' });
  return new KubeJsonClient(kc);
}

describe('LeaderElector options', () => {
  const base = { client: new FakeRequester(), namespace: 'ops', name: 'kasm-operator', identity: 'pod-a' };

  it('accepts the defaults', () => {
    const e = new LeaderElector(base);
    expect(e.isLeader()).toBe(false);
    expect(e.currentLeader).toBeUndefined();
  });

  it('requires lease > renew deadline > retry period, naming the field', () => {
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 5_000, renewDeadlineMs: 5_000 })).toThrow(/leaseDurationMs/);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 1_000, retryPeriodMs: 2_000 })).toThrow(/renewDeadlineMs/);
    expect(() => new LeaderElector({ ...base, retryPeriodMs: 0 })).toThrow(InvalidLeaderElectionOptionsError);
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity/);
    expect(() => new LeaderElector({ ...base, namespace: '' })).toThrow(/namespace/);
  });
});

describe('Informer options', () => {
  it('rejects a blank namespace and bad numbers', () => {
    expect(() => new Informer({ client: client(), resource: coreResources.configMaps, namespace: ' ' })).toThrow(InvalidInformerOptionsError);
    expect(() => new Informer({ client: client(), resource: coreResources.configMaps, watchdogMs: 0 })).toThrow(/watchdogMs/);
    expect(() => new Informer({ client: client(), resource: coreResources.configMaps, pageSize: 1.5 })).toThrow(/pageSize/);
    expect(() => new MultiNamespaceInformer({ client: client(), resource: coreResources.configMaps, namespaces: [] })).toThrow(/namespaces/);
  });

  it('picks a single or multi-namespace informer', () => {
    expect(createInformer({ client: client(), resource: coreResources.configMaps })).toBeInstanceOf(Informer);
    expect(createInformer({ client: client(), resource: coreResources.configMaps, namespaces: ['a'] })).toBeInstanceOf(Informer);
    expect(createInformer({ client: client(), resource: coreResources.configMaps, namespaces: ['a', 'b', 'a'] })).toBeInstanceOf(MultiNamespaceInformer);
    expect(createInformer({ client: client(), resource: coreResources.namespaces, namespaces: ['a', 'b'] })).toBeInstanceOf(Informer);
  });

  it('is empty and unsynced before start; waitForSync honours its signal', async () => {
    const inf = new Informer({ client: client(), resource: coreResources.configMaps });
    expect(inf.hasSynced()).toBe(false);
    expect(inf.size).toBe(0);
    expect(inf.list()).toEqual([]);
    expect(inf.getByKey('ns/x')).toBeUndefined();
    const ac = new AbortController();
    const waiting = inf.waitForSync(ac.signal);
    ac.abort();
    await expect(waiting).rejects.toThrow(/sync/);
  });
});
