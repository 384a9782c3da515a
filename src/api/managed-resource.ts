import { z } from 'zod';
import { conditionsSchema } from './conditions.js';
import { localRef } from './references.js';
import { withCrdMeta, withSharedRules } from './validation-rules.js';

/**
 * Fields every managed kind (a custom resource backed by one Kasm object) shares, in spec and status.
 *
 * Defaults live in code, not in the CRD: the operator applies them when it parses the spec with
 * these schemas (zod `.default`), and the generated CRD carries no `default`. A server-side default
 * would add fields the manifest does not have, and Argo CD would then show every object as out of
 * sync. The generator notes each default in the field's description instead.
 */

export const DeletionPolicy = { Delete: 'Delete', Orphan: 'Orphan' } as const;
export type DeletionPolicy = (typeof DeletionPolicy)[keyof typeof DeletionPolicy];

export const ManagementPolicy = {
  All: '*',
  Observe: 'Observe',
  Create: 'Create',
  Update: 'Update',
  Delete: 'Delete',
} as const;
export type ManagementPolicy = (typeof ManagementPolicy)[keyof typeof ManagementPolicy];

/** Policies that only let the operator read: ["Observe"]. */
export const isObserveOnly = (policies: readonly string[]): boolean => policies.length === 1 && policies[0] === ManagementPolicy.Observe;

export const connectionRef = localRef('KasmConnection').describe(
  'The KasmConnection (same namespace) that says which Kasm server to manage this object on. When absent, the operator\'s default connection (KASM_BASE_URL, KASM_API_KEY, KASM_API_SECRET) is used.',
);

export const deletionPolicy = z
  .enum(['Delete', 'Orphan'])
  .default('Delete')
  .describe('What happens to the Kasm object when this resource is deleted: Delete removes it from Kasm, Orphan leaves it there.');

export const managementPolicies = withSharedRules(
  withCrdMeta(
    z
      .array(z.enum(['*', 'Observe', 'Create', 'Update', 'Delete']))
      .min(1)
      .max(5)
      .default(['*'])
      .describe(
        'What the operator may do to the Kasm object: "*" (everything), or any of Observe (read and report status), Create, Update, Delete. ["Observe"] adopts an existing Kasm object and reports it without writing.',
      ),
    { 'x-kubernetes-list-type': 'set' },
  ),
  [{ holds: (list) => !list.includes('*') || list.length === 1, cel: "!('*' in self) || size(self) == 1", message: '"*" already grants every action; list it alone' }],
);

/** Spec fields of every managed kind; spread into a kind's spec shape with `managedSpec`. */
export const managedSpecShape = {
  connectionRef: connectionRef.optional(),
  deletionPolicy,
  managementPolicies,
};

/** A managed kind's spec: the shared fields followed by the kind's own. */
export function managedSpec<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...managedSpecShape, ...shape });
}

/** One field that differed between the spec and Kasm at the last observation. Secrets never show a value. */
export const driftEntry = z
  .object({
    field: z.string().min(1).describe('Spec field path that differs, e.g. firstName or settings[allow_kasm_sharing].'),
    desired: z.string().optional().describe('Value the spec asks for (absent for secret fields).'),
    observed: z.string().optional().describe('Value Kasm reported (absent for secret fields).'),
  })
  .describe('A field that differed between the spec and Kasm.');
export type DriftEntry = z.infer<typeof driftEntry>;

export const managedStatusShape = {
  conditions: conditionsSchema.optional(),
  observedGeneration: z.int().min(0).optional().describe('metadata.generation the status was computed from.'),
  externalId: z.string().max(64).optional().describe('Id of the Kasm object (also in the kasm.io/external-id annotation).'),
  drift: z
    .array(driftEntry)
    .optional()
    .describe(
      'Fields found changed in Kasm outside the operator at the last drift it corrected, kept until the spec changes. Under managementPolicies without Update: the fields that differ now.',
    ),
};

/** A managed kind's status: the shared fields, `atProvider` (what Kasm reports, secrets excluded) and the kind's extras. */
export function managedStatus<AtProvider extends z.ZodObject, Extra extends z.ZodRawShape>(atProvider: AtProvider, extra: Extra) {
  return z
    .object({
      ...managedStatusShape,
      atProvider: atProvider.optional(),
      ...extra,
    })
    .describe('State observed by the operator.');
}
