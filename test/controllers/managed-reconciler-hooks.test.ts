import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANNOTATION_EXTERNAL_ID, FINALIZER } from '../../src/api/annotations.js';
import { managedSpec } from '../../src/api/managed-resource.js';
import type { ConditionInput } from '../../src/controllers/conditions.js';
import type {
  DependencyTracker,
  GoneAction,
  ManagedKindAdapter,
  ManagedObject,
  Observation,
  SyncOutcome,
} from '../../src/controllers/managed-kind.js';
import { reconcileManaged, RetryLater, type ManagedReconcilerDeps, type ReconcileOutcome } from '../../src/controllers/managed-reconciler.js';
import type { OwnedOutput } from '../../src/controllers/owned-outputs.js';
import type { KasmClient } from '../../src/kasm/client.js';

/**
 * The managed reconciler's afterSync and whenGone hooks, with in-memory fakes for Kasm and the
 * cluster (no servers): what each part of a SyncOutcome and each GoneAction does to status,
 * outputs, dependencies, events and the requeue.
 */

const KIND = 'KasmThing';
const NS = 'hooks';
const POLL_MS = 60_000;

const thingSpec = managedSpec({ name: z.string(), value: z.string() });
type ThingSpec = z.infer<typeof thingSpec>;
interface Thing {
  name: string;
  value: string;
}

type AfterSyncArgs = Parameters<NonNullable<ManagedKindAdapter<ThingSpec, Thing, Thing>['afterSync']>>[1];

/** Kasm as a map of id → thing, with the create calls counted. */
class FakeKasm {
  readonly things = new Map<string, Thing>();
  creates = 0;
  /** Kasm writes and finalizer patches in the order they happened. */
  readonly journal: string[] = [];
  private nextId = 1;
  create(thing: Thing): string {
    this.creates += 1;
    this.journal.push('kasm create');
    const id = `id-${this.nextId++}`;
    this.things.set(id, { ...thing });
    return id;
  }
}

interface Hooks {
  afterSync?: (args: AfterSyncArgs) => SyncOutcome;
  whenGone?: (resolved: Thing, status: Record<string, unknown>) => GoneAction;
  adoptsExisting?: boolean;
}

function thingAdapter(kasm: FakeKasm, hooks: Hooks): ManagedKindAdapter<ThingSpec, Thing, Thing> {
  const observation = (id: string): Observation<Thing> | undefined => {
    const thing = kasm.things.get(id);
    return thing === undefined ? undefined : { externalId: id, observed: { ...thing } };
  };
  return {
    kind: KIND,
    specSchema: thingSpec,
    resolve: (spec) => Promise.resolve({ name: spec.name, value: spec.value }),
    naturalKey: (resolved) => resolved.name,
    observe: (_ctx, lookup) => {
      if (lookup.externalId !== undefined) return Promise.resolve(observation(lookup.externalId));
      if (!lookup.byNaturalKey) return Promise.resolve(undefined);
      const found = [...kasm.things.entries()].find(([, thing]) => thing.name === lookup.naturalKey);
      return Promise.resolve(found === undefined ? undefined : observation(found[0]));
    },
    create: (_ctx, resolved) => {
      const id = kasm.create(resolved);
      return Promise.resolve({ externalId: id, observed: { ...resolved } });
    },
    update: (_ctx, current, resolved) => {
      kasm.journal.push('kasm update');
      kasm.things.set(current.externalId, { ...resolved });
      return Promise.resolve({ externalId: current.externalId, observed: { ...resolved } });
    },
    delete: (_ctx, current) => {
      kasm.things.delete(current.externalId);
      return Promise.resolve();
    },
    diff: (resolved, observed) => (resolved.value === observed.value ? [] : [{ field: 'value', desired: resolved.value, observed: observed.value }]),
    atProvider: (observed) => ({ name: observed.name, value: observed.value }),
    ...(hooks.afterSync !== undefined ? { afterSync: (_ctx, args) => Promise.resolve(hooks.afterSync?.(args) ?? {}) } : {}),
    ...(hooks.whenGone !== undefined ? { whenGone: hooks.whenGone } : {}),
    ...(hooks.adoptsExisting ? { adoptsExisting: true } : {}),
  };
}

