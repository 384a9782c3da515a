import type { Logger } from 'pino';
import { z } from 'zod';
import {
  KasmAuthenticationError,
  KasmBusinessError,
  KasmConflictError,
  KasmError,
  KasmNotFoundError,
  KasmPermissionError,
  KasmServerError,
  KasmTransportError,
} from '../kasm/errors.js';
import type { KasmClient } from '../kasm/client.js';
import { tryNormalizeKasmId } from '../kasm/ids.js';
import {
  ANNOTATION_CREATE_PENDING,
  ANNOTATION_EXTERNAL_ID,
  ANNOTATION_PAUSED,
  FINALIZER,
  externalIdOf,
  InvalidAnnotationError,
  isPaused,
  pollIntervalOf,
} from '../api/annotations.js';
import { managedSpecShape } from '../api/managed-resource.js';
import { formatIssues } from '../api/spec-issues.js';
import { newReconcileId, reconcileLogger } from '../runtime/logger.js';
import { jitter } from '../runtime/backoff.js';
import type {
  AdapterContext,
  ClusterReader,
  DependencyTracker,
  FieldDiff,
  InventoryProvider,
  ManagedKindAdapter,
  ManagedObject,
  Observation,
  ObservationMode,
  SyncOutcome,
} from './managed-kind.js';
import type { OutputSink } from './owned-outputs.js';
import {
  AdoptionRefusedError,
  DeleteBlockedError,
  InvalidSpecError,
  ReconcileError,
} from './reconcile-errors.js';
import { lastSyncFailed, syncedAt, type ConditionInput } from './conditions.js';
import { allows } from './policies.js';

/** Crossplane management policies; absent means `["*"]`. */
const policiesSchema = z.object(managedSpecShape).loose();
type Policies = z.infer<typeof policiesSchema>;

/** Writes to the object's metadata (finalizers, annotations) with optimistic concurrency; returns the updated object. */
export interface MetadataWriter {
  patchMetadata(obj: ManagedObject, change: { finalizers?: string[]; annotations?: Record<string, string | null> }): Promise<ManagedObject>;
  /** `obj`, with the metadata of this writer's last patch when `obj` is the copy that patch was based on. */
  latest(obj: ManagedObject): ManagedObject;
}

export interface StatusSink {
  /**
   * Writes status when it differs from the object's. Conditions of types not given keep their
   * current value. Returns the object as it is after the write.
   */
  write(obj: ManagedObject, status: Record<string, unknown>, conditions: ConditionInput[]): Promise<ManagedObject>;
  /** The status as last written, when the given copy of the object is older than that write. */
  known(obj: ManagedObject): Record<string, unknown> | undefined;
}

export interface EventSink {
  emit(obj: ManagedObject, event: { type: 'Normal' | 'Warning'; reason: string; action: string; note: string }): void;
}

export interface ResolvedConnection {
  /** Stable id of the connection (namespace/name or `default`), part of inventory and dependency keys. */
  key: string;
  kasm: KasmClient;
}

export interface ConnectionResolver {
  resolve(namespace: string, refName: string | undefined, deps: DependencyTracker): ResolvedConnection;
}

export interface ManagedReconcilerDeps {
  metadata: MetadataWriter;
  status: StatusSink;
  events: EventSink;
  connections: ConnectionResolver;
  cluster: ClusterReader;
  inventoriesFor(connectionKey: string): InventoryProvider;
  logger: Logger;
  pollIntervalMs: number;
  /** Bulk inventories (default) or one read per object. */
  observation?: ObservationMode;
  /** Writes the Secrets and ConfigMaps kinds own (sessions, logins); required by kinds with outputs. */
  outputs?: OutputSink;
  /** How long a Stalled object waits before it is tried again without a change (permissions granted in Kasm, ...). */
  stalledRetryMs: number;
}

export interface ReconcileOutcome {
  requeueAfterMs?: number;
}

