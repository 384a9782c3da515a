import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/runtime/kube-object.js';
import type { KubeRequest } from '../../../src/runtime/kube-json-client.js';
import { InvalidStatusError, StatusWriter } from '../../../src/runtime/status-writer.js';
import { FakeRequester } from './fake-requester.js';

const resource = { group: 'kasm.io', version: 'v1alpha1', plural: 'kasmusers', kind: 'KasmUser' };
const T0 = '2024-05-01T10:00:00Z';

function user(status?: Record<string, unknown>, rv = '10', generation = 3): KubeObject {
  return { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', metadata: { name: 'alice', namespace: 'team-a', resourceVersion: rv, generation }, ...(status ? { status } : {}) };
}

/** Answers a status write with the object the server would hold afterwards. */
function echo(req: KubeRequest): unknown {
  const b = req.body as { status?: unknown; metadata?: unknown };
  return { metadata: { name: 'alice', namespace: 'team-a', resourceVersion: '11', generation: 3 }, status: b.status };
}

describe('StatusWriter', () => {
  it('writes a merge patch on /status with observedGeneration on status and conditions', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource, now: () => Date.parse('2024-05-01T11:00:00Z') });
    const res = await w.write(user(), { externalId: '42', conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] });
    expect(res.written).toBe(true);
    const req = api.requests[0]!;
    expect(req).toMatchObject({ method: 'PATCH', path: '/apis/kasm.io/v1alpha1/namespaces/team-a/kasmusers/alice/status', contentType: 'application/merge-patch+json' });
    expect(req.body).toEqual({
      status: {
        externalId: '42',
        observedGeneration: 3,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Available', observedGeneration: 3, lastTransitionTime: '2024-05-01T11:00:00Z' }],
      },
    });
    expect(res.object.metadata.resourceVersion).toBe('11');
    expect(w.stats).toEqual({ writes: 1, skipped: 0 });
  });

  it('skips the write when only lastTransitionTime would differ', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    const current = user({ observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True', reason: 'Available', observedGeneration: 3, lastTransitionTime: T0 }] });
    const res = await w.write(current, { conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] });
    expect(res.written).toBe(false);
    expect(api.requests).toHaveLength(0);
    expect(w.stats.skipped).toBe(1);
  });

  it('keeps lastTransitionTime when the message changes, and deletes fields no longer reported', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    const current = user({ observedGeneration: 3, drift: ['email'], conditions: [{ type: 'Ready', status: 'False', reason: 'Creating', message: 'a', observedGeneration: 3, lastTransitionTime: T0 }] });
    await w.write(current, { conditions: [{ type: 'Ready', status: 'False', reason: 'Creating', message: 'b' }] });
    const sent = (api.requests[0]!.body as { status: Record<string, unknown> }).status;
    expect(sent.drift).toBeNull();
    expect((sent.conditions as Array<{ lastTransitionTime: string }>)[0]?.lastTransitionTime).toBe(T0);
  });

  it('writes again when the generation moved on', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    const current = user({ observedGeneration: 2 }, '10', 3);
    expect((await w.write(current, {})).written).toBe(true);
    expect((api.requests[0]!.body as { status: unknown }).status).toEqual({ observedGeneration: 3 });
  });

  it('does not write twice when handed the same stale object again', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    const stale = user();
    const desired = { externalId: '42', conditions: [{ type: 'Ready', status: 'True' as const }] };
    expect((await w.write(stale, desired)).written).toBe(true);
    expect((await w.write(stale, desired)).written).toBe(false);
    expect(api.requests).toHaveLength(1);
    // A newer version of the object is compared on its own merits.
    const fresh = user({ externalId: '42', observedGeneration: 3, conditions: [] }, '12');
    expect((await w.write(fresh, desired)).written).toBe(true);
    expect(api.requests).toHaveLength(2);
  });

  it('forgets its last write once the cache shows a later version, and keeps it while the cache lags', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    const stale = user({ externalId: 'old' });
    await w.write(stale, { externalId: '42' });
    // The cache still holds the version the write was based on: what was written stands.
    w.observe(stale);
    expect(w.knownStatus(stale)).toMatchObject({ externalId: '42' });
    // The cache caught up (version 11): the object's own status is what counts from now on, even
    // when a reconcile still holds the older copy.
    w.observe(user({ externalId: '42', observedGeneration: 3 }, '11'));
    expect(w.knownStatus(stale)).toEqual({ externalId: 'old' });
  });

  it('keeps no copy of a write whose watch event reached the cache before the reply did', async () => {
    const api = new FakeRequester((req) => {
      // The informer delivers version 11 while the reply is still on its way.
      w.observe(user({ externalId: '42', observedGeneration: 3 }, '11'));
      return echo(req);
    });
    const w = new StatusWriter({ client: api, resource });
    const stale = user({ externalId: 'old' });
    await w.write(stale, { externalId: '42' });
    expect(w.knownStatus(stale)).toEqual({ externalId: 'old' });
  });

  it('keeps no copy of a write that failed', async () => {
    const api = new FakeRequester(() => {
      throw new Error('connection reset');
    });
    const w = new StatusWriter({ client: api, resource });
    const stale = user({ externalId: 'old' });
    await expect(w.write(stale, { externalId: '42' })).rejects.toThrow('connection reset');
    expect(w.knownStatus(stale)).toEqual({ externalId: 'old' });
  });

  it('forgets a deleted object entirely', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    const stale = user({ externalId: 'old' });
    await w.write(stale, { externalId: '42' });
    w.forget('team-a', 'alice');
    expect(w.knownStatus(stale)).toEqual({ externalId: 'old' });
    // Nothing remembered: the same write over the same copy is made again.
    expect((await w.write(stale, { externalId: '42' })).written).toBe(true);
  });

  it('uses PUT with the resourceVersion in update mode', async () => {
    const api = new FakeRequester(echo);
    const w = new StatusWriter({ client: api, resource });
    await w.write(user(), { externalId: '1' }, { mode: 'update' });
    const req = api.requests[0]!;
    expect(req.method).toBe('PUT');
    expect((req.body as KubeObject).metadata.resourceVersion).toBe('10');
  });

  it('rejects malformed conditions naming the object', async () => {
    const w = new StatusWriter({ client: new FakeRequester(echo), resource });
    await expect(w.write(user(), { conditions: [{ type: 'Ready', status: 'yes' }] })).rejects.toThrow(InvalidStatusError);
    await expect(w.write(user(), { conditions: [{ status: 'True' }] })).rejects.toThrow(/KasmUser team-a\/alice/);
  });
});