interface Harness {
  kasm: FakeKasm;
  deps: ManagedReconcilerDeps;
  /** The object as the cluster has it now (metadata patches applied, status as last written). */
  readonly obj: ManagedObject;
  status(): Record<string, unknown>;
  condition(type: ConditionInput['type']): ConditionInput | undefined;
  events: { type: string; reason: string; action: string; note: string }[];
  outputWrites: { owner: ManagedObject; ownerKind: string; outputs: readonly OwnedOutput[] }[];
  secretDeps: string[];
  reconcile(): Promise<ReconcileOutcome>;
}

function harness(hooks: Hooks, options: { withOutputs?: boolean; finalizers?: string[] } = {}): Harness {
  const kasm = new FakeKasm();
  const adapter = thingAdapter(kasm, hooks);
  let obj: ManagedObject = {
    apiVersion: 'kasm.io/v1alpha1',
    kind: KIND,
    metadata: { name: 'thing-1', namespace: NS, uid: 'uid-thing-1', generation: 1, finalizers: options.finalizers ?? [FINALIZER] },
    spec: { name: 'thing', value: 'v1' },
  };
  let status: Record<string, unknown> = {};
  const events: Harness['events'] = [];
  const outputWrites: Harness['outputWrites'] = [];
  const secretDeps: string[] = [];

  const deps: ManagedReconcilerDeps = {
    metadata: {
      patchMetadata: (current, change) => {
        if (change.finalizers?.includes(FINALIZER) && !current.metadata.finalizers?.includes(FINALIZER)) kasm.journal.push('finalizer added');
        const annotations: Record<string, string> = { ...(current.metadata.annotations ?? {}) };
        for (const [key, value] of Object.entries(change.annotations ?? {})) {
          if (value === null) delete annotations[key];
          else annotations[key] = value;
        }
        obj = { ...current, metadata: { ...current.metadata, annotations, ...(change.finalizers ? { finalizers: change.finalizers } : {}) } };
        return Promise.resolve(obj);
      },
      latest: (current) => current,
    },
    status: {
      write: (current, next, conditions) => {
        // Like the status writer: conditions of types not given keep their value.
        const previous = Array.isArray(status.conditions) ? (status.conditions as ConditionInput[]) : [];
        const merged = [...previous.filter((c) => !conditions.some((n) => n.type === c.type)), ...conditions];
        status = { ...next, conditions: merged.map((c) => ({ ...c, observedGeneration: current.metadata.generation })) };
        obj = { ...current, status };
        return Promise.resolve(obj);
      },
      known: () => status,
    },
    events: { emit: (_obj, event) => events.push(event) },
    connections: { resolve: () => ({ key: 'default', kasm: {} as KasmClient }) },
    cluster: {
      getObject: () => undefined,
      readSecretKey: (namespace, name, key) => {
        throw new Error(`no Secret ${namespace}/${name} key ${key} in this test`);
      },
      secretVersion: () => undefined,
    },
    inventoriesFor: () => ({ get: (_name, create) => create() }),
    logger: pino({ level: 'silent' }),
    pollIntervalMs: POLL_MS,
    stalledRetryMs: 300_000,
    ...(options.withOutputs === false
      ? {}
      : {
          outputs: {
            write: (owner, ownerKind, outputs) => {
              outputWrites.push({ owner, ownerKind, outputs });
              return Promise.resolve(outputs.length);
            },
          },
        }),
  };

  const tracker = (): DependencyTracker => ({
    dependOnObject: () => undefined,
    dependOnSecret: (namespace, name) => secretDeps.push(`${namespace}/${name}`),
    dependOnKasm: () => undefined,
    connection: undefined,
  });

  return {
    kasm,
    deps,
    get obj() {
      return obj;
    },
    status: () => status,
    condition: (type) => (status.conditions as ConditionInput[] | undefined)?.find((c) => c.type === type),
    events,
    outputWrites,
    secretDeps,
    reconcile: () => reconcileManaged(adapter, obj, deps, tracker(), new AbortController().signal),
  };
}

