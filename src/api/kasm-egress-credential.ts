import { z } from 'zod';
import { egressConfigAtProviderShape, egressConfigShape, secretVersions, withConfigRules } from './kasm-egress-config.js';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, kasmName, localRef, secretKeyRef } from './references.js';
import { exactlyOneFixedOf } from './validation-rules.js';

/**
 * KasmEgressCredential: what a session authenticates to an egress gateway with
 * (create/update/delete_egress_credential, observed with get_egress_credentials). In the Kasm model
 * this operator follows, a credential belongs to one gateway. Adopted by gateway and username. The
 * password is write-only in Kasm: it is sent again when its Secret changes or Kasm reports none.
 */

const GATEWAY_FIELDS = ['gatewayRef', 'gatewayId'] as const;

const credentialSpecObject = withConfigRules(
  managedSpec({
    gatewayRef: localRef('KasmEgressGateway')
      .optional()
      .describe('A KasmEgressGateway in the same namespace; the credential is created once the gateway is Ready.'),
    gatewayId: kasmId.optional().describe('Kasm id of an egress gateway not managed in the cluster.'),
    username: kasmName(255).describe('Username sent to the gateway. With the gateway, the natural key used to adopt an existing credential.'),
    passwordSecretRef: secretKeyRef
      .optional()
      .describe('Secret key holding the password. A changed Secret is sent to Kasm again. Left out: the password is not managed.'),
    ...egressConfigShape,
  }),
).describe('The credential to manage and the gateway it belongs to (exactly one of gatewayRef or gatewayId; fixed once created).');

export const kasmEgressCredentialSpec = exactlyOneFixedOf(
  credentialSpecObject,
  GATEWAY_FIELDS,
  'egress gateway',
  'the gateway of a KasmEgressCredential cannot change; create a new KasmEgressCredential for the other gateway',
);
export type KasmEgressCredentialSpec = z.infer<typeof kasmEgressCredentialSpec>;

export const kasmEgressCredentialAtProvider = z
  .object({
    egressCredentialId: z.string().describe('Kasm id of the credential.'),
    egressGatewayId: z.string().describe('Kasm id of its gateway.'),
    username: z.string().describe('Username.'),
    passwordSet: z.boolean().nullable().optional().describe('Whether Kasm holds a password (the password itself is never shown).'),
    ...egressConfigAtProviderShape,
  })
  .describe('The credential as Kasm reports it (the password and secret config values are never shown).');

export const kasmEgressCredentialStatus = managedStatus(kasmEgressCredentialAtProvider, { secretVersions });

export const kasmEgressCredentialKind = defineKind({
  kind: 'KasmEgressCredential',
  plural: 'kasmegresscredentials',
  shortNames: ['kegc'],
  description: 'A Kasm Workspaces egress credential: the username, password or key a session uses with an egress gateway.',
  managed: true,
  spec: kasmEgressCredentialSpec,
  status: kasmEgressCredentialStatus,
  printerColumns: [
    { name: 'USERNAME', type: 'string', jsonPath: '.spec.username', description: 'Username.' },
    { name: 'GATEWAY', type: 'string', jsonPath: '.spec.gatewayRef.name', description: 'The KasmEgressGateway it belongs to.' },
    { name: 'PASSWORD', type: 'boolean', jsonPath: '.status.atProvider.passwordSet', description: 'Whether Kasm holds a password.' },
  ],
});
export type KasmEgressCredential = z.infer<typeof kasmEgressCredentialKind.resource>;
