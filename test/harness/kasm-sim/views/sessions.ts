import { effectiveBool, effectiveInt } from '../effective-settings.js';
import { dashed } from '../ids.js';
import type { SessionRecord } from '../records.js';
import { sessionStatus } from '../session-lifecycle.js';
import { SIM_AGENT } from '../sim-agent.js';
import type { SimConfig } from '../sim-config.js';
import type { SimState } from '../state.js';
import { naiveTimestamp } from '../timestamps.js';

/**
 * A session ("kasm") as get_kasm_status, get_kasms and exec_command_kasm print it: 32-hex ids,
 * naive dates, client settings from the owner's groups. The session token is not part of it.
 */
export function connectPath(session: SessionRecord): string {
  return `/#/connect/kasm/${dashed(session.kasm_id)}/${session.user_id}/${dashed(session.token)}`;
}

export function imageSummary(state: SimState, imageId: string): Record<string, unknown> {
  const image = state.images.get(imageId);
  return {
    image_id: imageId,
    name: image?.name ?? null,
    friendly_name: image?.friendly_name ?? null,
    image_src: image?.image_src ?? null,
  };
}

export function portMap(session: SessionRecord): Record<string, { path: string; port: number }> {
  const base = `desktop/${dashed(session.kasm_id)}`;
  return {
    vnc: { path: `${base}/vnc`, port: SIM_AGENT.port },
    audio: { path: `${base}/audio`, port: SIM_AGENT.port },
    audio_input: { path: `${base}/audio_input`, port: SIM_AGENT.port },
    uploads: { path: `${base}/uploads`, port: SIM_AGENT.port },
  };
}

export function clientSettings(state: SimState, config: SimConfig, userId: string): Record<string, unknown> {
  const flag = (name: string): boolean => effectiveBool(state, config, userId, name);
  return {
    allow_kasm_audio: flag('allow_kasm_audio'),
    allow_kasm_uploads: flag('allow_kasm_uploads'),
    allow_kasm_downloads: flag('allow_kasm_downloads'),
    allow_kasm_clipboard_down: flag('allow_kasm_clipboard_down'),
    allow_kasm_clipboard_up: flag('allow_kasm_clipboard_up'),
    allow_kasm_clipboard_seamless: true,
    allow_kasm_microphone: flag('allow_kasm_microphone'),
    allow_kasm_sharing: flag('allow_kasm_sharing'),
    idle_disconnect: effectiveInt(state, config, userId, 'idle_disconnect'),
    lock_sharing_video_mode: false,
    allow_persistent_profile: false,
    kasm_audio_default_on: false,
    allow_point_of_presence: false,
    enable_webp: true,
  };
}

export function sessionView(state: SimState, config: SimConfig, session: SessionRecord, now: number): Record<string, unknown> {
  const image = state.images.get(session.image_id);
  const zone = state.zones.values().next().value;
  return {
    kasm_id: session.kasm_id,
    user_id: session.user_id,
    username: state.users.get(session.user_id)?.username ?? null,
    image_id: session.image_id,
    image: imageSummary(state, session.image_id),
    ...sessionStatus(session, now),
    container_id: session.container_id,
    container_ip: session.container_ip,
    host: SIM_AGENT.host,
    hostname: SIM_AGENT.hostname,
    port: SIM_AGENT.port,
    server_id: SIM_AGENT.server_id,
    zone_id: zone?.zone_id ?? null,
    zone_name: zone?.zone_name ?? null,
    docker_network: SIM_AGENT.docker_network,
    share_id: session.share_id,
    view_only_token: session.view_only_token,
    cores: image?.cores ?? 0,
    memory: image?.memory ?? 0,
    gpus: image?.gpu_count ?? 0,
    start_date: naiveTimestamp(session.requestedAt),
    created_date: naiveTimestamp(session.created_date),
    keepalive_date: naiveTimestamp(session.keepalive_date),
    expiration_date: naiveTimestamp(session.expiration_date),
    is_persistent_profile: false,
    persistent_profile_mode: session.persistent_profile_mode,
    point_of_presence: null,
    port_map: portMap(session),
    client_settings: clientSettings(state, config, session.user_id),
    connection_info: session.connection_info,
    egress_gateway_id: session.egress_gateway_id,
    rdp_client_type: session.rdp_client_type,
    is_standby: false,
    staging_config_id: null,
    cast_config_id: null,
    queued_tasks: [],
  };
}
