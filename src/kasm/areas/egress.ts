import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { kasmId, listOf, looseRecord, nullableBoolean, nullableKasmId, nullableString } from '../schema-primitives.js';
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

const providerFields = {
  name: z.string().trim().min(1, 'must not be empty'),
  egressProviderType: z.enum(EGRESS_PROVIDER_TYPES),
  enabled: z.boolean().optional(),
  config: config.optional(),
};
const createProviderRequest = z
  .object(providerFields)
  .transform((provider) => ({ target_egress_provider: snakeKeys(provider) }));
export type CreateEgressProviderInput = z.input<typeof createProviderRequest>;
const updateProviderRequest = z
  .object({ egressProviderId: kasmId, ...z.object(providerFields).partial().shape })
  .transform((provider) => ({ target_egress_provider: snakeKeys(provider) }));
export type UpdateEgressProviderChanges = Omit<z.input<typeof updateProviderRequest>, 'egressProviderId'>;
const targetProvider = z
  .object({ egressProviderId: kasmId })
  .transform((ref) => ({ target_egress_provider: snakeKeys(ref) }));

const gatewayFields = {
  egressProviderId: kasmId,
  name: z.string().trim().min(1, 'must not be empty'),
  country: z.string().optional(),
  city: z.string().optional(),
  enabled: z.boolean().optional(),
  config: config.optional(),
};
const createGatewayRequest = z
  .object(gatewayFields)
  .transform((gateway) => ({ target_egress_gateway: snakeKeys(gateway) }));
export type CreateEgressGatewayInput = z.input<typeof createGatewayRequest>;
const updateGatewayRequest = z
  .object({ egressGatewayId: kasmId, ...z.object(gatewayFields).partial().shape })
  .transform((gateway) => ({ target_egress_gateway: snakeKeys(gateway) }));
export type UpdateEgressGatewayChanges = Omit<z.input<typeof updateGatewayRequest>, 'egressGatewayId'>;
const targetGateway = z
  .object({ egressGatewayId: kasmId })
  .transform((ref) => ({ target_egress_gateway: snakeKeys(ref) }));

const credentialFields = {
  egressGatewayId: kasmId,
  username: z.string().min(1, 'must not be empty'),
  password: z.string().optional(),
  config: config.optional(),
};
const createCredentialRequest = z
  .object(credentialFields)
  .transform((credential) => ({ target_egress_credential: snakeKeys(credential) }));
export type CreateEgressCredentialInput = z.input<typeof createCredentialRequest>;
const updateCredentialRequest = z
  .object({ egressCredentialId: kasmId, ...z.object(credentialFields).partial().shape })
  .transform((credential) => ({ target_egress_credential: snakeKeys(credential) }));
export type UpdateEgressCredentialChanges = Omit<z.input<typeof updateCredentialRequest>, 'egressCredentialId'>;
const targetCredential = z
  .object({ egressCredentialId: kasmId })
  .transform((ref) => ({ target_egress_credential: snakeKeys(ref) }));

const mappingSubjects = ['groupId', 'userId', 'imageId'] as const;
const exactlyOneSubject = {
  check: (mapping: Partial<Record<(typeof mappingSubjects)[number], string | undefined>>) =>
    mappingSubjects.filter((subject) => mapping[subject] !== undefined).length === 1,
  message: 'set exactly one of groupId, userId or imageId: the mapping routes that one subject',
};
const mappingFields = {
  egressProviderId: kasmId,
  egressGatewayId: kasmId.optional(),
  groupId: kasmId.optional(),
  userId: kasmId.optional(),
  imageId: kasmId.optional(),
};
const createMappingRequest = z
  .object(mappingFields)
  .refine(exactlyOneSubject.check, { message: exactlyOneSubject.message, path: ['groupId'] })
  .transform((mapping) => ({ target_egress_provider_mapping: snakeKeys(mapping) }));
