import { describe, expect, it } from 'vitest';
import { eventAggregationKey, EventRecorder, NOTE_MAX_BYTES, truncateUtf8 } from '../../../src/runtime/event-recorder.js';
import type { ObjectReference } from '../../../src/runtime/object-ref.js';
import { apiError, FakeRequester } from './fake-requester.js';

const alice: ObjectReference = { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', namespace: 'team-a', name: 'alice', uid: 'uid-alice' };
const bob: ObjectReference = { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', namespace: 'team-a', name: 'bob', uid: 'uid-bob' };

function body(req: { body?: unknown }): Record<string, unknown> {
  return req.body as Record<string, unknown>;
}

describe('truncateUtf8', () => {
  it('leaves short text alone', () => {
    expect(truncateUtf8('hello', 10)).toBe('hello');
  });

  it('cuts on a character boundary within the byte limit', () => {
    const text = 'é'.repeat(1000); // 2000 bytes
    const cut = truncateUtf8(text, NOTE_MAX_BYTES);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(NOTE_MAX_BYTES);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
  });
});

describe('eventAggregationKey', () => {
  it('differs by object, type, reason and note', () => {
    const base = eventAggregationKey(alice, { type: 'Normal', reason: 'Created', note: 'x' });
    expect(eventAggregationKey(alice, { type: 'Normal', reason: 'Created', note: 'x' })).toBe(base);
    expect(eventAggregationKey(bob, { type: 'Normal', reason: 'Created', note: 'x' })).not.toBe(base);
    expect(eventAggregationKey(alice, { type: 'Warning', reason: 'Created', note: 'x' })).not.toBe(base);
    expect(eventAggregationKey(alice, { type: 'Normal', reason: 'Updated', note: 'x' })).not.toBe(base);
    expect(eventAggregationKey(alice, { type: 'Normal', reason: 'Created', note: 'y' })).not.toBe(base);
  });
});

describe('EventRecorder', () => {
  it('creates an events.k8s.io/v1 Event with the required fields', async () => {
    const api = new FakeRequester();
    const rec = new EventRecorder({ client: api, reportingInstance: 'kasm-operator-abc' });
    rec.normal(alice, 'Created', 'Create', 'created user alice');
    await rec.flush();
    expect(api.requests).toHaveLength(1);
    const req = api.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/apis/events.k8s.io/v1/namespaces/team-a/events');
    const ev = body(req);
    expect(ev).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      reportingController: 'kasm.io/kasm-operator',
      reportingInstance: 'kasm-operator-abc',
      action: 'Create',
      reason: 'Created',
      note: 'created user alice',
      type: 'Normal',
      regarding: alice,
      metadata: { namespace: 'team-a' },
    });
    expect(String(ev.eventTime)).toMatch(/\.\d{6}Z$/);
    expect(String((ev.metadata as { name: string }).name)).toMatch(/^alice\.[0-9a-f]+$/);
    expect(ev.series).toBeUndefined();
  });

  it('folds a burst of the same event into one create and one series update', async () => {
    const api = new FakeRequester();
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod', seriesUpdateIntervalMs: 60_000 });
    rec.warning(alice, 'ReconcileError', 'Reconcile', 'kasm unavailable');
    await rec.flush();
    for (let i = 0; i < 9; i++) rec.warning(alice, 'ReconcileError', 'Reconcile', 'kasm unavailable');
    // The interval holds the repeats back; flush writes them at once.
    expect(api.requests).toHaveLength(1);
    await rec.flush();
    expect(api.count('POST')).toBe(1);
    expect(api.count('PATCH')).toBe(1);
    const patch = api.requests[1]!;
    expect(patch.contentType).toBe('application/merge-patch+json');
    const series = (body(patch).series ?? {}) as { count: number; lastObservedTime: string };
    expect(series.count).toBe(10);
    expect(series.lastObservedTime).toMatch(/\.\d{6}Z$/);
    expect(rec.stats).toMatchObject({ created: 1, updated: 1, dropped: 0, failed: 0 });
  });

  it('writes the series on its own once the interval passes', async () => {
    const api = new FakeRequester();
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod', seriesUpdateIntervalMs: 50 });
    rec.normal(alice, 'Synced', 'Reconcile');
    rec.normal(alice, 'Synced', 'Reconcile');
    rec.normal(alice, 'Synced', 'Reconcile');
    const deadline = Date.now() + 5_000;
    while (api.count('PATCH') === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(api.count('POST')).toBe(1);
    expect(api.count('PATCH')).toBe(1);
  });

  it('creates a new Event when the series target was deleted', async () => {
    let patched = 0;
    const api = new FakeRequester((req) => {
      if (req.method === 'PATCH') {
        patched++;
        throw apiError(404, 'NotFound', req);
      }
      return {};
    });
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod', seriesUpdateIntervalMs: 60_000 });
    rec.normal(alice, 'Synced', 'Reconcile');
    await rec.flush();
    rec.normal(alice, 'Synced', 'Reconcile');
    await rec.flush();
    expect(patched).toBe(1);
    expect(api.count('POST')).toBe(2);
    expect((body(api.requests[2]!).series as { count: number }).count).toBe(2);
  });

  it('limits distinct events per object and keeps other objects unaffected', async () => {
    const api = new FakeRequester();
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod', perObjectBurst: 3, perObjectRefillMs: 3_600_000 });
    for (let i = 0; i < 10; i++) rec.normal(alice, `Reason${i}`, 'Reconcile');
    rec.normal(bob, 'Created', 'Create');
    await rec.flush();
    expect(api.count('POST', '/events')).toBe(4);
    expect(rec.stats.dropped).toBe(7);
  });

  it('never throws to the caller and counts failures', async () => {
    const api = new FakeRequester((req) => {
      throw apiError(500, 'InternalError', req);
    });
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod' });
    expect(() => rec.warning(alice, 'Failed', 'Reconcile', 'boom')).not.toThrow();
    await rec.flush();
    expect(rec.stats.failed).toBe(1);
  });

  it('truncates long notes to 1 KiB', async () => {
    const api = new FakeRequester();
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod' });
    rec.warning(alice, 'Failed', 'Reconcile', 'x'.repeat(5000));
    await rec.flush();
    expect(Buffer.byteLength(String(body(api.requests[0]!).note), 'utf8')).toBeLessThanOrEqual(1024);
  });

  it('falls back to core v1 Events when events.k8s.io is not served', async () => {
    const api = new FakeRequester((req) => {
      if (req.path.startsWith('/apis/events.k8s.io')) throw apiError(404, 'HTTP404', req);
      return {};
    });
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod', seriesUpdateIntervalMs: 60_000 });
    rec.normal(alice, 'Created', 'Create', 'made');
    await rec.flush();
    rec.normal(alice, 'Created', 'Create', 'made');
    await rec.flush();
    const core = api.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/team-a/events'));
    expect(core.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(body(core[0]!)).toMatchObject({ involvedObject: alice, message: 'made', count: 1, source: { component: 'kasm.io/kasm-operator' } });
    expect(body(core[1]!)).toMatchObject({ count: 2 });
  });

  it('does not fall back when only the namespace is missing', async () => {
    const api = new FakeRequester((req) => {
      if (req.method === 'POST') throw apiError(404, 'NotFound', req);
      return { kind: 'APIResourceList' };
    });
    const rec = new EventRecorder({ client: api, reportingInstance: 'pod' });
    rec.normal(alice, 'Created', 'Create');
    await rec.flush();
    expect(api.requests.some((r) => r.path.startsWith('/api/v1/'))).toBe(false);
    expect(rec.stats.failed).toBe(1);
  });

  it('requires a reporting instance', () => {
    expect(() => new EventRecorder({ client: new FakeRequester(), reportingInstance: '' })).toThrow(/reportingInstance/);
  });
});
