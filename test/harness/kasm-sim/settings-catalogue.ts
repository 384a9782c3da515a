import type { SimConfig } from './sim-config.js';

/**
 * The group settings the simulator knows. `group_setting_id` names a setting (the same id in every
 * group); values travel as strings ("true", "3600").
 */
export type SettingValueType = 'bool' | 'int' | 'string';

export interface SettingDefinition {
  readonly group_setting_id: string;
  readonly name: string;
  readonly description: string;
  readonly value_type: SettingValueType;
  /** Default value; keepalive_expiration takes the simulator's configured default. */
  defaultValue(config: SimConfig): string;
}

function fixed(value: string): (config: SimConfig) => string {
  return () => value;
}

export const SETTINGS_CATALOGUE: readonly SettingDefinition[] = [
  { group_setting_id: '13ef8423a5bb445cacbb6bd9f44a2454', name: 'allow_kasm_sharing', description: 'Allow sessions to be shared', value_type: 'bool', defaultValue: fixed('false') },
  { group_setting_id: '491760ee25a440dd842c1db414b34f2d', name: 'keepalive_expiration', description: 'Seconds a session lives after its last keepalive', value_type: 'int', defaultValue: (config) => String(config.keepaliveExpirationSeconds) },
  { group_setting_id: 'e1d65326163c49cc8800422b5eba7250', name: 'max_kasms_per_user', description: 'Concurrent sessions per user (0 = no limit)', value_type: 'int', defaultValue: fixed('0') },
  { group_setting_id: 'f7e6a8de35a64215bb16e163a1039f67', name: 'allow_kasm_audio', description: 'Allow audio', value_type: 'bool', defaultValue: fixed('true') },
  { group_setting_id: 'bc5e1bf062934aeebb99f50b201a0fed', name: 'allow_kasm_uploads', description: 'Allow uploads', value_type: 'bool', defaultValue: fixed('true') },
  { group_setting_id: '30588dc1a09849c7a0e14a6c2e6ad3c6', name: 'allow_kasm_downloads', description: 'Allow downloads', value_type: 'bool', defaultValue: fixed('true') },
  { group_setting_id: 'ec4ac4a80301429db8ebcec49c9cab28', name: 'allow_kasm_clipboard_down', description: 'Allow copying out of the session', value_type: 'bool', defaultValue: fixed('true') },
  { group_setting_id: '359fab24da254633a49826f9b6855cc8', name: 'allow_kasm_clipboard_up', description: 'Allow pasting into the session', value_type: 'bool', defaultValue: fixed('true') },
  { group_setting_id: 'af59999c6f684911bde32ad3c367be9a', name: 'allow_kasm_microphone', description: 'Allow microphone', value_type: 'bool', defaultValue: fixed('false') },
  { group_setting_id: 'da34b60990de4076beffc19728e674d1', name: 'shared_session_full_control', description: 'Users joining a shared session get full control', value_type: 'bool', defaultValue: fixed('false') },
  { group_setting_id: 'f45bc50363214229910b33e15f8a129b', name: 'idle_disconnect', description: 'Minutes of inactivity before the client disconnects', value_type: 'int', defaultValue: fixed('20') },
  { group_setting_id: 'f36091f5d9a140cf814e7b62ae34ae9f', name: 'default_image', description: 'Image launched when request_kasm names none', value_type: 'string', defaultValue: fixed('') },
];

const BY_ID = new Map(SETTINGS_CATALOGUE.map((setting) => [setting.group_setting_id, setting]));
const BY_NAME = new Map(SETTINGS_CATALOGUE.map((setting) => [setting.name, setting]));

export function settingById(id: string): SettingDefinition | undefined {
  return BY_ID.get(id);
}

export function settingByName(name: string): SettingDefinition | undefined {
  return BY_NAME.get(name);
}

/** The wire string for `value`, or undefined when it does not fit the setting's type. */
export function normaliseSettingValue(setting: SettingDefinition, value: unknown): string | undefined {
  switch (setting.value_type) {
    case 'bool':
      if (typeof value === 'boolean') return String(value);
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase();
      return undefined;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return String(Number.parseInt(value, 10));
      return undefined;
    case 'string':
      if (typeof value === 'string') return value;
      if (value === null) return '';
      return undefined;
  }
}