describe('afterSync', () => {
  it('notReady keeps Ready False with its reason while Synced is True; without it Ready turns True', async () => {
    let starting = true;
    const h = harness({ afterSync: () => (starting ? { notReady: { reason: 'Starting', message: 'the session is starting' } } : {}) });
    await h.reconcile();
    expect(h.condition('Ready')).toMatchObject({ status: 'False', reason: 'Starting', message: 'the session is starting' });
    expect(h.condition('Synced')).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
    expect(h.condition('Stalled')).toMatchObject({ status: 'False' });

    starting = false;
    await h.reconcile();
    expect(h.condition('Ready')).toMatchObject({ status: 'True', reason: 'Available' });
  });

  it('gets created/upToDate and the status before the reconcile', async () => {
    const calls: AfterSyncArgs[] = [];
    const h = harness({
      afterSync: (args) => {
        calls.push(args);
        return {};
      },
    });
    await h.reconcile();
    await h.reconcile();
    expect(calls.map((c) => [c.created, c.upToDate, c.generation])).toEqual([
      [true, true, 1],
      [false, true, 1],
    ]);
    expect(calls[0]?.status.externalId).toBeUndefined();
    expect(calls[1]?.status.externalId).toBe('id-1');
    expect(calls[1]?.current).toEqual({ externalId: 'id-1', observed: { name: 'thing', value: 'v1' } });
  });

  it('writes outputs through deps.outputs with the owner and kind; a Secret output becomes a dependency, a ConfigMap does not', async () => {
    const outputs: OwnedOutput[] = [
      { kind: 'Secret', name: 'thing-1-connection', data: { token: 'not-in-status' } },
      { kind: 'ConfigMap', name: 'thing-1-info', data: { url: 'https://kasm.example/x' } },
    ];
    const h = harness({ afterSync: () => ({ outputs }) });
    await h.reconcile();
    expect(h.outputWrites).toHaveLength(1);
    const write = h.outputWrites[0];
    expect(write?.ownerKind).toBe(KIND);
    expect(write?.owner.metadata).toMatchObject({ name: 'thing-1', namespace: NS, uid: 'uid-thing-1' });
    expect(write?.outputs).toEqual(outputs);
    expect(h.secretDeps).toEqual([`${NS}/thing-1-connection`]);
    expect(JSON.stringify(h.status())).not.toContain('not-in-status');
  });

  it('without deps.outputs, outputs fail the reconcile with a message that says so', async () => {
    const h = harness({ afterSync: () => ({ outputs: [{ kind: 'Secret', name: 'thing-1-connection', data: { token: 't' } }] }) }, { withOutputs: false });
    const failure = await h.reconcile().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(RetryLater);
    expect((failure as Error).message).toBe(`${KIND} writes Secrets or ConfigMaps, but the reconciler has no output writer`);
    expect(h.condition('Synced')).toMatchObject({ status: 'False', message: expect.stringContaining('no output writer') as unknown });
    expect(h.condition('Ready')).toMatchObject({ status: 'False' });
    expect(h.events.some((e) => e.type === 'Warning' && e.action === 'write outputs')).toBe(true);
  });

  it('no outputs needs no writer', async () => {
    const h = harness({ afterSync: () => ({ outputs: [] }) }, { withOutputs: false });
    await h.reconcile();
    expect(h.condition('Ready')).toMatchObject({ status: 'True' });
  });

  it('requeueAfterMs brings the next reconcile forward, never later than the poll', async () => {
    let requeueAfterMs: number | undefined = 2_000;
    const h = harness({ afterSync: () => (requeueAfterMs === undefined ? {} : { requeueAfterMs }) });
    expect((await h.reconcile()).requeueAfterMs).toBe(2_000);

    requeueAfterMs = 10 * POLL_MS;
    const later = (await h.reconcile()).requeueAfterMs;
    expect(later).toBeGreaterThanOrEqual(POLL_MS * 0.9);
    expect(later).toBeLessThanOrEqual(POLL_MS * 1.1);

    requeueAfterMs = undefined;
    const plain = (await h.reconcile()).requeueAfterMs;
    expect(plain).toBeGreaterThanOrEqual(POLL_MS * 0.9);
    expect(plain).toBeLessThanOrEqual(POLL_MS * 1.1);
  });

  it('status fields land in the written status next to the generic ones; events are recorded', async () => {
    const h = harness({
      afterSync: () => ({
        status: { phase: 'running', renewedAt: '2025-01-01T00:00:00Z' },
        events: [{ type: 'Normal', reason: 'Renewed', note: 'renewed the thing' }],
      }),
    });
    await h.reconcile();
    expect(h.status()).toMatchObject({
      phase: 'running',
      renewedAt: '2025-01-01T00:00:00Z',
      externalId: 'id-1',
      atProvider: { name: 'thing', value: 'v1' },
      observedGeneration: 1,
    });
    expect(h.events.filter((e) => e.reason === 'Renewed')).toEqual([{ type: 'Normal', reason: 'Renewed', action: 'Sync', note: 'renewed the thing' }]);
  });
});