/** Retryable failures surface to the work queue as this, so it backs off; the status was already written. */
export class RetryLater extends Error {
  /** The reconciler logged it and wrote it to status: the work queue only backs off. */
  readonly reported = true;
  constructor(readonly causeError: unknown) {
    super(causeError instanceof Error ? causeError.message : String(causeError));
    this.name = 'RetryLater';
  }
}

/**
 * One reconcile of one managed object: the generic part of every kind (design sections 4 and 5).
 * Returns when to look again; throws RetryLater for failures the queue should back off from.
 */
export async function reconcileManaged<TSpec, TResolved, TObserved>(
  adapter: ManagedKindAdapter<TSpec, TResolved, TObserved>,
  original: ManagedObject,
  deps: ManagedReconcilerDeps,
  tracker: DependencyTracker,
  signal: AbortSignal,
): Promise<ReconcileOutcome> {
  let obj = deps.metadata.latest(original);
  const meta = obj.metadata ?? {};
  const namespace = meta.namespace ?? 'default';
  const generation = meta.generation ?? 0;
  const status = deps.status.known(obj) ?? {};
  const annotations = meta.annotations ?? {};
  const log = reconcileLogger(deps.logger, { kind: adapter.kind, namespace, name: meta.name, reconcileId: newReconcileId() });
  
  if (isPaused(annotations) && !meta.deletionTimestamp) {
    log.info('paused; not reconciling');
    await deps.status.write(obj, carryStatus(status, generation), [
      { type: 'Synced', status: 'False', reason: 'Paused', message: `Reconciliation is paused by the annotation ${ANNOTATION_PAUSED}` },
    ]);
    return {};
  }

  // A kind's own defaults (a zone is only observed, a licence only orphaned) apply where the spec is silent.
  const policiesParse = policiesSchema.safeParse({ ...adapter.policyDefaults, ...(obj.spec ?? {}) });
  let currentStep = 'start';
  try {
    if (!policiesParse.success) throw new InvalidSpecError(formatIssues(policiesParse.error));
    const pollMs = pollIntervalOf(annotations) ?? deps.pollIntervalMs;
    const policies = policiesParse.data;
    const connection = deps.connections.resolve(namespace, policies.connectionRef?.name, tracker);
    tracker.connection = connection.key;
    const ctx: AdapterContext = {
      kasm: connection.kasm,
      inventories: deps.inventoriesFor(connection.key),
      ...(deps.observation !== undefined ? { observation: deps.observation } : {}),
      cluster: deps.cluster,
      deps: tracker,
      logger: log,
      namespace,
      pollIntervalMs: pollMs,
      signal,
    };
    const recordedId = typeof status.externalId === 'string' ? status.externalId : undefined;
    // Kasm ids are written dashed or plain: adapters get the plain form inventories and replies use.
    const annotatedId = plainKasmId(externalIdOf(annotations));

    if (meta.deletionTimestamp) {
      currentStep = 'delete';
      return await finalize(adapter, obj, ctx, policies, annotatedId ?? recordedId, deps, log);
    }

    // The finalizer goes on with the first write that ties the object to Kasm (the create mark, or
    // before anything is written to a Kasm object found by key or id): one metadata write fewer per
    // created object, and an object that never reached Kasm is deleted without waiting.
    const withFinalizer = (): { finalizers?: string[] } => {
      const finalizers = obj.metadata?.finalizers ?? [];
      return finalizers.includes(FINALIZER) ? {} : { finalizers: [...finalizers, FINALIZER] };
    };

    currentStep = 'parse spec';
    const specParse = adapter.specSchema.safeParse(obj.spec ?? {});
    if (!specParse.success) throw new InvalidSpecError(formatIssues(specParse.error));
    currentStep = 'resolve references';
    const resolved = await adapter.resolve(specParse.data, ctx, { ...obj, status });
    const naturalKey = adapter.naturalKey(resolved);

    currentStep = 'observe';
    let externalId = annotatedId ?? recordedId;
    const createPending = ANNOTATION_CREATE_PENDING in annotations;
    let current = await adapter.observe(ctx, { externalId, naturalKey, byNaturalKey: externalId === undefined, resolved });

    if (externalId !== undefined && current === undefined) {
      if (annotatedId !== undefined && annotatedId !== recordedId) {
        throw new InvalidSpecError(
          `annotation ${ANNOTATION_EXTERNAL_ID} names ${externalIdOf(annotations) ?? annotatedId}, which Kasm does not have; correct it, or remove it to let the operator create the object`,
        );
      }
      const gone = adapter.whenGone?.(resolved, status) ?? 'recreate';
      if (gone !== 'recreate') {
        // Reported once; the resource keeps the id so that nothing is created in its place.
        if (readyReason(status) !== gone.reason) {
          deps.events.emit(obj, { type: 'Warning', reason: gone.reason, action: 'Observe', note: gone.message });
          log.warn({ externalId, reason: gone.reason }, 'Kasm object gone; not recreated');
        }
        return await report(obj, deps, status, generation, {
          ready: { status: 'False', reason: gone.reason, message: gone.message },
          synced: true,
          stalled: { reason: gone.reason, message: gone.message },
          requeueAfterMs: jitter(pollMs, 0.1),
        });
      }
      deps.events.emit(obj, {
        type: 'Warning',
        reason: 'ExternalDeleted',
        action: 'Observe',
        note: `${adapter.kind} ${naturalKey} (${externalId}) no longer exists in Kasm`,
      });
      log.warn({ externalId }, 'Kasm object disappeared out of band');
      if (annotatedId !== undefined) obj = await deps.metadata.patchMetadata(obj, { annotations: { [ANNOTATION_EXTERNAL_ID]: null } });
      externalId = undefined;
      current = await adapter.observe(ctx, { externalId: undefined, naturalKey, byNaturalKey: true, resolved });
    }

    if (current === undefined && createPending) {
      // A create may have reached Kasm without its id being recorded: look again in a fresh list.
      current = await adapter.observe(ctx, { externalId: undefined, naturalKey, byNaturalKey: true, resolved, refresh: true });
    }

    let created = false;
    let adoptedWhy: string | undefined;
    if (current === undefined) {
      if (!allows(policies.managementPolicies, 'Create')) {
        return await report(obj, deps, status, generation, {
          ready: { status: 'False', reason: 'NotFound', message: `Kasm has no ${adapter.kind} "${naturalKey}", and managementPolicies do not include Create` },
          synced: true,
          requeueAfterMs: jitter(pollMs, 0.1),
        });
      }
      currentStep = 'create';
      // Crash safety (design section 5): the mark is on the object before Kasm is asked to create.
      if (!createPending || withFinalizer().finalizers) {
        obj = await deps.metadata.patchMetadata(obj, { ...withFinalizer(), annotations: { [ANNOTATION_CREATE_PENDING]: new Date().toISOString() } });
      }
      // A retry after a failed create keeps reporting that failure until it has a new outcome. A
      // new object (no Ready condition yet) gets the create's outcome as its first status: a
      // "Creating" write before it would cost a status write per object for a one-call state.
      if (!lastSyncFailed(status) && readyReason(status) !== undefined) {
        obj = await deps.status.write(obj, { ...carryStatus(status, generation) }, [
          { type: 'Ready', status: 'False', reason: 'Creating', message: `Creating ${adapter.kind} "${naturalKey}" in Kasm` },
        ]);
      }
      try {
        current = await adapter.create(ctx, resolved);
      } catch (err) {
        if (!createMayHaveHappened(err)) {
          // Kasm certainly created nothing: drop the mark so a later look-up does not adopt someone else's object.
          obj = await deps.metadata.patchMetadata(obj, { annotations: { [ANNOTATION_CREATE_PENDING]: null } });
          if (err instanceof KasmConflictError) {
            const holder = await adapter.observe(ctx, { externalId: undefined, naturalKey, byNaturalKey: true, resolved, refresh: true });
            throw new AdoptionRefusedError(adoptionRefusal(adapter.kind, naturalKey, holder?.externalId));
          }
        }
        throw err;
      }
      created = true;
      deps.events.emit(obj, { type: 'Normal', reason: 'Created', action: 'Create', note: `Created ${adapter.kind} "${naturalKey}" (${current.externalId}) in Kasm` });
      log.info({ externalId: current.externalId }, 'created in Kasm');
    } else if (externalId === undefined) {
      // Found by natural key with no id recorded: adopt only what is safe to adopt.
      if (!createPending && !adapter.adoptsExisting && allows(policies.managementPolicies, 'Create')) {
        throw new AdoptionRefusedError(adoptionRefusal(adapter.kind, naturalKey, current.externalId));
      }
      adoptedWhy = createPending ? 'after an interrupted create' : allows(policies.managementPolicies, 'Create') ? 'as it already exists' : 'under the Observe policy';
    } else if (annotatedId !== undefined && recordedId === undefined) {
      adoptedWhy = `by the annotation ${ANNOTATION_EXTERNAL_ID}`;
    }
    if (adoptedWhy !== undefined) {
      deps.events.emit(obj, { type: 'Normal', reason: 'Adopted', action: 'Adopt', note: `Adopted ${adapter.kind} "${naturalKey}" (${current.externalId}) ${adoptedWhy}` });
      log.info({ externalId: current.externalId, why: adoptedWhy }, 'adopted');
    }
    // A Kasm object found rather than created gets the finalizer before anything is written to it
    // (an update, afterSync's work), so deleting the resource always reaches Kasm.
    if (withFinalizer().finalizers) {
      currentStep = 'add finalizer';
      obj = await deps.metadata.patchMetadata(obj, withFinalizer());
    }

    currentStep = 'compare';
    // After a create, what the create applied counts as applied (a password set with the user, for one).
    const createdExtra = created ? (adapter.extraStatus?.(resolved, current.observed) ?? {}) : {};
    const applied = (): Record<string, unknown> => ({ ...status, ...createdExtra });
    let diff = adapter.diff(resolved, current.observed, applied());
    const observedDiff = diff;
    const observeOnly = !allows(policies.managementPolicies, 'Update');
    // Drift, not a spec change: this generation was already applied without error.
    const kasmSideDiff = diff.filter((d) => !d.fromInput);
    const isDrift = !created && kasmSideDiff.length > 0 && syncedAt(status) === generation;
    if (diff.length > 0 && !observeOnly) {
      currentStep = 'update';
      current = await adapter.update(ctx, current, resolved, diff);
      const fields = observedDiff.map((d) => d.field).join(', ');
      if (isDrift) {
        deps.events.emit(obj, { type: 'Warning', reason: 'DriftCorrected', action: 'Update', note: `Corrected fields changed in Kasm outside the operator: ${fields}` });
        log.warn({ fields: observedDiff.map((d) => d.field) }, 'drift corrected');
      } else {
        deps.events.emit(obj, { type: 'Normal', reason: 'Updated', action: 'Update', note: `Updated ${fields} in Kasm` });
        log.info({ fields: observedDiff.map((d) => d.field) }, 'updated in Kasm');
      }
      diff = adapter.diff(resolved, current.observed, { ...applied(), ...(adapter.extraStatus?.(resolved, current.observed) ?? {}) });
    }

    let sync: SyncOutcome = {};
    if (adapter.afterSync) {
      currentStep = 'after sync';
      sync = await adapter.afterSync(ctx, { resolved, current, status: applied(), generation, upToDate: diff.length === 0, created });
      for (const e of sync.events ?? []) deps.events.emit(obj, { ...e, action: 'Sync' });
      if (sync.outputs && sync.outputs.length > 0) {
        currentStep = 'write outputs';
        if (!deps.outputs) throw new Error(`${adapter.kind} writes Secrets or ConfigMaps, but the reconciler has no output writer`);
        for (const o of sync.outputs) if (o.kind === 'Secret') tracker.dependOnSecret(namespace, o.name);
        await deps.outputs.write(obj, adapter.kind, sync.outputs);
      }
    }

    const nextStatus: Record<string, unknown> = {
      ...carryStatus(status, generation),
      externalId: current.externalId,
      atProvider: adapter.atProvider(current.observed),
      drift: (observeOnly ? diff : driftToReport(status, generation, isDrift ? kasmSideDiff : [])).map(({ field, desired, observed }) => ({
        field,
        ...(desired !== undefined ? { desired } : {}),
        ...(observed !== undefined ? { observed } : {}),
      })),
      ...(adapter.extraStatus?.(resolved, current.observed) ?? {}),
      ...sync.status,
    };
    const upToDate = diff.length === 0;
    obj = await deps.status.write(obj, nextStatus, [
      upToDate && sync.notReady
        ? { type: 'Ready', status: 'False', ...sync.notReady }
        : upToDate
        ? { type: 'Ready', status: 'True', reason: 'Available', message: 'The Kasm object exists and matches the spec' }
        : observeOnly
          ? { type: 'Ready', status: 'False', reason: 'Drifted', message: `Differs from the spec in ${diff.map((d) => d.field).join(', ')}; managementPolicies do not include Update` }
          : { type: 'Ready', status: 'False', reason: 'Updating', message: `Fields still differ: ${diff.map((d) => d.field).join(', ')}` },
      { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: '' },
      { type: 'Stalled', status: 'False', reason: 'ReconcileSuccess', message: '' },
    ]);
    // The id annotation goes last, after the status that records it: a reconcile triggered by this
    // patch then reads a status that already has the id and what was applied.
    if (annotations[ANNOTATION_EXTERNAL_ID] !== current.externalId || ANNOTATION_CREATE_PENDING in annotations) {
      currentStep = 'record id';
      obj = await deps.metadata.patchMetadata(obj, {
        annotations: { [ANNOTATION_EXTERNAL_ID]: current.externalId, [ANNOTATION_CREATE_PENDING]: null },
      });
    }
    // Jittered, so objects created together do not poll together.
    const next = upToDate || observeOnly ? jitter(pollMs, 0.1) : 1000;
    return { requeueAfterMs: sync.requeueAfterMs === undefined ? next : Math.min(next, sync.requeueAfterMs) };
  } catch (err) {
    return handleFailure(err, obj, deps, log, status, generation, currentStep);
  }
}

