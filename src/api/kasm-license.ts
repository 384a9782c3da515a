import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { isObserveOnly, managedSpec, managedStatus } from './managed-resource.js';
import { secretKeyRef, timestamp } from './references.js';
import { withSharedRules } from './validation-rules.js';

/**
 * KasmLicense: a Kasm licence activated from an activation key kept in a Secret (activate),
 * observed with get_licenses. Kasm has no licence update or delete: a changed key, seats or
 * issuedTo activates again, and deleting the resource leaves the licence installed
 * (deletionPolicy is Orphan and nothing else). The key is only ever sent in the activate call.
 */

export const kasmLicenseSpec = withSharedRules(
  managedSpec({
    // Orphan by default: the shared default (Delete) is something this kind cannot honour.
    deletionPolicy: z
      .enum(['Delete', 'Orphan'])
      .default('Orphan')
      .describe('Only Orphan: Kasm\'s API cannot remove a licence, so deleting this resource leaves the licence installed in Kasm.'),
    activationKeySecretRef: secretKeyRef
      .optional()
      .describe(
        'Secret key holding the activation key. The key is sent to Kasm\'s activate call and nowhere else; a changed Secret activates the key it now holds (the previous licence stays in Kasm). Not needed under managementPolicies: ["Observe"].',
      ),
    seats: z.int().min(1).max(1_000_000).optional().describe('Seats to activate (Kasm: seats); Kasm reports the resulting limit in status.atProvider.limit. A change activates again.'),
    issuedTo: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('Organisation the licence is issued to (Kasm: issued_to). A change activates again. Under managementPolicies: ["Observe"] it names the licence to observe.'),
  }).describe('The licence to activate. Deleting the resource leaves the licence in Kasm, which cannot remove licences.'),
  [
    {
      holds: (spec) => spec.deletionPolicy === 'Orphan',
      cel: "!has(self.deletionPolicy) || self.deletionPolicy == 'Orphan'",
      message: 'Kasm\'s API cannot remove a licence, so deleting a KasmLicense leaves the licence in Kasm: leave deletionPolicy out or set it to Orphan',
      path: ['deletionPolicy'],
    },
    {
      holds: (spec) => spec.activationKeySecretRef !== undefined || isObserveOnly(spec.managementPolicies),
      cel: "has(self.activationKeySecretRef) || (has(self.managementPolicies) && self.managementPolicies == ['Observe'])",
      message: 'set activationKeySecretRef to the Secret key holding the activation key (only managementPolicies: ["Observe"] may leave it out)',
      path: ['activationKeySecretRef'],
    },
  ],
);
export type KasmLicenseSpec = z.infer<typeof kasmLicenseSpec>;

export const kasmLicenseAtProvider = z
  .object({
    licenseId: z.string().describe('Kasm id of the licence.'),
    licenseType: z.string().nullable().optional().describe('Licence type, e.g. Per Concurrent Session.'),
    sku: z.string().nullable().optional().describe('Product SKU, e.g. ENT.'),
    issuedTo: z.string().nullable().optional().describe('Organisation the licence is issued to.'),
    issuedAt: timestamp.nullable().optional().describe('When the licence was issued.'),
    expiration: timestamp.nullable().optional().describe('When the licence expires.'),
    limit: z.int().nullable().optional().describe('Seats (sessions or users, per the licence type) the licence allows.'),
    isVerified: z.boolean().nullable().optional().describe('Whether Kasm verified the licence.'),
    features: z.record(z.string(), z.boolean()).optional().describe('Features the licence grants (true) or not (false), by Kasm\'s name, e.g. session_casting.'),
  })
  .describe('The licence as Kasm reports it (the activation key is never shown).');
export type KasmLicenseAtProvider = z.infer<typeof kasmLicenseAtProvider>;

export const kasmLicenseActivation = z
  .object({
    secretVersion: z.string().max(64).describe('resourceVersion of the activation key Secret that was activated.'),
    seats: z.int().optional().describe('Seats sent with the activation.'),
    issuedTo: z.string().optional().describe('issuedTo sent with the activation.'),
    activatedAt: timestamp.describe('When the operator activated it.'),
  })
  .describe('What the operator last sent to activate; a spec or Secret that differs activates again. No key is kept.');
export type KasmLicenseActivation = z.infer<typeof kasmLicenseActivation>;

export const kasmLicenseStatus = managedStatus(kasmLicenseAtProvider, { activation: kasmLicenseActivation.optional() });
export type KasmLicenseStatus = z.infer<typeof kasmLicenseStatus>;

export const kasmLicenseKind = defineKind({
  kind: 'KasmLicense',
  plural: 'kasmlicenses',
  shortNames: ['klic'],
  description: 'A Kasm Workspaces licence, activated from a key in a Secret.',
  managed: true,
  spec: kasmLicenseSpec,
  status: kasmLicenseStatus,
  printerColumns: [
    { name: 'TYPE', type: 'string', jsonPath: '.status.atProvider.licenseType', description: 'Licence type.' },
    { name: 'LIMIT', type: 'integer', jsonPath: '.status.atProvider.limit', description: 'Seats the licence allows.' },
    { name: 'EXPIRES', type: 'string', jsonPath: '.status.atProvider.expiration', description: 'When the licence expires.' },
  ],
});
export type KasmLicenseResource = z.infer<typeof kasmLicenseKind.resource>;
