import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { isObserveOnly, managedSpec, managedStatus } from './managed-resource.js';
import { kasmName } from './references.js';
import { withCrdMeta, withSharedRules } from './validation-rules.js';

/**
 * KasmZone: a read-only view of one Kasm deployment zone, found by name in get_zones. Kasm's API
 * cannot create, change or delete zones, so managementPolicies defaults to ["Observe"] and allows
 * nothing else. Deleting the resource leaves the zone alone.
 */

/** The shared field with this kind's default: only observing is possible. */
const zonePolicies = withCrdMeta(
  z
    .array(z.enum(['*', 'Observe', 'Create', 'Update', 'Delete']))
    .min(1)
    .max(5)
    .default(['Observe'])
    .describe('Only ["Observe"]: the operator reads the zone and reports it; zones are managed in the Kasm admin UI.'),
  { 'x-kubernetes-list-type': 'set' },
);

export const kasmZoneSpec = withSharedRules(
  managedSpec({
    managementPolicies: zonePolicies,
    deletionPolicy: z.enum(['Delete', 'Orphan']).optional().describe('Has no effect: the operator never deletes a zone.'),
    name: kasmName(255).describe('Name of the Kasm deployment zone, e.g. default. The zone is looked up by this name at every poll.'),
  }).describe('The Kasm zone to observe.'),
  [
    {
      holds: (spec) => isObserveOnly(spec.managementPolicies),
      cel: "!has(self.managementPolicies) || self.managementPolicies == ['Observe']",
      message: 'KasmZone is observe-only (Kasm\'s API cannot create, change or delete zones): leave managementPolicies out or set it to ["Observe"]',
      path: ['managementPolicies'],
    },
  ],
);
export type KasmZoneSpec = z.infer<typeof kasmZoneSpec>;

export const kasmZoneAtProvider = z
  .object({
    zoneId: z.string().describe('Kasm id of the zone.'),
    zoneName: z.string().describe('Zone name.'),
    allowOriginDomain: z.string().nullable().optional().describe('Origin domain allowed to connect, e.g. $request_host$.'),
    upstreamAuthAddress: z.string().nullable().optional().describe('Address agents use to authenticate sessions.'),
    loadBalancingStrategy: z.string().nullable().optional().describe('How sessions are spread over agents, e.g. least_load.'),
    searchAlternateZones: z.boolean().nullable().optional().describe('Whether other zones are tried when this one is full.'),
    prioritizeStaticAgents: z.boolean().nullable().optional().describe('Whether static agents are used before autoscaled ones.'),
    proxyConnections: z.boolean().nullable().optional().describe('Whether session connections go through the zone\'s proxy.'),
    proxyHostname: z.string().nullable().optional().describe('Proxy hostname, e.g. $request_host$.'),
    proxyPath: z.string().nullable().optional().describe('Proxy path, e.g. desktop.'),
    proxyPort: z.int().nullable().optional().describe('Proxy port; 0 means the port of the request.'),
  })
  .describe('The zone as Kasm reports it.');
export type KasmZoneAtProvider = z.infer<typeof kasmZoneAtProvider>;

export const kasmZoneStatus = managedStatus(kasmZoneAtProvider, {});
export type KasmZoneStatus = z.infer<typeof kasmZoneStatus>;

export const kasmZoneKind = defineKind({
  kind: 'KasmZone',
  plural: 'kasmzones',
  shortNames: ['kzone'],
  description: 'A read-only view of a Kasm Workspaces deployment zone.',
  managed: true,
  spec: kasmZoneSpec,
  status: kasmZoneStatus,
  printerColumns: [
    { name: 'ZONE', type: 'string', jsonPath: '.spec.name', description: 'Zone name.' },
    { name: 'LOAD-BALANCING', type: 'string', jsonPath: '.status.atProvider.loadBalancingStrategy', description: 'How sessions are spread over agents.' },
    { name: 'PROXY', type: 'string', jsonPath: '.status.atProvider.proxyHostname', description: 'Proxy hostname of the zone.' },
  ],
});
export type KasmZoneResource = z.infer<typeof kasmZoneKind.resource>;
