import { z } from 'zod';
import type { KasmCaller } from '../endpoint.js';
import { kasmId, looseRecord, nullableBoolean, nullableKasmId, nullableString } from '../schema-primitives.js';
import { crudKind } from './crud.js';
import { camelKeys, snakeKeys } from './key-case.js';

/**
 * Egress: providers (VPN or proxy services), their gateways (exit points), credentials for a gateway,
 * and mappings that route a group, user or image through a provider. Credential passwords are
 * write-only: replies say only whether one is set.
 */

export const EGRESS_PROVIDER_TYPES = ['wireguard', 'openvpn', 'http_proxy', 'socks_proxy'] as const;

const config = z.record(z.string(), z.unknown());

// ---- replies ----

export const kasmEgressProviderSchema = z
  .object({
    egress_provider_id: kasmId,
    name: z.string(),
    // Read as text: a provider type this client does not know must not break the list.
    egress_provider_type: nullableString,
    enabled: nullableBoolean,
    config: looseRecord,
  })
  .transform(camelKeys);
export type KasmEgressProvider = z.output<typeof kasmEgressProviderSchema>;

export const kasmEgressGatewaySchema = z
  .object({
    egress_gateway_id: kasmId,
    egress_provider_id: kasmId,
    name: z.string(),
    country: nullableString,
    city: nullableString,
    enabled: nullableBoolean,
    config: looseRecord,
  })
  .transform(camelKeys);
export type KasmEgressGateway = z.output<typeof kasmEgressGatewaySchema>;

export const kasmEgressCredentialSchema = z
  .object({
    egress_credential_id: kasmId,
    egress_gateway_id: kasmId,
    username: z.string(),
    password_set: nullableBoolean,
    config: looseRecord,
  })
  .transform(camelKeys);
export type KasmEgressCredential = z.output<typeof kasmEgressCredentialSchema>;

export const kasmEgressMappingSchema = z
  .object({
    egress_provider_mapping_id: kasmId,
    egress_provider_id: kasmId,
    egress_gateway_id: nullableKasmId,
    group_id: nullableKasmId,
    user_id: nullableKasmId,
    image_id: nullableKasmId,
  })
  .transform(camelKeys);
export type KasmEgressMapping = z.output<typeof kasmEgressMappingSchema>;

// ---- requests ----

const providerFields = z.object({
  name: z.string().trim().min(1, 'must not be empty'),
  egressProviderType: z.enum(EGRESS_PROVIDER_TYPES),
  enabled: z.boolean().optional(),
  config: config.optional(),
});
export type CreateEgressProviderInput = z.input<typeof providerFields>;
const providerChanges = providerFields.partial();
export type UpdateEgressProviderChanges = z.input<typeof providerChanges>;

const gatewayFields = z.object({
  egressProviderId: kasmId,
  name: z.string().trim().min(1, 'must not be empty'),
  country: z.string().optional(),
  city: z.string().optional(),
  enabled: z.boolean().optional(),
  config: config.optional(),
});
export type CreateEgressGatewayInput = z.input<typeof gatewayFields>;
const gatewayChanges = gatewayFields.partial();
export type UpdateEgressGatewayChanges = z.input<typeof gatewayChanges>;

const credentialFields = z.object({
  egressGatewayId: kasmId,
  username: z.string().min(1, 'must not be empty'),
  password: z.string().optional(),
  config: config.optional(),
});
export type CreateEgressCredentialInput = z.input<typeof credentialFields>;
const credentialChanges = credentialFields.partial();
export type UpdateEgressCredentialChanges = z.input<typeof credentialChanges>;

const mappingSubjects = ['groupId', 'userId', 'imageId'] as const;
const mappingFields = z
  .object({
    egressProviderId: kasmId,
    egressGatewayId: kasmId.optional(),
    groupId: kasmId.optional(),
    userId: kasmId.optional(),
    imageId: kasmId.optional(),
  })
  .refine((mapping) => mappingSubjects.filter((subject) => mapping[subject] !== undefined).length === 1, {
    message: 'set exactly one of groupId, userId or imageId: the mapping routes that one subject',
    path: ['groupId'],
  });
export type CreateEgressMappingInput = z.input<typeof mappingFields>;
/** Only the gateway of a mapping can change; null lets Kasm pick any gateway of the provider. */
const mappingChanges = z.object({ egressGatewayId: kasmId.nullable().optional() });

/** List filters: Kasm narrows a list to the ids sent in the optional wrapper. */
function listFilter<const Wrapper extends string, Shape extends z.ZodRawShape>(wrapper: Wrapper, shape: Shape) {
  return z
    .object(shape)
    .optional()
    .transform((filter) => {
      const ids = snakeKeys(filter ?? {});
      return Object.keys(ids).length === 0 ? {} : { [wrapper]: ids };
    });
}

const gatewayFilter = listFilter('target_egress_gateway', { egressProviderId: kasmId.optional() });
export type EgressGatewayFilter = NonNullable<z.input<typeof gatewayFilter>>;
const credentialFilter = listFilter('target_egress_credential', { egressGatewayId: kasmId.optional() });
export type EgressCredentialFilter = NonNullable<z.input<typeof credentialFilter>>;
const mappingFilter = listFilter('target_egress_provider_mapping', {
  egressProviderId: kasmId.optional(),
  egressGatewayId: kasmId.optional(),
  groupId: kasmId.optional(),
  userId: kasmId.optional(),
  imageId: kasmId.optional(),
});
export type EgressMappingFilter = NonNullable<z.input<typeof mappingFilter>>;

// ---- endpoints ----

const permissions = { view: ['Egress View'], modify: ['Egress Modify'] };

const providers = crudKind({
  kind: 'egress_provider',
  record: kasmEgressProviderSchema,
  create: providerFields,
  update: providerChanges,
  permissions,
});
const gateways = crudKind({
  kind: 'egress_gateway',
  record: kasmEgressGatewaySchema,
  create: gatewayFields,
  update: gatewayChanges,
  listFilter: gatewayFilter,
  permissions,
});
const credentials = crudKind({
  kind: 'egress_credential',
  record: kasmEgressCredentialSchema,
  create: credentialFields,
  update: credentialChanges,
  listFilter: credentialFilter,
  permissions,
});
const mappings = crudKind({
  kind: 'egress_provider_mapping',
  record: kasmEgressMappingSchema,
  create: mappingFields,
  update: mappingChanges,
  listFilter: mappingFilter,
  permissions,
});

export const egressEndpoints = {
  ...providers.endpoints,
  ...gateways.endpoints,
  ...credentials.endpoints,
  ...mappings.endpoints,
};

// ---- API ----

// list() takes a filter for gateways (by provider), credentials (by gateway) and mappings (every id given).
export class EgressProvidersApi extends providers.Api {}
export class EgressGatewaysApi extends gateways.Api {}
/** A password given to create or update is sent; one not given on update is kept. */
export class EgressCredentialsApi extends credentials.Api {}
/** Each mapping routes exactly one group, user or image through a provider (optionally a fixed gateway). */
export class EgressMappingsApi extends mappings.Api {}

export class EgressApi {
  readonly providers: EgressProvidersApi;
  readonly gateways: EgressGatewaysApi;
  readonly credentials: EgressCredentialsApi;
  readonly mappings: EgressMappingsApi;

  constructor(caller: KasmCaller) {
    this.providers = new EgressProvidersApi(caller);
    this.gateways = new EgressGatewaysApi(caller);
    this.credentials = new EgressCredentialsApi(caller);
    this.mappings = new EgressMappingsApi(caller);
  }
}
