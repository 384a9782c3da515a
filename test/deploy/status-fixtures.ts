/**
 * kasm.io objects in the states the operator puts them in, with what kstatus (Flux) and the
 * Argo CD health script must make of each. One table, so the two readings can be compared.
 */
import { ConditionReason, STALLED_REASONS } from '../../src/api/conditions.js';
import type { KstatusStatus } from './kstatus.js';

export type ArgoHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

interface ConditionFixture {
  type: 'Ready' | 'Synced' | 'Stalled' | 'Reconciling';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  observedGeneration?: number;
}

export interface StatusFixture {
  name: string;
  obj: Record<string, unknown> | undefined;
  kstatus: KstatusStatus;
  /** Undefined where Argo CD decides without the script (an absent object is Missing). */
  argo: ArgoHealth | undefined;
  /** Text the Argo CD message must contain. */
  argoMessage?: RegExp;
}

interface ObjectOptions {
  kind?: string;
  generation?: number;
  observedGeneration?: number;
  conditions?: ConditionFixture[];
  annotations?: Record<string, string>;
  deleting?: boolean;
  noStatus?: boolean;
}

/** A kasm.io object as the API server returns it, with conditions stamped with the observed generation. */
export function kasmObject(options: ObjectOptions = {}): Record<string, unknown> {
  const generation = options.generation ?? 1;
  const observed = options.observedGeneration ?? generation;
  const metadata: Record<string, unknown> = {
    name: 'alice',
    namespace: 'team-a',
    uid: '0b7c1f2e-5d0a-4b8e-9a55-1d2c3e4f5a6b',
    generation,
    creationTimestamp: '2026-01-02T03:04:05Z',
    finalizers: ['kasm.io/finalizer'],
  };
  if (options.annotations) metadata.annotations = options.annotations;
  if (options.deleting) metadata.deletionTimestamp = '2026-01-02T04:00:00Z';
  const obj: Record<string, unknown> = {
    apiVersion: 'kasm.io/v1alpha1',
    kind: options.kind ?? 'KasmUser',
    metadata,
    spec: { username: 'alice@example.com' },
  };
  if (!options.noStatus) {
    obj.status = {
      observedGeneration: observed,
      externalId: '5b8e1c3f9d2a4e6f8a0b1c2d3e4f5a6b',
      conditions: (options.conditions ?? []).map((c) => ({
        lastTransitionTime: '2026-01-02T03:05:00Z',
        observedGeneration: observed,
        message: '',
        ...c,
      })),
    };
  }
  return obj;
}

