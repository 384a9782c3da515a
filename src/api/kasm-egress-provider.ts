import { z } from 'zod';
import { egressConfigAtProviderShape, egressConfigShape, secretVersions, withConfigRules } from './kasm-egress-config.js';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmName } from './references.js';
import { immutable } from './validation-rules.js';

/**
 * KasmEgressProvider: a VPN or proxy service Kasm routes session traffic through
 * (create/update/delete_egress_provider, observed with get_egress_providers). Adopted by name.
 */

/** The provider types Kasm knows (the client and the simulator agree on these). */
export const EGRESS_PROVIDER_TYPES = ['wireguard', 'openvpn', 'http_proxy', 'socks_proxy'] as const;

export const kasmEgressProviderSpec = withConfigRules(
  managedSpec({
    name: kasmName(255).describe('Name of the provider, unique in Kasm. The natural key used to adopt an existing provider.'),
    egressProviderType: immutable(
      z.enum(EGRESS_PROVIDER_TYPES).describe('Kind of service: wireguard, openvpn, http_proxy or socks_proxy. Cannot change.'),
      'egressProviderType cannot change: its gateways and credentials are made for one type; create a new KasmEgressProvider',
    ),
    enabled: z.boolean().optional().describe('Sessions may use the provider. Left out: not managed.'),
    ...egressConfigShape,
  }),
).describe('The Kasm egress provider to manage.');
export type KasmEgressProviderSpec = z.infer<typeof kasmEgressProviderSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
export const kasmEgressProviderAtProvider = z
  .object({
    egressProviderId: z.string().describe('Kasm id of the provider.'),
    name: z.string().describe('Name.'),
    egressProviderType: z.string().nullable().optional().describe('Kind of service.'),
    enabled: z.boolean().nullable().optional().describe('Whether sessions may use it.'),
    ...egressConfigAtProviderShape,
  })
  .describe('The provider as Kasm reports it (secret config values are never shown).');

export const kasmEgressProviderStatus = managedStatus(kasmEgressProviderAtProvider, { secretVersions });

export const kasmEgressProviderKind = defineKind({
  kind: 'KasmEgressProvider',
  plural: 'kasmegressproviders',
  shortNames: ['kegp'],
  description: 'A Kasm Workspaces egress provider: a VPN or proxy service that session traffic can leave through.',
  managed: true,
  spec: kasmEgressProviderSpec,
  status: kasmEgressProviderStatus,
  printerColumns: [
    { name: 'PROVIDER', type: 'string', jsonPath: '.spec.name', description: 'Name in Kasm.' },
    { name: 'TYPE', type: 'string', jsonPath: '.spec.egressProviderType', description: 'Kind of service.' },
    { name: 'ENABLED', type: 'boolean', jsonPath: '.status.atProvider.enabled', description: 'Whether sessions may use it, as Kasm reports.' },
  ],
});
export type KasmEgressProvider = z.infer<typeof kasmEgressProviderKind.resource>;
