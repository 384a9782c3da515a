import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, localRef } from './references.js';
import { atMostOneOf, exactlyOneFixedOf } from './validation-rules.js';

/**
 * KasmEgressMapping: routes one group, user or workspace image through an egress provider,
 * optionally pinned to one of its gateways (create/update/delete_egress_provider_mapping, observed
 * with get_egress_provider_mappings). Its identity is the provider and the subject; an existing
 * mapping of the same pair is adopted.
 */

const PROVIDER_FIELDS = ['providerRef', 'providerId'] as const;
const SUBJECT_FIELDS = ['groupRef', 'groupId', 'userRef', 'userId', 'imageRef', 'imageId'] as const;

const mappingSpecObject = managedSpec({
  providerRef: localRef('KasmEgressProvider').optional().describe('A KasmEgressProvider in the same namespace; the mapping is made once it is Ready.'),
  providerId: kasmId.optional().describe('Kasm id of an egress provider not managed in the cluster.'),
  gatewayRef: localRef('KasmEgressGateway')
    .optional()
    .describe('Pins the mapping to this KasmEgressGateway of the provider. Without gatewayRef or gatewayId, users pick any gateway of the provider.'),
  gatewayId: kasmId.optional().describe('Pins the mapping to this Kasm gateway id of the provider.'),
  groupRef: localRef('KasmGroup').optional().describe('Routes the members of this KasmGroup.'),
  groupId: kasmId.optional().describe('Routes the members of this Kasm group, e.g. 68d557ac4cac42cca9f31c7c853de0f3 (All Users).'),
  userRef: localRef('KasmUser').optional().describe('Routes this KasmUser.'),
  userId: kasmId.optional().describe('Routes this Kasm user.'),
  imageRef: localRef('KasmImage').optional().describe('Routes sessions of this KasmImage.'),
  imageId: kasmId.optional().describe('Routes sessions of this Kasm workspace image.'),
}).describe(
  'The provider (exactly one of providerRef or providerId), the subject it routes (exactly one of groupRef, groupId, userRef, userId, imageRef or imageId), both fixed once created, and optionally the gateway.',
);

const withFixedProvider = exactlyOneFixedOf(
  mappingSpecObject,
  PROVIDER_FIELDS,
  'egress provider',
  'the provider of a KasmEgressMapping cannot change; create a new KasmEgressMapping',
);

const withFixedSubject = exactlyOneFixedOf(
  withFixedProvider,
  SUBJECT_FIELDS,
  'group, user or image to route',
  'the group, user or image of a KasmEgressMapping cannot change; create a new KasmEgressMapping',
);

export const kasmEgressMappingSpec = atMostOneOf(withFixedSubject, ['gatewayRef', 'gatewayId'], 'to pin the gateway');
export type KasmEgressMappingSpec = z.infer<typeof kasmEgressMappingSpec>;

export const kasmEgressMappingAtProvider = z
  .object({
    egressProviderMappingId: z.string().describe('Kasm id of the mapping.'),
    egressProviderId: z.string().describe('Kasm id of the provider.'),
    egressGatewayId: z.string().nullable().optional().describe('Kasm id of the pinned gateway; null when users pick any.'),
    groupId: z.string().nullable().optional().describe('Kasm id of the routed group.'),
    userId: z.string().nullable().optional().describe('Kasm id of the routed user.'),
    imageId: z.string().nullable().optional().describe('Kasm id of the routed image.'),
    subject: z.string().optional().describe('What is routed, as <group|user|image>/<Kasm id>.'),
  })
  .describe('The mapping as Kasm reports it.');

export const kasmEgressMappingStatus = managedStatus(kasmEgressMappingAtProvider, {});

export const kasmEgressMappingKind = defineKind({
  kind: 'KasmEgressMapping',
  plural: 'kasmegressmappings',
  shortNames: ['kegm'],
  description: 'A Kasm Workspaces egress provider mapping: a group, user or workspace image routed through an egress provider.',
  managed: true,
  spec: kasmEgressMappingSpec,
  status: kasmEgressMappingStatus,
  printerColumns: [
    { name: 'PROVIDER', type: 'string', jsonPath: '.spec.providerRef.name', description: 'The KasmEgressProvider.' },
    { name: 'SUBJECT', type: 'string', jsonPath: '.status.atProvider.subject', description: 'What is routed, as Kasm reports.' },
    { name: 'GATEWAY', type: 'string', jsonPath: '.spec.gatewayRef.name', description: 'The pinned KasmEgressGateway, if any.' },
  ],
});
export type KasmEgressMapping = z.infer<typeof kasmEgressMappingKind.resource>;