const ready: ConditionFixture = { type: 'Ready', status: 'True', reason: 'Available', message: 'The Kasm object exists and matches the spec' };
const synced: ConditionFixture = { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' };
const notStalled: ConditionFixture = { type: 'Stalled', status: 'False', reason: 'ReconcileSuccess' };
const failedSync = (message: string): ConditionFixture => ({ type: 'Synced', status: 'False', reason: 'ReconcileError', message });
const notReady = (reason: string, message: string): ConditionFixture => ({ type: 'Ready', status: 'False', reason, message });
const stalled = (reason: string, message: string): ConditionFixture => ({ type: 'Stalled', status: 'True', reason, message });

/** Every reason the operator writes with Ready=False. */
export const readyFalseReasons = Object.values(ConditionReason).filter((r) => !['Available', 'ReconcileSuccess', 'ReconcileError', 'Paused'].includes(r));

/** Ready=False with `reason`, and the Synced and Stalled conditions the operator writes with it. */
export function notReadyAsWritten(reason: ConditionReason): Record<string, unknown> {
  const permanent = STALLED_REASONS.has(reason);
  return kasmObject({
    conditions: [
      { type: 'Ready', status: 'False', reason, message: `because ${reason}` },
      { type: 'Synced', status: permanent ? 'False' : 'True', reason: permanent ? 'ReconcileError' : 'ReconcileSuccess' },
      { type: 'Stalled', status: permanent ? 'True' : 'False', reason: permanent ? reason : 'ReconcileSuccess', message: `because ${reason}` },
    ],
  });
}

export const statusFixtures: StatusFixture[] = [
  { name: 'absent', obj: undefined, kstatus: 'NotFound', argo: undefined },
  {
    // kstatus reads a status-less object as Current; Argo CD waits for the operator.
    name: 'just created, no status yet',
    obj: kasmObject({ noStatus: true }),
    kstatus: 'Current',
    argo: 'Progressing',
    argoMessage: /operator/,
  },
  {
    name: 'being created in Kasm',
    obj: kasmObject({ conditions: [notReady('Creating', 'Creating KasmUser "alice@example.com" in Kasm'), synced, notStalled] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
    argoMessage: /Creating/,
  },
  {
    name: 'ready',
    obj: kasmObject({ conditions: [ready, synced, notStalled] }),
    kstatus: 'Current',
    argo: 'Healthy',
  },
  {
    name: 'ready, another kind',
    obj: kasmObject({ kind: 'KasmConnection', conditions: [{ ...ready, message: 'Reachable and authenticated' }, synced, notStalled] }),
    kstatus: 'Current',
    argo: 'Healthy',
  },
  {
    name: 'spec changed, new generation not observed yet',
    obj: kasmObject({ generation: 2, observedGeneration: 1, conditions: [ready, synced, notStalled] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
    argoMessage: /generation 2/,
  },
  {
    name: 'updating fields that differ',
    obj: kasmObject({ generation: 2, conditions: [notReady('Updating', 'Fields still differ: firstName'), synced, notStalled] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
  },
  {
    name: 'waiting for a referenced object',
    obj: kasmObject({
      conditions: [notReady('ReferenceNotReady', 'KasmGroup "developers" is not Ready'), failedSync('KasmGroup "developers" is not Ready'), notStalled],
    }),
    kstatus: 'InProgress',
    argo: 'Progressing',
    argoMessage: /ReferenceNotReady/,
  },
  {
    name: 'Kasm unreachable (retried)',
    obj: kasmObject({ conditions: [notReady('KasmUnavailable', 'Kasm answered 503'), failedSync('Kasm answered 503'), notStalled] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
  },
  {
    name: 'invalid spec (stalled)',
    obj: kasmObject({
      conditions: [
        notReady('InvalidSpec', 'spec.username: must be an email address'),
        failedSync('spec.username: must be an email address'),
        stalled('InvalidSpec', 'spec.username: must be an email address'),
      ],
    }),
    kstatus: 'Failed',
    argo: 'Degraded',
    argoMessage: /spec\.username/,
  },
  {
    name: 'permission denied by Kasm (stalled)',
    obj: kasmObject({
      conditions: [notReady('PermissionDenied', 'the API key lacks Users Create'), failedSync('403'), stalled('PermissionDenied', 'the API key lacks Users Create')],
    }),
    kstatus: 'Failed',
    argo: 'Degraded',
  },
  {
    name: 'stalled, but the spec changed since',
    obj: kasmObject({ generation: 3, observedGeneration: 2, conditions: [notReady('InvalidSpec', 'bad'), failedSync('bad'), stalled('InvalidSpec', 'bad')] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
  },
  {
    // Nothing retries this away: the management policies forbid the update that would fix it.
    name: 'drifted under an observe-only policy',
    obj: kasmObject({ conditions: [notReady('Drifted', 'Differs from the spec in firstName; managementPolicies do not include Update'), synced, notStalled] }),
    kstatus: 'InProgress',
    argo: 'Degraded',
    argoMessage: /Drifted/,
  },
  {
    name: 'ready, last poll failed transiently',
    obj: kasmObject({ conditions: [ready, failedSync('Kasm answered 502'), notStalled] }),
    kstatus: 'Current',
    argo: 'Healthy',
    argoMessage: /502/,
  },
  {
    name: 'Ready Unknown',
    obj: kasmObject({ conditions: [{ type: 'Ready', status: 'Unknown', reason: 'Creating' }] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
  },
  {
    name: 'a Reconciling condition',
    obj: kasmObject({ conditions: [{ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'working' }, ready] }),
    kstatus: 'InProgress',
    argo: 'Progressing',
  },
  {
    name: 'paused',
    obj: kasmObject({
      annotations: { 'kasm.io/paused': 'true' },
      conditions: [ready, { type: 'Synced', status: 'False', reason: 'Paused', message: 'Reconciliation is paused by the annotation kasm.io/paused' }, notStalled],
    }),
    kstatus: 'Current',
    argo: 'Suspended',
    argoMessage: /kasm\.io\/paused/,
  },
  {
    name: 'paused before the first reconcile',
    obj: kasmObject({ annotations: { 'kasm.io/paused': 'true' }, noStatus: true }),
    kstatus: 'Current',
    argo: 'Suspended',
  },
  {
    name: 'pause annotation with a value other than "true" (not paused)',
    obj: kasmObject({ annotations: { 'kasm.io/paused': 'yes' }, conditions: [ready, synced, notStalled] }),
    kstatus: 'Current',
    argo: 'Healthy',
  },
  {
    name: 'being deleted',
    obj: kasmObject({ deleting: true, conditions: [notReady('Deleting', 'Deleting KasmUser "alice@example.com" from Kasm'), synced, notStalled] }),
    kstatus: 'Terminating',
    argo: 'Progressing',
    argoMessage: /Delet/,
  },
  {
    name: 'being deleted while paused',
    obj: kasmObject({ deleting: true, annotations: { 'kasm.io/paused': 'true' }, conditions: [ready, synced, notStalled] }),
    kstatus: 'Terminating',
    argo: 'Progressing',
  },
  {
    name: 'status written for an older generation on the Ready condition only',
    obj: (() => {
      const obj = kasmObject({ generation: 2, conditions: [ready, synced, notStalled] });
      const conditions = (obj.status as { conditions: { type: string; observedGeneration: number }[] }).conditions;
      for (const c of conditions) if (c.type === 'Ready') c.observedGeneration = 1;
      return obj;
    })(),
    kstatus: 'Current',
    argo: 'Progressing',
    argoMessage: /generation 2/,
  },
];