/** A Kasm id in its plain 32-hex form; other ids (a grant's pair of ids) as written. */
function plainKasmId(id: string | undefined): string | undefined {
  return id === undefined ? undefined : (tryNormalizeKasmId(id) ?? id);
}

/**
 * status.drift: for an object the operator may update, the fields it last found changed in Kasm
 * outside the operator (and corrected), kept until the spec changes; under an observe-only policy,
 * the fields that differ now.
 */
function driftToReport(status: Record<string, unknown>, generation: number, found: readonly FieldDiff[]): readonly FieldDiff[] {
  if (found.length > 0) return found;
  const previous = Array.isArray(status.drift) ? (status.drift as FieldDiff[]) : [];
  return status.observedGeneration === generation ? previous : [];
}

function adoptionRefusal(kind: string, naturalKey: string, id: string | undefined): string {
  const idText = id ?? '<the Kasm id>';
  return (
    `Kasm already has a ${kind} "${naturalKey}"${id ? ` (id ${id})` : ''} that this resource did not create; ` +
    `to manage it, set the annotation ${ANNOTATION_EXTERNAL_ID}: "${idText}", or set managementPolicies: ["Observe"] to only observe it`
  );
}

/** Whether a failed create call may still have created the object in Kasm (its reply was lost). */
function createMayHaveHappened(err: unknown): boolean {
  if (err instanceof KasmTransportError) return err.mayHaveTakenEffect;
  if (err instanceof KasmServerError) return err.status !== 503;
  // Any other Kasm answer (an error_message, 4xx, 429, an open circuit) means nothing was created.
  return !(err instanceof KasmError);
}

