import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { normalizeKasmId } from '../ids.js';
import {
  jsonObjectOrString,
  kasmId,
  listOf,
  nullableBoolean,
  nullableNumber,
  nullableString,
} from '../schema-primitives.js';
import { camelKeys } from './key-case.js';
import { requireFound } from './not-found.js';

/**
 * Workspace registries (admin API). There is no update call: a changed URL or channel is a delete
 * and a create.
 */

// ---- replies ----

const compatibilitySchema = z
  .object({
    image: nullableString,
    version: nullableString,
    available_tags: listOf(z.string()),
    uncompressed_size_mb: nullableNumber,
  })
  .transform(camelKeys);

const registryWorkspaceSchema = z
  .object({
    name: nullableString,
    friendly_name: nullableString,
    description: nullableString,
    docker_registry: nullableString,
    image_src: nullableString,
    run_config: jsonObjectOrString,
    exec_config: jsonObjectOrString,
    compatibility: listOf(compatibilitySchema),
  })
  .transform(camelKeys);
export type KasmRegistryWorkspace = z.output<typeof registryWorkspaceSchema>;

export const kasmRegistrySchema = z
  .object({
    registry_id: kasmId,
    registry_url: z.string(),
    channel: nullableString,
    do_auto_update: nullableBoolean,
    schema_version: z
      .union([z.string(), z.number(), z.null()])
      .optional()
      .transform((value) => (value === undefined || value === null ? null : String(value))),
    is_verified: nullableBoolean,
    workspaces: listOf(registryWorkspaceSchema),
  })
  .transform(camelKeys);
export type KasmRegistry = z.output<typeof kasmRegistrySchema>;

// ---- requests ----

const createRegistryRequest = z
  .object({
    registryUrl: z.url({ error: 'must be an absolute URL such as https://registry.kasmweb.com/' }),
    channel: z.string().min(1).optional(),
    overrideSchema: z.union([z.string(), z.boolean()]).optional(),
  })
  .transform(({ registryUrl, channel, overrideSchema }) => ({
    registry: registryUrl,
    ...(channel === undefined ? {} : { channel }),
    ...(overrideSchema === undefined ? {} : { override_schema: overrideSchema }),
  }));
export type CreateRegistryInput = z.input<typeof createRegistryRequest>;

const deleteRegistryRequest = z
  .object({ registryId: kasmId })
  .transform(({ registryId }) => ({ target_registry: { registry_id: registryId } }));

// ---- endpoints ----

export const registriesEndpoints = {
  getRegistries: defineEndpoint({
    name: 'get_registries',
    path: '/api/admin/get_registries',
    kind: 'read',
    permissions: ['Registries View'],
    request: z.object({}),
    response: z.object({ registries: listOf(kasmRegistrySchema) }),
  }),
  createRegistry: defineEndpoint({
    name: 'create_registry',
    path: '/api/admin/create_registry',
    kind: 'write',
    permissions: ['Registries Modify'],
    request: createRegistryRequest,
    response: z.object({ registry: kasmRegistrySchema }),
  }),
  deleteRegistry: defineEndpoint({
    name: 'delete_registry',
    path: '/api/admin/delete_registry',
    kind: 'write',
    permissions: ['Registries Modify'],
    request: deleteRegistryRequest,
    response: z.object({}),
  }),
};

// ---- API ----

/** URLs compare without a trailing slash, since Kasm and people write both. */
function sameRegistryUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

export class RegistriesApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  async create(input: CreateRegistryInput, options?: CallOptions): Promise<KasmRegistry> {
    return (await this.#caller.call(registriesEndpoints.createRegistry, input, options)).registry;
  }

  async list(options?: CallOptions): Promise<KasmRegistry[]> {
    return (await this.#caller.call(registriesEndpoints.getRegistries, {}, options)).registries;
  }

  async get(registryId: string, options?: CallOptions): Promise<KasmRegistry> {
    const id = normalizeKasmId(registryId, { field: 'registryId', endpoint: registriesEndpoints.getRegistries.name });
    const registries = await this.list(options);
    return requireFound(
      registries.find((registry) => registry.registryId === id),
      'Registry',
      registriesEndpoints.getRegistries.name,
    );
  }

  /** Registry URLs are unique in Kasm. */
  async getByUrl(registryUrl: string, options?: CallOptions): Promise<KasmRegistry> {
    const registries = await this.list(options);
    return requireFound(
      registries.find((registry) => sameRegistryUrl(registry.registryUrl, registryUrl)),
      'Registry',
      registriesEndpoints.getRegistries.name,
    );
  }

  async delete(registryId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(registriesEndpoints.deleteRegistry, { registryId }, options);
  }
}
