import { z } from 'zod';
import { egressConfigAtProviderShape, egressConfigShape, secretVersions, withConfigRules } from './kasm-egress-config.js';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, kasmName, localRef } from './references.js';
import { exactlyOneFixedOf } from './validation-rules.js';

/**
 * KasmEgressGateway: one exit point of an egress provider, e.g. a VPN server in a country
 * (create/update/delete_egress_gateway, observed with get_egress_gateways). Adopted by provider and
 * name. Its VPN configuration (an OpenVPN file, a WireGuard peer config) goes in secretConfig.
 */

const PROVIDER_FIELDS = ['providerRef', 'providerId'] as const;

const gatewaySpecObject = withConfigRules(
  managedSpec({
    providerRef: localRef('KasmEgressProvider')
      .optional()
      .describe('A KasmEgressProvider in the same namespace; the gateway is created once the provider is Ready.'),
    providerId: kasmId.optional().describe('Kasm id of an egress provider not managed in the cluster.'),
    name: kasmName(255).describe('Name of the gateway, unique within its provider. With the provider, the natural key used to adopt an existing gateway.'),
    country: z.string().max(64).optional().describe('Country the traffic leaves from, as users see it, e.g. DE.'),
    city: z.string().max(255).optional().describe('City the traffic leaves from, e.g. Frankfurt.'),
    enabled: z.boolean().optional().describe('Users may pick the gateway. Left out: not managed.'),
    ...egressConfigShape,
  }),
).describe('The gateway to manage and the provider it belongs to (exactly one of providerRef or providerId; fixed once created).');

export const kasmEgressGatewaySpec = exactlyOneFixedOf(
  gatewaySpecObject,
  PROVIDER_FIELDS,
  'egress provider',
  'the provider of a KasmEgressGateway cannot change; create a new KasmEgressGateway under the other provider',
);
export type KasmEgressGatewaySpec = z.infer<typeof kasmEgressGatewaySpec>;

export const kasmEgressGatewayAtProvider = z
  .object({
    egressGatewayId: z.string().describe('Kasm id of the gateway.'),
    egressProviderId: z.string().describe('Kasm id of its provider.'),
    name: z.string().describe('Name.'),
    country: z.string().nullable().optional().describe('Country.'),
    city: z.string().nullable().optional().describe('City.'),
    enabled: z.boolean().nullable().optional().describe('Whether users may pick it.'),
    ...egressConfigAtProviderShape,
  })
  .describe('The gateway as Kasm reports it (secret config values are never shown).');

export const kasmEgressGatewayStatus = managedStatus(kasmEgressGatewayAtProvider, { secretVersions });

export const kasmEgressGatewayKind = defineKind({
  kind: 'KasmEgressGateway',
  plural: 'kasmegressgateways',
  shortNames: ['kegg'],
  description: 'A Kasm Workspaces egress gateway: one exit point (VPN server, proxy) of an egress provider.',
  managed: true,
  spec: kasmEgressGatewaySpec,
  status: kasmEgressGatewayStatus,
  printerColumns: [
    { name: 'GATEWAY', type: 'string', jsonPath: '.spec.name', description: 'Name in Kasm.' },
    { name: 'PROVIDER', type: 'string', jsonPath: '.spec.providerRef.name', description: 'The KasmEgressProvider it belongs to.' },
    { name: 'COUNTRY', type: 'string', jsonPath: '.status.atProvider.country', description: 'Country, as Kasm reports.' },
    { name: 'ENABLED', type: 'boolean', jsonPath: '.status.atProvider.enabled', description: 'Whether users may pick it, as Kasm reports.' },
    { name: 'CITY', type: 'string', jsonPath: '.status.atProvider.city', description: 'City, as Kasm reports.', priority: 1 },
  ],
});
export type KasmEgressGateway = z.infer<typeof kasmEgressGatewayKind.resource>;