function readyReason(status: Record<string, unknown>): string | undefined {
  const conditions = Array.isArray(status.conditions) ? (status.conditions as { type?: unknown; reason?: unknown }[]) : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  return typeof ready?.reason === 'string' ? ready.reason : undefined;
}

function carryStatus(status: Record<string, unknown>, generation: number): Record<string, unknown> {
  const { conditions: _c, ...rest } = status;
  return { ...rest, observedGeneration: generation };
}

async function finalize<TSpec, TResolved, TObserved>(
  adapter: ManagedKindAdapter<TSpec, TResolved, TObserved>,
  obj: ManagedObject,
  ctx: AdapterContext,
  policies: Policies,
  externalId: string | undefined,
  deps: ManagedReconcilerDeps,
  log: Logger,
): Promise<ReconcileOutcome> {
  const finalizers = obj.metadata?.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return {};
  const mayDelete = policies.deletionPolicy === 'Delete' && allows(policies.managementPolicies, 'Delete');
  if (mayDelete && externalId !== undefined) {
    const specParse = adapter.specSchema.safeParse(obj.spec ?? {});
    const spec = specParse.success ? specParse.data : undefined;
    // References may already be gone when everything is deleted together; delete by id then.
    const resolved = spec === undefined ? undefined : await adapter.resolve(spec, ctx, obj).catch(() => undefined);
    const naturalKey = resolved === undefined ? externalId : adapter.naturalKey(resolved);
    const current: Observation<TObserved> | undefined = resolved
      ? await adapter.observe(ctx, { externalId, naturalKey, byNaturalKey: false, resolved })
      : undefined;
    if (current !== undefined || resolved === undefined) {
      obj = await deps.status.write(obj, obj.status ?? {}, [
        { type: 'Ready', status: 'False', reason: 'Deleting', message: `Deleting ${adapter.kind} "${naturalKey}" from Kasm` },
      ]);
      try {
        await adapter.delete(ctx, current ?? { externalId }, resolved, spec);
      } catch (err) {
        if (!(err instanceof KasmNotFoundError)) throw err;
      }
      deps.events.emit(obj, { type: 'Normal', reason: 'Deleted', action: 'Delete', note: `Deleted ${adapter.kind} "${naturalKey}" (${externalId}) from Kasm` });
      log.info({ externalId }, 'deleted from Kasm');
    }
  } else if (externalId !== undefined) {
    log.info({ externalId, deletionPolicy: policies.deletionPolicy }, 'orphaning the Kasm object');
  }
  await deps.metadata.patchMetadata(obj, { finalizers: finalizers.filter((f) => f !== FINALIZER) });
  return {};
}

