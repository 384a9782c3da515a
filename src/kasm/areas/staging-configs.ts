import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import {
  kasmId,
  listOf,
  nullableBoolean,
  nullableInteger,
  nullableKasmId,
  nullableNumber,
  nullableString,
} from '../schema-primitives.js';
import { camelKeys, snakeKeys } from './key-case.js';

/** Staging configs: pools of pre-started sessions of one image in one zone. `expiration` is in hours. */

export const kasmStagingConfigSchema = z
  .object({
    staging_config_id: kasmId,
    zone_id: nullableKasmId,
    zone_name: nullableString,
    image_id: nullableKasmId,
    image_friendly_name: nullableString,
    num_sessions: nullableInteger,
    num_current_sessions: nullableInteger,
    expiration: nullableNumber,
    allow_kasm_audio: nullableBoolean,
    allow_kasm_uploads: nullableBoolean,
    allow_kasm_downloads: nullableBoolean,
    allow_kasm_clipboard_down: nullableBoolean,
    allow_kasm_clipboard_up: nullableBoolean,
    allow_kasm_microphone: nullableBoolean,
  })
  .transform(camelKeys);
export type KasmStagingConfig = z.output<typeof kasmStagingConfigSchema>;

const optionalFlag = z.boolean().optional();
const stagingConfigFields = {
  zoneId: kasmId,
  imageId: kasmId,
  numSessions: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  /** Hours a staged session lives before it is replaced. */
  expiration: z.number().nonnegative('must be >= 0 (hours)'),
  allowKasmAudio: optionalFlag,
  allowKasmUploads: optionalFlag,
  allowKasmDownloads: optionalFlag,
  allowKasmClipboardDown: optionalFlag,
  allowKasmClipboardUp: optionalFlag,
  allowKasmMicrophone: optionalFlag,
};

const createRequest = z
  .object(stagingConfigFields)
  .transform((config) => ({ target_staging_config: snakeKeys(config) }));
export type CreateStagingConfigInput = z.input<typeof createRequest>;

const updateRequest = z
  .object({ stagingConfigId: kasmId, ...z.object(stagingConfigFields).partial().shape })
  .transform((config) => ({ target_staging_config: snakeKeys(config) }));
export type UpdateStagingConfigChanges = Omit<z.input<typeof updateRequest>, 'stagingConfigId'>;

const targetStagingConfig = z
  .object({ stagingConfigId: kasmId })
  .transform(({ stagingConfigId }) => ({ target_staging_config: { staging_config_id: stagingConfigId } }));

const stagingConfigReply = z.object({ staging_config: kasmStagingConfigSchema });

export const stagingConfigsEndpoints = {
  createStagingConfig: defineEndpoint({
    name: 'create_staging_config',
    path: '/api/public/create_staging_config',
    kind: 'write',
    permissions: ['Staging Modify'],
    request: createRequest,
    response: stagingConfigReply,
  }),
  updateStagingConfig: defineEndpoint({
    name: 'update_staging_config',
    path: '/api/public/update_staging_config',
    kind: 'write',
    permissions: ['Staging Modify'],
    request: updateRequest,
    response: z.object({ staging_config: kasmStagingConfigSchema.optional() }),
  }),
  getStagingConfigs: defineEndpoint({
    name: 'get_staging_configs',
    path: '/api/public/get_staging_configs',
    kind: 'read',
    permissions: ['Staging View'],
    request: z.object({}),
    response: z.object({ staging_configs: listOf(kasmStagingConfigSchema) }),
  }),
  getStagingConfig: defineEndpoint({
    name: 'get_staging_config',
    path: '/api/public/get_staging_config',
    kind: 'read',
    permissions: ['Staging View'],
    request: targetStagingConfig,
    response: stagingConfigReply,
  }),
  deleteStagingConfig: defineEndpoint({
    name: 'delete_staging_config',
    path: '/api/public/delete_staging_config',
    kind: 'write',
    permissions: ['Staging Modify'],
    request: targetStagingConfig,
    response: z.object({}),
  }),
};

export class StagingConfigsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  async create(input: CreateStagingConfigInput, options?: CallOptions): Promise<KasmStagingConfig> {
    return (await this.#caller.call(stagingConfigsEndpoints.createStagingConfig, input, options)).staging_config;
  }

  async get(stagingConfigId: string, options?: CallOptions): Promise<KasmStagingConfig> {
    return (await this.#caller.call(stagingConfigsEndpoints.getStagingConfig, { stagingConfigId }, options)).staging_config;
  }

  async list(options?: CallOptions): Promise<KasmStagingConfig[]> {
    return (await this.#caller.call(stagingConfigsEndpoints.getStagingConfigs, {}, options)).staging_configs;
  }

  /** Changes only the fields given. */
  async update(
    stagingConfigId: string,
    changes: UpdateStagingConfigChanges,
    options?: CallOptions,
  ): Promise<KasmStagingConfig> {
    const reply = await this.#caller.call(stagingConfigsEndpoints.updateStagingConfig, { ...changes, stagingConfigId }, options);
    return reply.staging_config ?? this.get(stagingConfigId, options);
  }

  async delete(stagingConfigId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(stagingConfigsEndpoints.deleteStagingConfig, { stagingConfigId }, options);
  }
}
