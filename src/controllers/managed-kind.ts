import type { Logger } from 'pino';
import type { z } from 'zod';
import type { KasmClient } from '../kasm/client.js';
import type { KubeObject } from '../runtime/kube-object.js';
import type { Inventory } from './inventory.js';
import type { OwnedOutput } from './owned-outputs.js';

/** One field that differs between the spec and what Kasm reports (secrets are never put in `desired`/`observed`). */
export interface FieldDiff {
  field: string;
  desired?: string;
  observed?: string;
  /** The difference comes from a changed input (a Secret), not from a change made in Kasm. */
  fromInput?: boolean;
}

/** A custom resource as the managed reconciler sees it: metadata, a spec, a status. */
export type ManagedObject = KubeObject & {
  spec?: unknown;
  status?: Record<string, unknown>;
};

/** Reads from the cluster that adapters need: referenced objects and Secrets, through the informer caches. */
export interface ClusterReader {
  /** A referenced managed object of `kind` in `namespace`, or undefined. */
  getObject(kind: string, namespace: string, name: string): ManagedObject | undefined;
  /** A Secret's key, decoded. Throws SecretNotFoundError naming the Secret/key and the fix. */
  readSecretKey(namespace: string, name: string, key: string): string;
  /** The Secret's resourceVersion, to notice a changed value without keeping the value. */
  secretVersion(namespace: string, name: string): string | undefined;
}

/** Records that the reconciled object depends on another object or Secret, so a change to it requeues this one. */
export interface DependencyTracker {
  dependOnObject(kind: string, namespace: string, name: string): void;
  dependOnSecret(namespace: string, name: string): void;
  /** A Kasm record (by id or natural key) in one of the connection's inventories. */
  dependOnKasm(inventory: string, idOrKey: string): void;
  /** The connection the object uses; set by the reconciler before the adapter runs. */
  connection: string | undefined;
}

export interface InventoryProvider {
  /** The shared bulk inventory of `name` for the object's connection. */
  get<T>(name: string, create: () => Inventory<T>): Inventory<T>;
}

/**
 * How adapters read Kasm: `bulk` serves every object from one list call per kind per poll interval
 * (the operator's design); `per-object` reads each object on its own, the usual operator design,
 * kept to measure the difference (bench/).
 */
export type ObservationMode = 'bulk' | 'per-object';

/** What an adapter gets for one reconcile. */
export interface AdapterContext {
  readonly kasm: KasmClient;
  readonly inventories: InventoryProvider;
  /** Absent means `bulk`. */
  readonly observation?: ObservationMode;
  readonly cluster: ClusterReader;
  readonly deps: DependencyTracker;
  readonly logger: Logger;
  readonly namespace: string;
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal;
}

/** The observed Kasm object with what status needs from it. */
export interface Observation<TObserved> {
  observed: TObserved;
  externalId: string;
}

/** What an adapter's `afterSync` adds to a reconcile once the Kasm object exists. */
export interface SyncOutcome {
  /** Status fields of the kind's own (merged over the generic ones; no secrets). */
  status?: Record<string, unknown>;
  /** Secrets and ConfigMaps to write, owned by the resource; an output not listed this time is left as it is. */
  outputs?: readonly OwnedOutput[];
  /** The Kasm object matches the spec but is not usable yet (a session starting): Ready stays False with this. */
  notReady?: { reason: string; message: string };
  /** Look again sooner than the poll interval (a starting session, a keepalive, a renewal). */
  requeueAfterMs?: number;
  /** Events to record on the resource. */
  events?: readonly { type: 'Normal' | 'Warning'; reason: string; note: string }[];
}

/** What the reconciler does when a Kasm object it created or adopted is gone. */
export type GoneAction = 'recreate' | { reason: string; message: string };

/**
 * What a kind supplies: the generic reconciler owns finalizers, policies, conditions, events,
 * status, crash-safe creation and requeue; the adapter only talks to Kasm and compares.
 */
export interface ManagedKindAdapter<TSpec, TResolved, TObserved> {
  readonly kind: string;
  /** Parses the spec (defaults applied); failure is InvalidSpec. */
  readonly specSchema: z.ZodType<TSpec>;
  /** Resolves references and Secrets; throws ReferenceNotReadyError / SecretNotFoundError. */
  resolve(spec: TSpec, ctx: AdapterContext, obj: ManagedObject): Promise<TResolved>;
  /** The Kasm natural key (username, group name ...) used for adoption. */
  naturalKey(resolved: TResolved): string;
  /** Finds the Kasm object by id when known, else by natural key when `byNaturalKey`; undefined when absent. */
  observe(
    ctx: AdapterContext,
    lookup: {
      /** The annotated or recorded id; a Kasm id comes in its plain 32-hex form, however the annotation wrote it. */
      externalId: string | undefined;
      naturalKey: string;
      byNaturalKey: boolean;
      resolved: TResolved;
      /** Read Kasm now rather than from a snapshot (after a create whose outcome is unknown). */
      refresh?: boolean;
    },
  ): Promise<Observation<TObserved> | undefined>;
  create(ctx: AdapterContext, resolved: TResolved): Promise<Observation<TObserved>>;
  /** Applies the differing fields; returns the new observation. */
  update(ctx: AdapterContext, current: Observation<TObserved>, resolved: TResolved, diff: readonly FieldDiff[]): Promise<Observation<TObserved>>;
  /**
   * Deletes in Kasm; NotFound is success (the generic part catches it). When the references are
   * already gone (everything deleted together) nothing could be resolved or observed: `resolved` is
   * undefined and `current` has only the recorded id.
   */
  delete(ctx: AdapterContext, current: Observation<TObserved> | { externalId: string; observed?: undefined }, resolved: TResolved | undefined, spec: TSpec | undefined): Promise<void>;
  /** Fields that differ, [] when up to date. `status` is the object's status (e.g. applied password version). */
  diff(resolved: TResolved, observed: TObserved, status: Record<string, unknown> | undefined): FieldDiff[];
  /** What Kasm reports, for status.atProvider (no secrets). */
  atProvider(observed: TObserved): Record<string, unknown>;
  /**
   * Adopt a Kasm object found by natural key even when this resource did not create it. For
   * kinds whose Kasm side has no identity of its own (memberships), adopting is always safe.
   */
  readonly adoptsExisting?: boolean;
  /** Policies this kind defaults to when the spec leaves them out (the spec schema's defaults must agree). */
  readonly policyDefaults?: { managementPolicies?: readonly ('*' | 'Observe' | 'Create' | 'Update' | 'Delete')[]; deletionPolicy?: 'Delete' | 'Orphan' };
  /** Extra status fields the adapter keeps (e.g. the applied password Secret version). */
  extraStatus?(resolved: TResolved, observed: TObserved): Record<string, unknown>;
  /**
   * Work after the Kasm object exists and the spec is applied: calls that keep it alive, outputs to
   * write, readiness beyond "matches the spec". `status` is the object's status before this reconcile.
   */
  afterSync?(
    ctx: AdapterContext,
    args: { resolved: TResolved; current: Observation<TObserved>; status: Record<string, unknown>; generation: number; upToDate: boolean; created: boolean },
  ): Promise<SyncOutcome>;
  /**
   * When the Kasm object vanished (deleted out of band, a session Kasm ended): recreate it (the
   * default), or report it with this reason and message and create nothing.
   */
  whenGone?(resolved: TResolved, status: Record<string, unknown>): GoneAction;
}