export type CreateEgressMappingInput = z.input<typeof createMappingRequest>;
const updateMappingRequest = z
  .object({ egressProviderMappingId: kasmId, egressGatewayId: kasmId.nullable().optional() })
  .transform((mapping) => ({ target_egress_provider_mapping: snakeKeys(mapping) }));
const targetMapping = z
  .object({ egressProviderMappingId: kasmId })
  .transform((ref) => ({ target_egress_provider_mapping: snakeKeys(ref) }));

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

const view = ['Egress View'];
const modify = ['Egress Modify'];
const empty = z.object({});

export const egressEndpoints = {
  createEgressProvider: defineEndpoint({
    name: 'create_egress_provider',
    path: '/api/public/create_egress_provider',
    kind: 'write',
    permissions: modify,
    request: createProviderRequest,
    response: z.object({ egress_provider: kasmEgressProviderSchema }),
  }),
  updateEgressProvider: defineEndpoint({
    name: 'update_egress_provider',
    path: '/api/public/update_egress_provider',
    kind: 'write',
    permissions: modify,
    request: updateProviderRequest,
    response: z.object({ egress_provider: kasmEgressProviderSchema.optional() }),
  }),
  deleteEgressProvider: defineEndpoint({
    name: 'delete_egress_provider',
    path: '/api/public/delete_egress_provider',
    kind: 'write',
    permissions: modify,
    request: targetProvider,
    response: empty,
  }),
  getEgressProviders: defineEndpoint({
    name: 'get_egress_providers',
    path: '/api/public/get_egress_providers',
    kind: 'read',
    permissions: view,
    request: z.object({}),
    response: z.object({ egress_providers: listOf(kasmEgressProviderSchema) }),
  }),
  getEgressProvider: defineEndpoint({
    name: 'get_egress_provider',
    path: '/api/public/get_egress_provider',
    kind: 'read',
    permissions: view,
    request: targetProvider,
    response: z.object({ egress_provider: kasmEgressProviderSchema }),
  }),
  createEgressGateway: defineEndpoint({
    name: 'create_egress_gateway',
    path: '/api/public/create_egress_gateway',
    kind: 'write',
    permissions: modify,
    request: createGatewayRequest,
    response: z.object({ egress_gateway: kasmEgressGatewaySchema }),
  }),
  updateEgressGateway: defineEndpoint({
    name: 'update_egress_gateway',
    path: '/api/public/update_egress_gateway',
    kind: 'write',
    permissions: modify,
    request: updateGatewayRequest,
    response: z.object({ egress_gateway: kasmEgressGatewaySchema.optional() }),
  }),
  deleteEgressGateway: defineEndpoint({
    name: 'delete_egress_gateway',
    path: '/api/public/delete_egress_gateway',
    kind: 'write',
    permissions: modify,
    request: targetGateway,
    response: empty,
  }),
  getEgressGateways: defineEndpoint({
    name: 'get_egress_gateways',
    path: '/api/public/get_egress_gateways',
    kind: 'read',
    permissions: view,
    request: gatewayFilter,
    response: z.object({ egress_gateways: listOf(kasmEgressGatewaySchema) }),
  }),
  getEgressGateway: defineEndpoint({
    name: 'get_egress_gateway',
    path: '/api/public/get_egress_gateway',
    kind: 'read',
    permissions: view,
    request: targetGateway,
    response: z.object({ egress_gateway: kasmEgressGatewaySchema }),
  }),
  createEgressCredential: defineEndpoint({
    name: 'create_egress_credential',
    path: '/api/public/create_egress_credential',
    kind: 'write',
    permissions: modify,
    request: createCredentialRequest,
    response: z.object({ egress_credential: kasmEgressCredentialSchema }),
  }),
  updateEgressCredential: defineEndpoint({
    name: 'update_egress_credential',
    path: '/api/public/update_egress_credential',
    kind: 'write',
    permissions: modify,
    request: updateCredentialRequest,
    response: z.object({ egress_credential: kasmEgressCredentialSchema.optional() }),
  }),
  deleteEgressCredential: defineEndpoint({
    name: 'delete_egress_credential',
    path: '/api/public/delete_egress_credential',
    kind: 'write',
    permissions: modify,
    request: targetCredential,
    response: empty,
  }),
  getEgressCredentials: defineEndpoint({
    name: 'get_egress_credentials',
    path: '/api/public/get_egress_credentials',
    kind: 'read',
    permissions: view,
    request: credentialFilter,
    response: z.object({ egress_credentials: listOf(kasmEgressCredentialSchema) }),
  }),
  getEgressCredential: defineEndpoint({
    name: 'get_egress_credential',
    path: '/api/public/get_egress_credential',
    kind: 'read',
    permissions: view,
    request: targetCredential,
    response: z.object({ egress_credential: kasmEgressCredentialSchema }),
  }),
  createEgressProviderMapping: defineEndpoint({
    name: 'create_egress_provider_mapping',
    path: '/api/public/create_egress_provider_mapping',
    kind: 'write',
    permissions: modify,
    request: createMappingRequest,
    response: z.object({ egress_provider_mapping: kasmEgressMappingSchema }),
  }),
  updateEgressProviderMapping: defineEndpoint({
    name: 'update_egress_provider_mapping',
    path: '/api/public/update_egress_provider_mapping',
    kind: 'write',
    permissions: modify,
    request: updateMappingRequest,
    response: z.object({ egress_provider_mapping: kasmEgressMappingSchema.optional() }),
  }),
  deleteEgressProviderMapping: defineEndpoint({
    name: 'delete_egress_provider_mapping',
    path: '/api/public/delete_egress_provider_mapping',
    kind: 'write',
    permissions: modify,
    request: targetMapping,
    response: empty,
  }),
  getEgressProviderMappings: defineEndpoint({
    name: 'get_egress_provider_mappings',
    path: '/api/public/get_egress_provider_mappings',
    kind: 'read',
    permissions: view,
    request: mappingFilter,
    response: z.object({ egress_provider_mappings: listOf(kasmEgressMappingSchema) }),
  }),
  getEgressProviderMapping: defineEndpoint({
    name: 'get_egress_provider_mapping',
    path: '/api/public/get_egress_provider_mapping',
    kind: 'read',
    permissions: view,
    request: targetMapping,
    response: z.object({ egress_provider_mapping: kasmEgressMappingSchema }),
  }),
};

