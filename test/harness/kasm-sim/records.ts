import { z } from 'zod';
import { idField, jsonTextField } from './payload.js';

/**
 * The simulator's stored objects. Writable fields are declared once as zod schemas: handlers parse
 * requests with them (partial for updates) and records are these fields plus server-owned ones.
 * Dates are epoch ms on the simulator's clock and are printed by the views.
 */

// ---- users ----
export const userFieldsSchema = z.object({
  username: z.string().min(1),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  locked: z.boolean(),
  disabled: z.boolean(),
  organization: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string().nullable(),
  email: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  country: z.string().nullable(),
});
export type UserFields = z.infer<typeof userFieldsSchema>;

export interface UserRecord extends Omit<UserFields, 'username'> {
  readonly user_id: string;
  /** Unique; change it with SimState.renameUser so the username index follows. */
  readonly username: string;
  realm: string;
  two_factor: boolean;
  created: number;
  password_set_date: number | null;
  last_session: number | null;
  program_id: string | null;
  /** Stored to check the policy; never printed. */
  password: string | null;
  /** Group ids in the order the user joined them. */
  readonly groupIds: Set<string>;
  /** How many times logout_user ended the user's login sessions. */
  logoutCount: number;
}

export const userAttributesFieldsSchema = z.object({
  ssh_public_key: z.string().nullable(),
  show_tips: z.boolean(),
  theme: z.string(),
  preferred_language: z.string(),
  preferred_timezone: z.string(),
  toggle_control_panel: z.boolean(),
  chat_sfx: z.boolean(),
  default_image: idField.nullable(),
  auto_login_kasm: z.boolean().nullable(),
});
export type UserAttributesFields = z.infer<typeof userAttributesFieldsSchema>;

export interface UserAttributesRecord extends UserAttributesFields {
  readonly user_attributes_id: string;
  readonly user_id: string;
}

// ---- groups ----
export const groupFieldsSchema = z.object({
  name: z.string().min(1),
  description: z.string().nullable(),
  priority: z.number().int(),
  group_metadata: z.array(z.unknown()),
});
export type GroupFields = z.infer<typeof groupFieldsSchema>;

export interface GroupRecord extends Omit<GroupFields, 'name'> {
  readonly group_id: string;
  /** Unique; change it with SimState.renameGroup. */
  readonly name: string;
  readonly is_system: boolean;
  group_mappings: unknown[];
}

export interface GroupImageRecord {
  readonly group_image_id: string;
  readonly group_id: string;
  readonly image_id: string;
}

// ---- images ----
export const imageFieldsSchema = z.object({
  name: z.string().min(1),
  friendly_name: z.string().nullable(),
  description: z.string().nullable(),
  image_type: z.string(),
  image_src: z.string().nullable(),
  docker_registry: z.string().nullable(),
  docker_user: z.string().nullable(),
  docker_token: z.string().nullable(),
  uncompressed_size_mb: z.number().nullable(),
  x_res: z.number().int(),
  y_res: z.number().int(),
  hidden: z.boolean(),
  memory: z.number().int().nonnegative(),
  cores: z.number().nonnegative(),
  cpu_allocation_method: z.enum(['Inherit', 'Quotas', 'Shares']),
  require_gpu: z.boolean(),
  gpu_count: z.number().int().nonnegative(),
  zone_id: idField.nullable(),
  restrict_to_zone: z.boolean(),
  server_id: idField.nullable(),
  restrict_to_server: z.boolean(),
  server_pool_id: idField.nullable(),
  restrict_to_network: z.boolean(),
  restrict_network_names: z.array(z.string()),
  allow_network_selection: z.boolean(),
  override_egress_gateways: z.boolean(),
  enabled: z.boolean(),
  session_time_limit: z.number().int().nullable(),
  persistent_profile_path: z.string().nullable(),
  is_remote_app: z.boolean(),
  remote_app_name: z.string().nullable(),
  remote_app_args: z.string().nullable(),
  remote_app_icon: z.string().nullable(),
  remote_app_program: z.string().nullable(),
  link_url: z.string().nullable(),
  categories: z.array(z.string()),
  default_category: z.string().nullable(),
  notes: z.string().nullable(),
  filter_policy_id: idField.nullable(),
  filter_policy_force_disabled: z.boolean(),
  run_config: jsonTextField,
  exec_config: jsonTextField,
  volume_mappings: jsonTextField,
  launch_config: jsonTextField,
});
export type ImageFields = z.infer<typeof imageFieldsSchema>;

