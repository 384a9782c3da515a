import { z } from 'zod';
import { kasmId, nullableBoolean, nullableInteger, nullableKasmId, nullableNumber, nullableString } from '../schema-primitives.js';
import { crudKind } from './crud.js';
import { camelKeys } from './key-case.js';

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
const createFields = z.object({
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
});

export type CreateStagingConfigInput = z.input<typeof createFields>;
const changeFields = createFields.partial();
export type UpdateStagingConfigChanges = z.input<typeof changeFields>;

const stagingConfigs = crudKind({
  kind: 'staging_config',
  record: kasmStagingConfigSchema,
  create: createFields,
  update: changeFields,
  permissions: { view: ['Staging View'], modify: ['Staging Modify'] },
});

export const stagingConfigsEndpoints = stagingConfigs.endpoints;

export class StagingConfigsApi extends stagingConfigs.Api {}