describe('whenGone', () => {
  /** Reconciles once to create the Kasm object, then deletes it out of band. */
  async function createdThenGone(h: Harness): Promise<string> {
    await h.reconcile();
    expect(h.condition('Ready')).toMatchObject({ status: 'True' });
    const id = h.status().externalId as string;
    expect(h.obj.metadata.annotations?.[ANNOTATION_EXTERNAL_ID]).toBe(id);
    h.kasm.things.delete(id);
    return id;
  }

  it('a report sets Ready False and Stalled True with its reason, creates nothing, keeps the id and emits its event once', async () => {
    const seen: Record<string, unknown>[] = [];
    const h = harness({
      whenGone: (_resolved, status) => {
        seen.push(status);
        return { reason: 'SessionEnded', message: 'Kasm ended the session; delete this resource to start a new one' };
      },
    });
    const id = await createdThenGone(h);

    const first = await h.reconcile();
    const second = await h.reconcile();
    expect(h.condition('Ready')).toMatchObject({ status: 'False', reason: 'SessionEnded', message: 'Kasm ended the session; delete this resource to start a new one' });
    expect(h.condition('Stalled')).toMatchObject({ status: 'True', reason: 'SessionEnded' });
    expect(h.condition('Synced')).toMatchObject({ status: 'True' });
    expect(h.kasm.creates).toBe(1);
    expect(h.kasm.things.size).toBe(0);
    expect(h.status().externalId).toBe(id);
    expect(h.obj.metadata.annotations?.[ANNOTATION_EXTERNAL_ID]).toBe(id);
    expect(h.events.filter((e) => e.reason === 'SessionEnded')).toEqual([
      { type: 'Warning', reason: 'SessionEnded', action: 'Observe', note: 'Kasm ended the session; delete this resource to start a new one' },
    ]);
    expect(h.events.some((e) => e.reason === 'ExternalDeleted')).toBe(false);
    expect(seen.map((s) => s.externalId)).toEqual([id, id]);
    // It keeps being watched at the poll interval.
    for (const outcome of [first, second]) {
      expect(outcome.requeueAfterMs).toBeGreaterThanOrEqual(POLL_MS * 0.9);
      expect(outcome.requeueAfterMs).toBeLessThanOrEqual(POLL_MS * 1.1);
    }
  });

  it.each([
    ['recreate', { whenGone: (): GoneAction => 'recreate' }],
    ['absent (the default)', {}],
  ] as const)('%s: emits ExternalDeleted and creates the object again', async (_label, hooks: Hooks) => {
    const h = harness(hooks);
    const id = await createdThenGone(h);

    await h.reconcile();
    expect(h.kasm.creates).toBe(2);
    expect(h.events.filter((e) => e.reason === 'ExternalDeleted')).toEqual([
      { type: 'Warning', reason: 'ExternalDeleted', action: 'Observe', note: `${KIND} thing (${id}) no longer exists in Kasm` },
    ]);
    const newId = h.status().externalId;
    expect(newId).not.toBe(id);
    expect(h.kasm.things.has(newId as string)).toBe(true);
    expect(h.condition('Ready')).toMatchObject({ status: 'True', reason: 'Available' });
    expect(h.condition('Stalled')).toMatchObject({ status: 'False' });
  });
});

describe('the finalizer', () => {
  it('goes on with the create mark, before Kasm is asked to create', async () => {
    const h = harness({}, { finalizers: [] });
    await h.reconcile();
    expect(h.kasm.journal).toEqual(['finalizer added', 'kasm create']);
    expect(h.obj.metadata.finalizers).toEqual([FINALIZER]);
  });

  it('goes on before an adopted Kasm object is written to', async () => {
    const h = harness({ adoptsExisting: true }, { finalizers: [] });
    h.kasm.things.set('id-found', { name: 'thing', value: 'changed in Kasm' });
    await h.reconcile();
    expect(h.kasm.journal).toEqual(['finalizer added', 'kasm update']);
    expect(h.kasm.things.get('id-found')?.value).toBe('v1');
  });
});
