import { definedFields } from '../defined-fields.js';
import { newId } from '../ids.js';
import { stagingConfigFieldsSchema } from '../records.js';
import type { StagingConfigFields, StagingConfigRecord } from '../records.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { crudRoutes } from './crud.js';
import type { CrudKind } from './crud.js';
import { requireImage, requireRecord } from './lookups.js';

/** Staging configs: pools of pre-started sessions per zone and image. `expiration` is in hours. */
const STAGING_DEFAULTS: Omit<StagingConfigFields, 'zone_id' | 'image_id'> = {
  num_sessions: 1,
  expiration: 1,
  allow_kasm_audio: true,
  allow_kasm_uploads: false,
  allow_kasm_downloads: false,
  allow_kasm_clipboard_down: false,
  allow_kasm_clipboard_up: false,
  allow_kasm_microphone: false,
};

const createSchema = stagingConfigFieldsSchema.partial().required({ zone_id: true, image_id: true });
const updateSchema = stagingConfigFieldsSchema.partial();

function checkReferences(state: SimState, fields: Partial<StagingConfigFields>): void {
  if (fields.zone_id !== undefined) requireRecord(state.zones, fields.zone_id, 'Zone');
  if (fields.image_id !== undefined) requireImage(state, fields.image_id);
}

const stagingConfigs: CrudKind<StagingConfigRecord, typeof createSchema, typeof updateSchema> = {
  kind: 'staging_config',
  thing: 'Staging config',
  permissions: { view: ['Staging View'], modify: ['Staging Modify'] },
  records: (state) => state.stagingConfigs,
  createFields: createSchema,
  updateFields: updateSchema,
  create(state, fields) {
    checkReferences(state, fields);
    return state.addStagingConfig({
      ...STAGING_DEFAULTS,
      ...definedFields(fields),
      zone_id: fields.zone_id,
      image_id: fields.image_id,
      staging_config_id: newId(),
    });
  },
  update(state, staging, changes) {
    checkReferences(state, changes);
    Object.assign(staging, changes);
  },
  remove: (state, id) => void state.deleteStagingConfig(id),
  view: (staging, state) => ({
    ...staging,
    zone_name: state.zones.get(staging.zone_id)?.zone_name ?? null,
    image_friendly_name: state.images.get(staging.image_id)?.friendly_name ?? null,
    num_current_sessions: 0,
  }),
};

export const stagingConfigRoutes: readonly SimRoute[] = crudRoutes(stagingConfigs);
