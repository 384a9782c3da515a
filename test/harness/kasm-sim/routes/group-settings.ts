import { z } from 'zod';
import { normaliseId } from '../ids.js';
import { idField, parseWrapped } from '../payload.js';
import { BusinessFailure } from '../route-errors.js';
import { adminPath, json } from '../route.js';
import type { SimRoute } from '../route.js';
import { normaliseSettingValue, settingById } from '../settings-catalogue.js';
import type { SimState } from '../state.js';
import { groupSettingsView } from '../views/groups.js';
import { requireGroup } from './lookups.js';

/** Group settings, on the admin API: read all of a group's settings, change one. */
const groupRef = z.object({ group_id: idField });

/** default_image holds an image id (stored as 32 hex) or "" for none. */
function defaultImageValue(state: SimState, value: string): string {
  if (value === '') return '';
  const imageId = normaliseId(value);
  if (imageId === undefined || !state.images.has(imageId)) throw new BusinessFailure('Image not found');
  return imageId;
}
const settingSchema = z.object({
  group_setting_id: idField,
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});

export const groupSettingsRoutes: readonly SimRoute[] = [
  {
    name: 'get_settings_group',
    path: adminPath('get_settings_group'),
    permissions: ['Groups View'],
    write: false,
    handle({ payload, state, config }) {
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      requireGroup(state, group_id);
      return json({ settings: groupSettingsView(state, config, group_id) });
    },
  },
  {
    name: 'update_settings_group',
    path: adminPath('update_settings_group'),
    permissions: ['Groups Modify'],
    write: true,
    handle(context) {
      const { payload, state } = context;
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      const { group_setting_id, value } = parseWrapped(payload, 'target_setting', settingSchema);
      const group = requireGroup(state, group_id);
      if (group.is_system) context.demand('Groups Modify System');
      const setting = settingById(group_setting_id);
      if (setting === undefined) throw new BusinessFailure('Setting not found');
      const normalised = normaliseSettingValue(setting, value);
      if (normalised === undefined) {
        throw new BusinessFailure(
          `Invalid value for target_setting.value: ${setting.name} takes a ${setting.value_type} value`,
        );
      }
      state.setGroupSetting(group_id, group_setting_id, setting.name === 'default_image' ? defaultImageValue(state, normalised) : normalised);
      return json({});
    },
  },
];