// ---- API ----

export class EgressProvidersApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  async create(input: CreateEgressProviderInput, options?: CallOptions): Promise<KasmEgressProvider> {
    return (await this.#caller.call(egressEndpoints.createEgressProvider, input, options)).egress_provider;
  }

  async list(options?: CallOptions): Promise<KasmEgressProvider[]> {
    return (await this.#caller.call(egressEndpoints.getEgressProviders, {}, options)).egress_providers;
  }

  async get(egressProviderId: string, options?: CallOptions): Promise<KasmEgressProvider> {
    return (await this.#caller.call(egressEndpoints.getEgressProvider, { egressProviderId }, options)).egress_provider;
  }

  /** Changes only the fields given. */
  async update(
    egressProviderId: string,
    changes: UpdateEgressProviderChanges,
    options?: CallOptions,
  ): Promise<KasmEgressProvider> {
    const reply = await this.#caller.call(egressEndpoints.updateEgressProvider, { ...changes, egressProviderId }, options);
    return reply.egress_provider ?? this.get(egressProviderId, options);
  }

  async delete(egressProviderId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(egressEndpoints.deleteEgressProvider, { egressProviderId }, options);
  }
}

export class EgressGatewaysApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  async create(input: CreateEgressGatewayInput, options?: CallOptions): Promise<KasmEgressGateway> {
    return (await this.#caller.call(egressEndpoints.createEgressGateway, input, options)).egress_gateway;
  }

  /** Every gateway, or those of one provider. */
  async list(filter: EgressGatewayFilter = {}, options?: CallOptions): Promise<KasmEgressGateway[]> {
    return (await this.#caller.call(egressEndpoints.getEgressGateways, filter, options)).egress_gateways;
  }

  async get(egressGatewayId: string, options?: CallOptions): Promise<KasmEgressGateway> {
    return (await this.#caller.call(egressEndpoints.getEgressGateway, { egressGatewayId }, options)).egress_gateway;
  }

  /** Changes only the fields given. */
  async update(
    egressGatewayId: string,
    changes: UpdateEgressGatewayChanges,
    options?: CallOptions,
  ): Promise<KasmEgressGateway> {
    const reply = await this.#caller.call(egressEndpoints.updateEgressGateway, { ...changes, egressGatewayId }, options);
    return reply.egress_gateway ?? this.get(egressGatewayId, options);
  }

  async delete(egressGatewayId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(egressEndpoints.deleteEgressGateway, { egressGatewayId }, options);
  }
}

export class EgressCredentialsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  async create(input: CreateEgressCredentialInput, options?: CallOptions): Promise<KasmEgressCredential> {
    return (await this.#caller.call(egressEndpoints.createEgressCredential, input, options)).egress_credential;
  }

  /** Every credential, or those of one gateway. */
  async list(filter: EgressCredentialFilter = {}, options?: CallOptions): Promise<KasmEgressCredential[]> {
    return (await this.#caller.call(egressEndpoints.getEgressCredentials, filter, options)).egress_credentials;
  }

  async get(egressCredentialId: string, options?: CallOptions): Promise<KasmEgressCredential> {
    return (await this.#caller.call(egressEndpoints.getEgressCredential, { egressCredentialId }, options)).egress_credential;
  }

  /** Changes only the fields given; a password given is replaced, one not given is kept. */
  async update(
    egressCredentialId: string,
    changes: UpdateEgressCredentialChanges,
    options?: CallOptions,
  ): Promise<KasmEgressCredential> {
    const reply = await this.#caller.call(egressEndpoints.updateEgressCredential, { ...changes, egressCredentialId }, options);
    return reply.egress_credential ?? this.get(egressCredentialId, options);
  }

  async delete(egressCredentialId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(egressEndpoints.deleteEgressCredential, { egressCredentialId }, options);
  }
}

export class EgressMappingsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** Routes exactly one group, user or image through the provider (optionally a fixed gateway). */
  async create(input: CreateEgressMappingInput, options?: CallOptions): Promise<KasmEgressMapping> {
    return (await this.#caller.call(egressEndpoints.createEgressProviderMapping, input, options)).egress_provider_mapping;
  }

  /** Every mapping, or those matching every id given. */
  async list(filter: EgressMappingFilter = {}, options?: CallOptions): Promise<KasmEgressMapping[]> {
    return (await this.#caller.call(egressEndpoints.getEgressProviderMappings, filter, options)).egress_provider_mappings;
  }

  async get(egressProviderMappingId: string, options?: CallOptions): Promise<KasmEgressMapping> {
    const reply = await this.#caller.call(egressEndpoints.getEgressProviderMapping, { egressProviderMappingId }, options);
    return reply.egress_provider_mapping;
  }

  /** Only the gateway of a mapping can change; null lets Kasm pick any gateway of the provider. */
  async update(
    egressProviderMappingId: string,
    changes: { egressGatewayId?: string | null },
    options?: CallOptions,
  ): Promise<KasmEgressMapping> {
    const reply = await this.#caller.call(
      egressEndpoints.updateEgressProviderMapping,
      { ...changes, egressProviderMappingId },
      options,
    );
    return reply.egress_provider_mapping ?? this.get(egressProviderMappingId, options);
  }

  async delete(egressProviderMappingId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(egressEndpoints.deleteEgressProviderMapping, { egressProviderMappingId }, options);
  }
}

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
