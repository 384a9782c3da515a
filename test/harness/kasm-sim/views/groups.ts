import type { GroupRecord } from '../records.js';
import { SETTINGS_CATALOGUE } from '../settings-catalogue.js';
import type { SimConfig } from '../sim-config.js';
import type { SimState } from '../state.js';

/** A group as get_groups / create_group print it; workspace_names lists the group's images. */
export function groupView(state: SimState, group: GroupRecord): Record<string, unknown> {
  const workspaceNames: string[] = [];
  for (const imageId of state.groupImages(group.group_id).keys()) {
    const image = state.images.get(imageId);
    if (image !== undefined) workspaceNames.push(image.friendly_name ?? image.name);
  }
  return {
    group_id: group.group_id,
    name: group.name,
    description: group.description,
    priority: group.priority,
    is_system: group.is_system,
    group_metadata: group.group_metadata,
    group_mappings: group.group_mappings,
    workspace_names: workspaceNames,
  };
}

/** Every catalogue setting with the group's explicit value or the default. */
export function groupSettingsView(state: SimState, config: SimConfig, groupId: string): Record<string, unknown>[] {
  const explicit = state.groupSettingValues(groupId);
  return SETTINGS_CATALOGUE.map((setting) => ({
    group_id: groupId,
    group_setting_id: setting.group_setting_id,
    name: setting.name,
    description: setting.description,
    value: explicit.get(setting.group_setting_id) ?? setting.defaultValue(config),
    value_type: setting.value_type,
  }));
}

/** One row of get_images_group. */
export function groupImageView(state: SimState, groupId: string, imageId: string, groupImageId: string): Record<string, unknown> {
  const group = state.groups.get(groupId);
  const image = state.images.get(imageId);
  return {
    group_image_id: groupImageId,
    group_id: groupId,
    image_id: imageId,
    image_name: image?.name ?? null,
    group_name: group?.name ?? null,
    image_friendly_name: image?.friendly_name ?? null,
    image_src: image?.image_src ?? null,
  };
}

