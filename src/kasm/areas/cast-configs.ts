import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import {
  kasmId,
  kasmTimestamp,
  kasmTimestampInput,
  listOf,
  nullableBoolean,
  nullableInteger,
  nullableKasmId,
  nullableString,
} from '../schema-primitives.js';
import { camelKeys, snakeKeys } from './key-case.js';
import { requireFound } from './not-found.js';

/** Cast configs: public links (`/#/cast/<key>`) that launch a workspace, optionally for anonymous users. */

export const kasmCastConfigSchema = z
  .object({
    cast_config_id: kasmId,
    casting_config_name: z.string(),
    key: z.string(),
    image_id: nullableKasmId,
    image_friendly_name: nullableString,
    group_id: nullableKasmId,
    group_name: nullableString,
    allowed_referrers: listOf(z.string()),
    limit_sessions: nullableBoolean,
    session_remaining: nullableInteger,
    limit_ips: nullableBoolean,
    ip_request_limit: nullableInteger,
    ip_request_seconds: nullableInteger,
    error_url: nullableString,
    enable_sharing: nullableBoolean,
    disable_control_panel: nullableBoolean,
    disable_tips: nullableBoolean,
    disable_fixed_res: nullableBoolean,
    allow_anonymous: nullableBoolean,
    require_recaptcha: nullableBoolean,
    kasm_url: nullableString,
    dynamic_kasm_url: nullableBoolean,
    dynamic_docker_network: nullableBoolean,
    allow_resume: nullableBoolean,
    enforce_client_settings: nullableBoolean,
    allow_kasm_audio: nullableBoolean,
    allow_kasm_uploads: nullableBoolean,
    allow_kasm_downloads: nullableBoolean,
    allow_kasm_clipboard_down: nullableBoolean,
    allow_kasm_clipboard_up: nullableBoolean,
    allow_kasm_microphone: nullableBoolean,
    allow_kasm_sharing: nullableBoolean,
    kasm_audio_default_on: nullableBoolean,
    kasm_ime_mode_default_on: nullableBoolean,
    valid_until: kasmTimestamp,
  })
  .transform(camelKeys);
export type KasmCastConfig = z.output<typeof kasmCastConfigSchema>;

const optionalFlag = z.boolean().optional();
const castConfigFields = {
  castingConfigName: z.string().trim().min(1, 'must not be empty'),
  /** The URL slug users open: https://<kasm>/#/cast/<key>. */
  key: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .regex(/^[A-Za-z0-9._~-]+$/, 'must use only letters, digits, ".", "_", "~" and "-" (it becomes part of a URL)'),
  imageId: kasmId.nullable().optional(),
  groupId: kasmId.nullable().optional(),
  allowedReferrers: z.array(z.string()).optional(),
  limitSessions: optionalFlag,
  sessionRemaining: z.number().int().nonnegative().optional(),
  limitIps: optionalFlag,
  ipRequestLimit: z.number().int().nonnegative().optional(),
  ipRequestSeconds: z.number().int().nonnegative().optional(),
  errorUrl: z.string().nullable().optional(),
  enableSharing: optionalFlag,
  disableControlPanel: optionalFlag,
  disableTips: optionalFlag,
  disableFixedRes: optionalFlag,
  allowAnonymous: optionalFlag,
  requireRecaptcha: optionalFlag,
  kasmUrl: z.string().nullable().optional(),
  dynamicKasmUrl: optionalFlag,
  dynamicDockerNetwork: optionalFlag,
  allowResume: optionalFlag,
  enforceClientSettings: optionalFlag,
  allowKasmAudio: optionalFlag,
  allowKasmUploads: optionalFlag,
  allowKasmDownloads: optionalFlag,
  allowKasmClipboardDown: optionalFlag,
  allowKasmClipboardUp: optionalFlag,
  allowKasmMicrophone: optionalFlag,
  allowKasmSharing: optionalFlag,
  kasmAudioDefaultOn: optionalFlag,
  kasmImeModeDefaultOn: optionalFlag,
  validUntil: kasmTimestampInput.nullable().optional(),
};

