import { settingByName } from './settings-catalogue.js';
import type { SettingDefinition } from './settings-catalogue.js';
import type { SimConfig } from './sim-config.js';
import type { SimState } from './state.js';

/**
 * Group settings as they apply to a user: among the user's groups that set the value explicitly, the
 * one with the lowest priority number wins (Administrators = 1 beats All Users = 1000); otherwise the
 * catalogue default.
 */
export function effectiveSetting(state: SimState, config: SimConfig, userId: string, name: string): string {
  const setting = settingByName(name);
  if (setting === undefined) {
    throw new Error(`unknown group setting "${name}"`);
  }
  return effectiveValue(state, config, userId, setting);
}

function effectiveValue(state: SimState, config: SimConfig, userId: string, setting: SettingDefinition): string {
  const user = state.users.get(userId);
  let best: { priority: number; value: string } | undefined;
  for (const groupId of user?.groupIds ?? []) {
    const group = state.groups.get(groupId);
    const value = state.groupSettingValues(groupId).get(setting.group_setting_id);
    if (group === undefined || value === undefined) continue;
    if (best === undefined || group.priority < best.priority) {
      best = { priority: group.priority, value };
    }
  }
  return best?.value ?? setting.defaultValue(config);
}

export function effectiveBool(state: SimState, config: SimConfig, userId: string, name: string): boolean {
  return effectiveSetting(state, config, userId, name) === 'true';
}

export function effectiveInt(state: SimState, config: SimConfig, userId: string, name: string): number {
  const value = Number.parseInt(effectiveSetting(state, config, userId, name), 10);
  return Number.isFinite(value) ? value : 0;
}
