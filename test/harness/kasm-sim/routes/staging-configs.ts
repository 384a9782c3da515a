import { z } from 'zod';
import { definedFields } from '../defined-fields.js';
import { newId } from '../ids.js';
import { idField, parseWrapped } from '../payload.js';
import { stagingConfigFieldsSchema } from '../records.js';
import type { StagingConfigFields, StagingConfigRecord } from '../records.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
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
const updateSchema = stagingConfigFieldsSchema.partial().extend({ staging_config_id: idField });
const stagingRef = z.object({ staging_config_id: idField });

function stagingView(state: SimState, staging: StagingConfigRecord): Record<string, unknown> {
  return {
    ...staging,
    zone_name: state.zones.get(staging.zone_id)?.zone_name ?? null,
    image_friendly_name: state.images.get(staging.image_id)?.friendly_name ?? null,
    num_current_sessions: 0,
  };
}

function checkReferences(state: SimState, fields: Partial<StagingConfigFields>): void {
  if (fields.zone_id !== undefined) requireRecord(state.zones, fields.zone_id, 'Zone');
  if (fields.image_id !== undefined) requireImage(state, fields.image_id);
}

export const stagingConfigRoutes: readonly SimRoute[] = [
  {
    name: 'get_staging_configs',
    path: publicPath('get_staging_configs'),
    permissions: ['Staging View'],
    write: false,
    handle({ state }) {
      return json({ staging_configs: [...state.stagingConfigs.values()].map((staging) => stagingView(state, staging)) });
    },
  },
  {
    name: 'get_staging_config',
    path: publicPath('get_staging_config'),
    permissions: ['Staging View'],
    write: false,
    handle({ payload, state }) {
      const { staging_config_id } = parseWrapped(payload, 'target_staging_config', stagingRef);
      const staging = requireRecord(state.stagingConfigs, staging_config_id, 'Staging config');
      return json({ staging_config: stagingView(state, staging) });
    },
  },
  {
    name: 'create_staging_config',
    path: publicPath('create_staging_config'),
    permissions: ['Staging Modify'],
    write: true,
    handle({ payload, state }) {
      const fields = parseWrapped(payload, 'target_staging_config', createSchema);
      checkReferences(state, fields);
      const staging = state.addStagingConfig({
        ...STAGING_DEFAULTS,
        ...definedFields(fields),
        zone_id: fields.zone_id,
        image_id: fields.image_id,
        staging_config_id: newId(),
      });
      return json({ staging_config: stagingView(state, staging) });
    },
  },
  {
    name: 'update_staging_config',
    path: publicPath('update_staging_config'),
    permissions: ['Staging Modify'],
    write: true,
    handle({ payload, state }) {
      const { staging_config_id, ...fields } = parseWrapped(payload, 'target_staging_config', updateSchema);
      const staging = requireRecord(state.stagingConfigs, staging_config_id, 'Staging config');
      checkReferences(state, fields);
      Object.assign(staging, definedFields(fields));
      return json({ staging_config: stagingView(state, staging) });
    },
  },
  {
    name: 'delete_staging_config',
    path: publicPath('delete_staging_config'),
    permissions: ['Staging Modify'],
    write: true,
    handle({ payload, state }) {
      const { staging_config_id } = parseWrapped(payload, 'target_staging_config', stagingRef);
      requireRecord(state.stagingConfigs, staging_config_id, 'Staging config');
      state.deleteStagingConfig(staging_config_id);
      return json({});
    },
  },
];
