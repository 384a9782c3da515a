import { newId } from './ids.js';
import type { UserAttributesRecord, UserRecord } from './records.js';
import type { SimState } from './state.js';

/** What a fresh Kasm install carries: the two system groups, the two stock users and one zone. */
export const ALL_USERS_GROUP_ID = '68d557ac4cac42cca9f31c7c853de0f3';
export const ADMINISTRATORS_GROUP_ID = '31aa063c670648589533d3c42092d02a';
export const ADMIN_USERNAME = 'admin@kasm.local';
export const USER_USERNAME = 'user@kasm.local';
export const DEFAULT_ZONE_NAME = 'default';

export const DEFAULT_USER_ATTRIBUTES: Omit<UserAttributesRecord, 'user_id' | 'user_attributes_id'> = {
  ssh_public_key: '',
  show_tips: true,
  theme: 'Auto',
  preferred_language: 'Auto',
  preferred_timezone: 'Auto',
  toggle_control_panel: false,
  chat_sfx: true,
  default_image: null,
  auto_login_kasm: null,
};

/** A user record with Kasm's defaults; new users always start in All Users. */
export function newUserRecord(
  fields: Partial<Omit<UserRecord, 'user_id' | 'groupIds'>> & { username: string },
  now: number,
): UserRecord {
  return {
    user_id: newId(),
    first_name: '',
    last_name: '',
    locked: false,
    disabled: false,
    organization: '',
    phone: '',
    notes: null,
    email: null,
    city: null,
    state: null,
    country: null,
    realm: 'local',
    two_factor: false,
    created: now,
    password_set_date: null,
    last_session: null,
    program_id: null,
    password: null,
    logoutCount: 0,
    ...fields,
    groupIds: new Set([ALL_USERS_GROUP_ID]),
  };
}

export function seedState(state: SimState, now: number): void {
  state.addGroup({
    group_id: ALL_USERS_GROUP_ID,
    name: 'All Users',
    description: 'Default group for all users',
    priority: 1000,
    is_system: true,
    group_metadata: [],
    group_mappings: [],
  });
  state.addGroup({
    group_id: ADMINISTRATORS_GROUP_ID,
    name: 'Administrators',
    description: 'Administrators group',
    priority: 1,
    is_system: true,
    group_metadata: [],
    group_mappings: [],
  });
  const admin = state.addUser(
    newUserRecord({ username: ADMIN_USERNAME, first_name: 'Administrator', password_set_date: now }, now),
    DEFAULT_USER_ATTRIBUTES,
  );
  state.addMembership(admin.user_id, ADMINISTRATORS_GROUP_ID);
  state.addUser(
    newUserRecord({ username: USER_USERNAME, first_name: 'User', password_set_date: now }, now),
    DEFAULT_USER_ATTRIBUTES,
  );
  state.addZone({
    zone_id: newId(),
    zone_name: DEFAULT_ZONE_NAME,
    allow_origin_domain: '$request_host$',
    upstream_auth_address: '$request_host$',
    load_balancing_strategy: 'least_load',
    search_alternate_zones: true,
    prioritize_static_agents: true,
    proxy_connections: true,
    proxy_hostname: '$request_host$',
    proxy_path: 'desktop',
    proxy_port: 0,
  });
}