interface Report {
  ready: { status: 'True' | 'False'; reason: string; message: string };
  synced: true | { reason: string; message: string };
  stalled?: { reason: string; message: string };
  requeueAfterMs?: number;
}

async function report(
  obj: ManagedObject,
  deps: ManagedReconcilerDeps,
  status: Record<string, unknown>,
  generation: number,
  r: Report,
): Promise<ReconcileOutcome> {
  const conditions: ConditionInput[] = [
    { type: 'Ready', ...r.ready },
    r.synced === true
      ? { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: '' }
      : { type: 'Synced', status: 'False', reason: r.synced.reason, message: r.synced.message },
    r.stalled
      ? { type: 'Stalled', status: 'True', reason: r.stalled.reason, message: r.stalled.message }
      : { type: 'Stalled', status: 'False', reason: 'ReconcileSuccess', message: '' },
  ];
  await deps.status.write(obj, carryStatus(status, generation), conditions);
  return r.requeueAfterMs === undefined ? {} : { requeueAfterMs: r.requeueAfterMs };
}

/** How a failure shows in conditions, and whether the queue backs off (retryable) or waits long (stalled). */
export function classifyFailure(err: unknown): { readyReason: string; syncedReason: string; message: string; stalled: boolean } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ReconcileError) {
    if (err instanceof DeleteBlockedError) return { readyReason: 'Deleting', syncedReason: err.reason, message, stalled: false };
    return { readyReason: err.reason, syncedReason: err.reason, message, stalled: !err.retryable };
  }
  if (err instanceof InvalidAnnotationError) return { readyReason: 'InvalidSpec', syncedReason: 'InvalidSpec', message, stalled: true };
  if (err instanceof KasmPermissionError) {
    return { readyReason: 'PermissionDenied', syncedReason: 'PermissionDenied', message, stalled: true };
  }
  if (err instanceof KasmAuthenticationError) {
    return { readyReason: 'AuthenticationFailed', syncedReason: 'AuthenticationFailed', message: `${message}; check the connection's API key and secret`, stalled: true };
  }
  if (err instanceof KasmError) {
    if (err.code === 'Conflict') return { readyReason: 'Conflict', syncedReason: 'Conflict', message, stalled: true };
    if (err instanceof KasmBusinessError && !err.retryable) return { readyReason: 'KasmRejected', syncedReason: 'KasmRejected', message, stalled: true };
    if (err.code === 'InvalidRequest') return { readyReason: 'InvalidSpec', syncedReason: 'InvalidSpec', message, stalled: true };
    if (err.code === 'InvalidResponse') return { readyReason: 'KasmUnavailable', syncedReason: 'InvalidResponse', message, stalled: false };
    if (err.retryable) return { readyReason: 'KasmUnavailable', syncedReason: 'KasmUnavailable', message, stalled: false };
    return { readyReason: 'KasmError', syncedReason: 'KasmError', message, stalled: false };
  }
  return { readyReason: 'ReconcileError', syncedReason: 'ReconcileError', message, stalled: false };
}

