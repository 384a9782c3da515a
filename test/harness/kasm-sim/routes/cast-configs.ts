import { z } from 'zod';
import { definedFields } from '../defined-fields.js';
import { newId } from '../ids.js';
import { idField, isObject, parse, parseWrapped } from '../payload.js';
import { castConfigFieldsSchema } from '../records.js';
import type { CastConfigFields, CastConfigRecord } from '../records.js';
import { BusinessFailure, ServerCrash } from '../route-errors.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { crudRoutes } from './crud.js';
import type { CrudKind } from './crud.js';
import { requireGroup, requireImage } from './lookups.js';

/** Cast configs: links that launch a session (https://<server>/#/cast/<key>). Keys are unique. */
const CAST_DEFAULTS: Omit<CastConfigFields, 'casting_config_name' | 'key'> = {
  image_id: null,
  allowed_referrers: [],
  limit_sessions: false,
  session_remaining: 0,
  limit_ips: false,
  ip_request_limit: 0,
  ip_request_seconds: 0,
  error_url: null,
  enable_sharing: false,
  disable_control_panel: false,
  disable_tips: false,
  disable_fixed_res: false,
  allow_anonymous: false,
  group_id: null,
  require_recaptcha: false,
  kasm_url: null,
  dynamic_kasm_url: false,
  dynamic_docker_network: false,
  allow_resume: false,
  enforce_client_settings: false,
  allow_kasm_audio: true,
  allow_kasm_uploads: false,
  allow_kasm_downloads: false,
  allow_kasm_clipboard_down: false,
  allow_kasm_clipboard_up: false,
  allow_kasm_microphone: false,
  allow_kasm_sharing: false,
  kasm_audio_default_on: false,
  kasm_ime_mode_default_on: false,
  valid_until: null,
};

const createSchema = castConfigFieldsSchema.partial().required({ casting_config_name: true, key: true });
const updateSchema = castConfigFieldsSchema.partial();
const castRef = z.object({ cast_config_id: idField });

function checkKeyFree(state: SimState, key: string): void {
  if (state.findCastConfigByKey(key) !== undefined) {
    throw new BusinessFailure('Cast key already exists');
  }
}

function checkReferences(state: SimState, fields: Partial<CastConfigFields>): void {
  if (typeof fields.image_id === 'string') requireImage(state, fields.image_id);
  if (typeof fields.group_id === 'string') requireGroup(state, fields.group_id);
}

const castConfigs: CrudKind<CastConfigRecord, typeof createSchema, typeof updateSchema> = {
  kind: 'cast_config',
  thing: 'Cast config',
  permissions: { view: ['Casting View'], modify: ['Casting Modify'] },
  records: (state) => state.castConfigs,
  createFields: createSchema,
  updateFields: updateSchema,
  create(state, fields) {
    checkKeyFree(state, fields.key);
    checkReferences(state, fields);
    return state.addCastConfig({
      ...CAST_DEFAULTS,
      ...definedFields(fields),
      casting_config_name: fields.casting_config_name,
      key: fields.key,
      cast_config_id: newId(),
    });
  },
  update(state, cast, { key, ...fields }) {
    if (key !== undefined && key !== cast.key) checkKeyFree(state, key);
    checkReferences(state, fields);
    Object.assign(cast, fields);
    if (key !== undefined) state.rekeyCastConfig(cast.cast_config_id, key);
  },
  remove: (state, id) => void state.deleteCastConfig(id),
  view(cast, state) {
    const image = cast.image_id === null ? undefined : state.images.get(cast.image_id);
    const group = cast.group_id === null ? undefined : state.groups.get(cast.group_id);
    return { ...cast, image_friendly_name: image?.friendly_name ?? null, group_name: group?.name ?? null };
  },
  /** The id from `target_cast_config`, or (tolerated) from the top level. */
  idOf(payload) {
    if (isObject(payload['target_cast_config'])) {
      return parseWrapped(payload, 'target_cast_config', castRef).cast_config_id;
    }
    if (payload['cast_config_id'] !== undefined) {
      return parse(castRef, payload).cast_config_id;
    }
    throw new ServerCrash("KeyError: 'target_cast_config'");
  },
};

export const castConfigRoutes: readonly SimRoute[] = crudRoutes(castConfigs);