const createRequest = z
  .object(castConfigFields)
  .transform((config) => ({ target_cast_config: snakeKeys(config) }));
export type CreateCastConfigInput = z.input<typeof createRequest>;

const updateRequest = z
  .object({
    castConfigId: kasmId,
    ...castConfigFields,
    castingConfigName: castConfigFields.castingConfigName.optional(),
    key: castConfigFields.key.optional(),
  })
  .transform((config) => ({ target_cast_config: snakeKeys(config) }));
export type UpdateCastConfigChanges = Omit<z.input<typeof updateRequest>, 'castConfigId'>;

const targetCastConfig = z
  .object({ castConfigId: kasmId })
  .transform(({ castConfigId }) => ({ target_cast_config: { cast_config_id: castConfigId } }));

const castConfigReply = z.object({ cast_config: kasmCastConfigSchema });

export const castConfigsEndpoints = {
  createCastConfig: defineEndpoint({
    name: 'create_cast_config',
    path: '/api/public/create_cast_config',
    kind: 'write',
    permissions: ['Casting Modify'],
    request: createRequest,
    response: castConfigReply,
  }),
  updateCastConfig: defineEndpoint({
    name: 'update_cast_config',
    path: '/api/public/update_cast_config',
    kind: 'write',
    permissions: ['Casting Modify'],
    request: updateRequest,
    response: z.object({ cast_config: kasmCastConfigSchema.optional() }),
  }),
  getCastConfigs: defineEndpoint({
    name: 'get_cast_configs',
    path: '/api/public/get_cast_configs',
    kind: 'read',
    permissions: ['Casting View'],
    request: z.object({}),
    response: z.object({ cast_configs: listOf(kasmCastConfigSchema) }),
  }),
  getCastConfig: defineEndpoint({
    name: 'get_cast_config',
    path: '/api/public/get_cast_config',
    kind: 'read',
    permissions: ['Casting View'],
    request: targetCastConfig,
    response: castConfigReply,
  }),
  deleteCastConfig: defineEndpoint({
    name: 'delete_cast_config',
    path: '/api/public/delete_cast_config',
    kind: 'write',
    permissions: ['Casting Modify'],
    request: targetCastConfig,
    response: z.object({}),
  }),
};

export class CastConfigsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** The key is unique: a taken key is a KasmConflictError. */
  async create(input: CreateCastConfigInput, options?: CallOptions): Promise<KasmCastConfig> {
    return (await this.#caller.call(castConfigsEndpoints.createCastConfig, input, options)).cast_config;
  }

  async get(castConfigId: string, options?: CallOptions): Promise<KasmCastConfig> {
    return (await this.#caller.call(castConfigsEndpoints.getCastConfig, { castConfigId }, options)).cast_config;
  }

  async getByKey(key: string, options?: CallOptions): Promise<KasmCastConfig> {
    const configs = await this.list(options);
    return requireFound(configs.find((config) => config.key === key), 'Cast config', castConfigsEndpoints.getCastConfigs.name);
  }

  async list(options?: CallOptions): Promise<KasmCastConfig[]> {
    return (await this.#caller.call(castConfigsEndpoints.getCastConfigs, {}, options)).cast_configs;
  }

  /** Changes only the fields given. */
  async update(castConfigId: string, changes: UpdateCastConfigChanges, options?: CallOptions): Promise<KasmCastConfig> {
    const reply = await this.#caller.call(castConfigsEndpoints.updateCastConfig, { ...changes, castConfigId }, options);
    return reply.cast_config ?? this.get(castConfigId, options);
  }

  async delete(castConfigId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(castConfigsEndpoints.deleteCastConfig, { castConfigId }, options);
  }
}
