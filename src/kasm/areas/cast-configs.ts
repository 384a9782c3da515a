import { z } from 'zod';
import type { CallOptions } from '../endpoint.js';
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
import { crudKind } from './crud.js';
import { camelKeys } from './key-case.js';
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
const createFields = z.object({
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
});

export type CreateCastConfigInput = z.input<typeof createFields>;
const changeFields = createFields.partial();
export type UpdateCastConfigChanges = z.input<typeof changeFields>;

const castConfigs = crudKind({
  kind: 'cast_config',
  record: kasmCastConfigSchema,
  create: createFields,
  update: changeFields,
  permissions: { view: ['Casting View'], modify: ['Casting Modify'] },
});

export const castConfigsEndpoints = castConfigs.endpoints;

export class CastConfigsApi extends castConfigs.Api {
  /** The key is unique: a taken key is a KasmConflictError. */
  async getByKey(key: string, options?: CallOptions): Promise<KasmCastConfig> {
    const configs = await this.list(options);
    return requireFound(configs.find((config) => config.key === key), 'Cast config', castConfigsEndpoints.getCastConfigs.name);
  }
}