export interface ImageRecord extends ImageFields {
  readonly image_id: string;
  available: boolean;
  hash: string | null;
}

// ---- zones ----
export interface ZoneRecord {
  readonly zone_id: string;
  zone_name: string;
  allow_origin_domain: string;
  upstream_auth_address: string;
  load_balancing_strategy: string;
  search_alternate_zones: boolean;
  prioritize_static_agents: boolean;
  proxy_connections: boolean;
  proxy_hostname: string;
  proxy_path: string;
  proxy_port: number;
}

// ---- registries ----
export interface RegistryRecord {
  readonly registry_id: string;
  /** Unique; registries have no update call, so it never changes. */
  readonly registry_url: string;
  channel: string | null;
  override_schema: string | boolean | null;
  do_auto_update: boolean;
  schema_version: string;
  is_verified: boolean;
}

// ---- licences ----
export interface LicenseRecord {
  readonly license_id: string;
  /** Kept to make activation idempotent; never printed. */
  readonly activation_key: string;
  expiration: number;
  issued_at: number;
  issued_to: string;
  limit: number;
  is_verified: boolean;
  license_type: string;
  features: Record<string, boolean>;
  sku: string;
}

// ---- cast configs ----
export const castConfigFieldsSchema = z.object({
  casting_config_name: z.string().min(1),
  image_id: idField.nullable(),
  key: z.string().min(1),
  allowed_referrers: z.array(z.string()),
  limit_sessions: z.boolean(),
  session_remaining: z.number().int(),
  limit_ips: z.boolean(),
  ip_request_limit: z.number().int(),
  ip_request_seconds: z.number().int(),
  error_url: z.string().nullable(),
  enable_sharing: z.boolean(),
  disable_control_panel: z.boolean(),
  disable_tips: z.boolean(),
  disable_fixed_res: z.boolean(),
  allow_anonymous: z.boolean(),
  group_id: idField.nullable(),
  require_recaptcha: z.boolean(),
  kasm_url: z.string().nullable(),
  dynamic_kasm_url: z.boolean(),
  dynamic_docker_network: z.boolean(),
  allow_resume: z.boolean(),
  enforce_client_settings: z.boolean(),
  allow_kasm_audio: z.boolean(),
  allow_kasm_uploads: z.boolean(),
  allow_kasm_downloads: z.boolean(),
  allow_kasm_clipboard_down: z.boolean(),
  allow_kasm_clipboard_up: z.boolean(),
  allow_kasm_microphone: z.boolean(),
  allow_kasm_sharing: z.boolean(),
  kasm_audio_default_on: z.boolean(),
  kasm_ime_mode_default_on: z.boolean(),
  valid_until: z.string().nullable(),
});
export type CastConfigFields = z.infer<typeof castConfigFieldsSchema>;

export interface CastConfigRecord extends Omit<CastConfigFields, 'key'> {
  readonly cast_config_id: string;
  /** Unique; change it with SimState.rekeyCastConfig. */
  readonly key: string;
}

// ---- staging configs ----
export const stagingConfigFieldsSchema = z.object({
  zone_id: idField,
  image_id: idField,
  num_sessions: z.number().int().nonnegative(),
  /** Hours. */
  expiration: z.number().nonnegative(),
  allow_kasm_audio: z.boolean(),
  allow_kasm_uploads: z.boolean(),
  allow_kasm_downloads: z.boolean(),
  allow_kasm_clipboard_down: z.boolean(),
  allow_kasm_clipboard_up: z.boolean(),
  allow_kasm_microphone: z.boolean(),
});
export type StagingConfigFields = z.infer<typeof stagingConfigFieldsSchema>;

