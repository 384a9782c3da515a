import { z } from 'zod';
import { timestamp } from './references.js';

/**
 * Condition types and reasons: a contract read by kubectl wait, kstatus (Flux, Argo CD) and
 * people. Ready says whether the Kasm object exists and equals the spec; Synced whether the last
 * reconcile ran without error; Stalled (True only) that retrying cannot help, so kstatus reports
 * Failed instead of waiting forever.
 */
export const ConditionType = {
  Ready: 'Ready',
  Synced: 'Synced',
  Stalled: 'Stalled',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export const ConditionStatus = {
  True: 'True',
  False: 'False',
  Unknown: 'Unknown',
} as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

export const ConditionReason = {
  // Ready=True
  /** The Kasm object exists and equals the spec (for KasmConnection: reachable and authenticated). */
  Available: 'Available',
  // Ready=False, work in progress
  /** The Kasm object is being created. */
  Creating: 'Creating',
  /** The Kasm object differs from the spec and is being updated. */
  Updating: 'Updating',
  /** The custom resource is being deleted (and the Kasm object, unless orphaned). */
  Deleting: 'Deleting',
  /** A referenced object (KasmConnection, KasmUser, KasmGroup ...) does not exist or is not Ready yet. */
  ReferenceNotReady: 'ReferenceNotReady',
  // Ready=False, waiting on the outside world
  /** Kasm could not be reached or answered with a transient failure (5xx, 429, timeout, open circuit). */
  KasmUnavailable: 'KasmUnavailable',
  /** The Kasm object differs from the spec and the management policies forbid updating it. */
  Drifted: 'Drifted',
  /** Under management policies without Create the Kasm object does not exist. */
  NotFound: 'NotFound',
  /** Kasm refused the delete for a reason the spec can change (for example live sessions without forceDelete). */
  DeleteBlocked: 'DeleteBlocked',
  // Ready=False (and usually Stalled=True): retrying cannot help
  /** The spec cannot be acted on; the message names the field and the fix. */
  InvalidSpec: 'InvalidSpec',
  /** A Secret or key the spec names does not exist. */
  SecretNotFound: 'SecretNotFound',
  /** The natural key (username, group name ...) belongs to a Kasm object this resource may not adopt. */
  Conflict: 'Conflict',
  /** Kasm rejected the API key or secret (401). */
  AuthenticationFailed: 'AuthenticationFailed',
  /** The API key lacks a permission the call needs (403). */
  PermissionDenied: 'PermissionDenied',
  /** Kasm answered with a body the operator cannot read. */
  InvalidResponse: 'InvalidResponse',
  /** Kasm reported an error the operator has no more specific reason for. */
  KasmError: 'KasmError',
  // Synced
  /** The last reconcile ran without error. */
  ReconcileSuccess: 'ReconcileSuccess',
  /** The last reconcile failed; the message says why. */
  ReconcileError: 'ReconcileError',
  /** Reconciling is stopped by the kasm.io/paused annotation. */
  Paused: 'Paused',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/**
 * The reason-to-condition map the reconciler follows. Stalled is True for reasons no retry can fix
 * (the object or its Secret/permissions must change first), False otherwise.
 */
export const STALLED_REASONS: ReadonlySet<ConditionReason> = new Set<ConditionReason>([
  ConditionReason.InvalidSpec,
  ConditionReason.SecretNotFound,
  ConditionReason.Conflict,
  ConditionReason.AuthenticationFailed,
  ConditionReason.PermissionDenied,
]);

// Same shape and bounds as metav1.Condition, so generic tooling reads it.
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export const conditionSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(316)
      .describe('Condition type: Ready, Synced or Stalled.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('True, False or Unknown.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(REASON_PATTERN)
      .describe('One-word CamelCase reason for the last transition, e.g. Available, Creating, ReferenceNotReady.'),
    message: z.string().max(32768).optional().describe('Human-readable detail: for failures, what went wrong and how to fix it.'),
    lastTransitionTime: timestamp.describe('When the status of this condition last changed.'),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation of the object the condition was computed from.'),
  })
  .describe('One observation of the object state.');
export type Condition = z.infer<typeof conditionSchema>;

export const conditionsSchema = z
  .array(conditionSchema)
  .meta({
    description: 'Ready, Synced and Stalled conditions, one entry per type.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