async function handleFailure(
  err: unknown,
  obj: ManagedObject,
  deps: ManagedReconcilerDeps,
  log: Logger,
  status: Record<string, unknown>,
  generation: number,
  step: string,
): Promise<ReconcileOutcome> {
  const c = classifyFailure(err);
  const deleting = obj.metadata?.deletionTimestamp !== undefined;
  // Waiting for a reference is a normal state of a freshly applied set of objects, not a failure.
  const level = c.stalled ? 'error' : c.syncedReason === 'ReferenceNotReady' ? 'info' : 'warn';
  // The condition keeps a message that stays the same across retries; the event and log may say more.
  const detail = err instanceof ReconcileError && err.detail !== undefined ? err.detail : c.message;
  log[level]({ step, reason: c.syncedReason, err: { name: (err as Error).name, message: detail } }, 'reconcile failed');
  deps.events.emit(obj, { type: 'Warning', reason: c.syncedReason, action: step, note: detail });
  try {
    await report(obj, deps, status, generation, {
      ready: { status: 'False', reason: deleting ? 'Deleting' : c.readyReason, message: c.message },
      synced: { reason: c.syncedReason, message: c.message },
      ...(c.stalled ? { stalled: { reason: c.syncedReason, message: c.message } } : {}),
    });
  } catch (writeErr) {
    log.warn({ err: (writeErr as Error).message }, 'status write failed');
  }
  if (c.stalled) return { requeueAfterMs: deps.stalledRetryMs };
  throw new RetryLater(err);
}

export type { FieldDiff };