export interface StagingConfigRecord extends StagingConfigFields {
  readonly staging_config_id: string;
}

// ---- egress ----
const egressConfigField = z.record(z.string(), z.unknown());

export const egressProviderFieldsSchema = z.object({
  name: z.string().min(1),
  egress_provider_type: z.enum(['wireguard', 'openvpn', 'http_proxy', 'socks_proxy']),
  enabled: z.boolean(),
  config: egressConfigField,
});
export type EgressProviderFields = z.infer<typeof egressProviderFieldsSchema>;
export interface EgressProviderRecord extends EgressProviderFields {
  readonly egress_provider_id: string;
}

export const egressGatewayFieldsSchema = z.object({
  egress_provider_id: idField,
  name: z.string().min(1),
  country: z.string(),
  city: z.string(),
  enabled: z.boolean(),
  config: egressConfigField,
});
export type EgressGatewayFields = z.infer<typeof egressGatewayFieldsSchema>;
export interface EgressGatewayRecord extends EgressGatewayFields {
  readonly egress_gateway_id: string;
}

export const egressCredentialFieldsSchema = z.object({
  egress_gateway_id: idField,
  username: z.string().min(1),
  password: z.string().nullable(),
  config: egressConfigField,
});
export type EgressCredentialFields = z.infer<typeof egressCredentialFieldsSchema>;
export interface EgressCredentialRecord extends EgressCredentialFields {
  readonly egress_credential_id: string;
}

export const egressMappingFieldsSchema = z.object({
  egress_provider_id: idField,
  group_id: idField.nullable(),
  user_id: idField.nullable(),
  image_id: idField.nullable(),
  egress_gateway_id: idField.nullable(),
});
export type EgressMappingFields = z.infer<typeof egressMappingFieldsSchema>;
export interface EgressMappingRecord extends EgressMappingFields {
  readonly egress_provider_mapping_id: string;
}

// ---- sessions ----
export type SessionAccess = 'r' | 'rw' | '';

export interface SessionPermissionRecord {
  readonly session_permission_id: string;
  access: SessionAccess;
}

export interface SessionRecord {
  readonly kasm_id: string;
  readonly user_id: string;
  readonly image_id: string;
  /** When request_kasm accepted it; the phase follows from these three instants. */
  requestedAt: number;
  startingAt: number;
  runningAt: number;
  /** Overrides the computed phase (e.g. "paused", "stopped"), null = computed. */
  statusOverride: string | null;
  /** Current session token (32 hex); get_kasm_status on a running session replaces it. */
  token: string;
  share_id: string | null;
  view_only_token: string;
  created_date: number;
  keepalive_date: number;
  expiration_date: number;
  container_id: string;
  container_ip: string;
  kasm_url: string | null;
  environment: Record<string, string>;
  connection_info: unknown;
  egress_gateway_id: string | null;
  persistent_profile_mode: string | null;
  rdp_client_type: string | null;
  client_language: string | null;
  client_timezone: string | null;
  /** Viewer client ids a test marked connected (get_kasm_frame_stats needs one). */
  readonly viewers: Set<string>;
  /** user_id → access granted with set_session_permissions. */
  readonly permissions: Map<string, SessionPermissionRecord>;
}

export interface RecordingRecord {
  readonly recording_id: string;
  readonly kasm_id: string;
  readonly account_id: string;
  readonly created: number;
  readonly duration_seconds: number;
}

export interface ExecRecord {
  readonly kasm_id: string;
  readonly user_id: string;
  readonly exec_config: {
    cmd: string;
    workdir?: string | undefined;
    environment?: Record<string, string> | undefined;
    privileged?: boolean | undefined;
    user?: string | undefined;
  };
  /** Epoch ms on the simulator's clock. */
  readonly at: number;
}
