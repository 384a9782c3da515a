import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { KasmInvalidResponseError } from '../errors.js';
import { tryNormalizeKasmId } from '../ids.js';
import {
  kasmId,
  kasmTimestamp,
  listOf,
  looseRecord,
  nullableBoolean,
  nullableInteger,
  nullableKasmId,
  nullableNumber,
  nullableString,
} from '../schema-primitives.js';
import { camelKeys, snakeKeys } from './key-case.js';

/**
 * Sessions ("kasms"). A session starts asynchronously: request_kasm answers at once and
 * get_kasm_status raises KasmPendingError until it runs. Every status call issues a new session
 * token, so only the latest `kasmUrl` works.
 */

// ---- replies ----

const sessionImageSchema = z
  .object({
    image_id: nullableKasmId,
    name: nullableString,
    friendly_name: nullableString,
    image_src: nullableString,
  })
  .transform(camelKeys);

export const kasmSessionSchema = z
  .object({
    kasm_id: kasmId,
    user_id: kasmId,
    username: nullableString,
    image_id: nullableKasmId,
    image: sessionImageSchema.nullish().transform((image) => image ?? null),
    operational_status: nullableString,
    operational_message: nullableString,
    operational_progress: nullableNumber,
    container_id: nullableString,
    container_ip: nullableString,
    host: nullableString,
    hostname: nullableString,
    port: nullableInteger,
    server_id: nullableKasmId,
    zone_name: nullableString,
    docker_network: nullableString,
    share_id: nullableString,
    cores: nullableNumber,
    memory: nullableInteger,
    gpus: nullableNumber,
    start_date: kasmTimestamp,
    keepalive_date: kasmTimestamp,
    expiration_date: kasmTimestamp,
    created_date: kasmTimestamp,
    is_persistent_profile: nullableBoolean,
    persistent_profile_mode: nullableString,
    is_standby: nullableBoolean,
    rdp_client_type: nullableString,
    egress_gateway_id: nullableKasmId,
    staging_config_id: nullableKasmId,
    cast_config_id: nullableKasmId,
    port_map: looseRecord,
    client_settings: looseRecord,
  })
  .transform(camelKeys);
export type KasmSession = z.output<typeof kasmSessionSchema>;

const requestKasmReply = z
  .object({
    kasm_id: kasmId,
    status: nullableString,
    user_id: kasmId,
    username: nullableString,
    session_token: z.string(),
    kasm_url: z.string(),
    share_id: nullableString,
  })
  .transform(camelKeys);
export type KasmSessionRequested = z.output<typeof requestKasmReply>;

const sessionStatusReply = z
  .object({
    kasm: kasmSessionSchema,
    kasm_url: nullableString,
    current_time: kasmTimestamp,
  })
  .transform(camelKeys);
export type KasmSessionStatus = z.output<typeof sessionStatusReply>;

/** The shared session as join_kasm describes it; looser than a full session. */
const joinedKasmSchema = z
  .object({
    kasm_id: nullableKasmId,
    share_id: nullableString,
    host: nullableString,
    hostname: nullableString,
    port: nullableInteger,
    image: sessionImageSchema.nullish().transform((image) => image ?? null),
    client_settings: looseRecord,
  })
  .transform(camelKeys);

const joinKasmReply = z
  .object({
    kasm_url: z.string(),
    session_token: nullableString,
    user_id: nullableKasmId,
    username: nullableString,
    current_time: kasmTimestamp,
    kasm: joinedKasmSchema.nullish().transform((kasm) => kasm ?? null),
  })
  .transform(camelKeys);
export type KasmSessionJoin = z.output<typeof joinKasmReply>;

const execReply = z
  .object({
    // exec is fire-and-forget: the reply describes the session, never the command's output.
    kasm: kasmSessionSchema.nullish().transform((kasm) => kasm ?? null),
    current_time: kasmTimestamp,
  })
  .transform(camelKeys);
export type KasmExecResult = z.output<typeof execReply>;

const frameStatsSchema = z
  .object({
    frame: z
      .object({ resx: nullableNumber, resy: nullableNumber, changed: nullableNumber, server_time: nullableNumber })
      .transform(camelKeys)
      .nullish()
      .transform((frame) => frame ?? null),
    clients: listOf(
      z
        .object({
          client: nullableString,
          client_time: nullableNumber,
          ping: nullableNumber,
          processes: listOf(z.object({ process_name: nullableString, time: nullableNumber }).transform(camelKeys)),
        })
        .transform(camelKeys),
    ),
    analysis: nullableNumber,
    screenshot: nullableNumber,
    encoding_total: nullableNumber,
    videoscaling: nullableNumber,
    tightjpegencoder: looseRecord,
    tightwebpencoder: looseRecord,
  })
  .transform(camelKeys);
export type KasmFrameStats = z.output<typeof frameStatsSchema>;

export const kasmRecordingSchema = z
  .object({
    recording_id: kasmId,
    account_id: nullableString,
    kasm_id: nullableKasmId,
    session_recording_url: nullableString,
    session_recording_download_url: nullableString,
    session_recording_metadata: looseRecord,
  })
  .transform(camelKeys);
export type KasmRecording = z.output<typeof kasmRecordingSchema>;

// ---- requests ----

const sessionRef = z.object({ userId: kasmId, kasmId }).transform(snakeKeys);

const requestKasmRequest = z
  .object({
    /** Without a user Kasm creates an anonymous one. */
    userId: kasmId.optional(),
    /** Without an image Kasm uses the user's or group's default image. */
    imageId: kasmId.optional(),
    enableSharing: z.boolean().optional(),
    /** Start URL for browser workspaces. */
    kasmUrl: z.string().optional(),
    environment: z.record(z.string(), z.string()).optional(),
    connectionInfo: z.record(z.string(), z.unknown()).optional(),
    clientLanguage: z.string().optional(),
    clientTimezone: z.string().optional(),
    egressGatewayId: kasmId.optional(),
    persistentProfileMode: z.enum(['Enabled', 'Disabled', 'Reset']).optional(),
    rdpClientType: z.enum(['GUAC', 'RDP_CLIENT']).optional(),
    serverId: kasmId.optional(),
  })
  .transform(snakeKeys);
export type RequestSessionInput = z.input<typeof requestKasmRequest>;

const statusRequest = z
  .object({ userId: kasmId, kasmId, skipAgentCheck: z.boolean().optional() })
  .transform(snakeKeys);

const joinRequest = z
  .object({ shareId: z.string().trim().min(1, 'must not be empty'), userId: kasmId.optional() })
  .transform(snakeKeys);

const keepaliveRequest = z.object({ kasmId }).transform(snakeKeys);

const execRequest = z
  .object({
    userId: kasmId,
    kasmId,
    cmd: z.string().min(1, 'must not be empty'),
    workdir: z.string().optional(),
    environment: z.record(z.string(), z.string()).optional(),
    privileged: z.boolean().optional(),
    /** "root" turns the sandbox off; other users may not exist in the image. */
    user: z.string().optional(),
  })
  .transform(({ userId, kasmId: id, ...execConfig }) => ({ user_id: userId, kasm_id: id, exec_config: snakeKeys(execConfig) }));
export type ExecInput = Omit<z.input<typeof execRequest>, 'userId' | 'kasmId'>;

const screenshotRequest = z
  .object({
    userId: kasmId,
    kasmId,
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
  })
  .transform(snakeKeys);

const frameStatsRequest = z
  .object({
    userId: kasmId,
    kasmId,
    /** "none", "auto", "all" or a websocket client id. */
    client: z.string().min(1).default('auto'),
  })
  .transform(snakeKeys);

const recordingsRequest = z
  .object({ kasmId, preauthDownloadLink: z.boolean().default(false) })
  .transform(({ kasmId: id, preauthDownloadLink }) => ({ target_kasm_id: id, preauth_download_link: preauthDownloadLink }));

const manyRecordingsRequest = z
  .object({ kasmIds: z.array(kasmId).min(1, 'must name at least one session'), preauthDownloadLink: z.boolean().default(false) })
  .transform(({ kasmIds, preauthDownloadLink }) => ({ target_kasm_ids: kasmIds, preauth_download_link: preauthDownloadLink }));

/** Session ids as keys may be dashed or not; they come out normalised. */
const recordingsBySession = z
  .record(z.string(), z.object({ session_recordings: listOf(kasmRecordingSchema) }))
  .nullish()
  .transform((bySession) => {
    const out = new Map<string, KasmRecording[]>();
    for (const [key, value] of Object.entries(bySession ?? {})) {
      out.set(tryNormalizeKasmId(key) ?? key, value.session_recordings);
    }
    return out;
  });

const rdpRequest = z
  .object({ userId: kasmId, kasmId, connectionType: z.enum(['file', 'url']) })
  .transform(snakeKeys);

// ---- endpoints ----

const userSession = ['Users Auth Session', 'User'];

export const sessionsEndpoints = {
  requestKasm: defineEndpoint({
    name: 'request_kasm',
    path: '/api/public/request_kasm',
    kind: 'write',
    permissions: userSession,
    request: requestKasmRequest,
    response: requestKasmReply,
  }),
  getKasmStatus: defineEndpoint({
    name: 'get_kasm_status',
    path: '/api/public/get_kasm_status',
    // Issues a new token each time, but repeating it is harmless.
    kind: 'read',
    permissions: userSession,
    request: statusRequest,
    response: sessionStatusReply,
  }),
  getKasms: defineEndpoint({
    name: 'get_kasms',
    path: '/api/public/get_kasms',
    kind: 'read',
    permissions: ['Sessions View'],
    request: z.object({}),
    response: z.object({ kasms: listOf(kasmSessionSchema), current_time: kasmTimestamp }).transform(camelKeys),
  }),
  destroyKasm: defineEndpoint({
    name: 'destroy_kasm',
    path: '/api/public/destroy_kasm',
    kind: 'write',
    permissions: userSession,
    request: sessionRef,
    response: z.object({}),
  }),
  joinKasm: defineEndpoint({
    name: 'join_kasm',
    path: '/api/public/join_kasm',
    kind: 'write',
    permissions: userSession,
    request: joinRequest,
    response: joinKasmReply,
  }),
  keepalive: defineEndpoint({
    name: 'keepalive',
    path: '/api/public/keepalive',
    kind: 'write',
    permissions: userSession,
    request: keepaliveRequest,
    response: z.object({ usage_reached: nullableBoolean }).transform(camelKeys),
  }),
  execCommandKasm: defineEndpoint({
    name: 'exec_command_kasm',
    path: '/api/public/exec_command_kasm',
    kind: 'write',
    permissions: ['Sessions Modify'],
    request: execRequest,
    response: execReply,
  }),
  getKasmScreenshot: defineEndpoint({
    name: 'get_kasm_screenshot',
    path: '/api/public/get_kasm_screenshot',
    kind: 'read',
    permissions: ['Sessions View'],
    request: screenshotRequest,
    response: z.unknown(),
    binary: true,
  }),
  getKasmFrameStats: defineEndpoint({
    name: 'get_kasm_frame_stats',
    path: '/api/public/get_kasm_frame_stats',
    kind: 'read',
    permissions: ['Sessions View'],
    request: frameStatsRequest,
    response: frameStatsSchema,
  }),
  getKasmBottleneckStats: defineEndpoint({
    name: 'get_kasm_bottleneck_stats',
    path: '/api/public/get_kasm_bottleneck_stats',
    kind: 'read',
    permissions: ['Sessions View'],
    request: sessionRef,
    response: z.object({ kasm_user: z.record(z.string(), z.unknown()).nullish().transform((stats) => stats ?? {}) }),
  }),
  getSessionRecordings: defineEndpoint({
    name: 'get_session_recordings',
    path: '/api/public/get_session_recordings',
    kind: 'read',
    permissions: ['Sessions View'],
    request: recordingsRequest,
    response: z.object({ session_recordings: listOf(kasmRecordingSchema) }),
  }),
  getSessionsRecordings: defineEndpoint({
    name: 'get_sessions_recordings',
    path: '/api/public/get_sessions_recordings',
    kind: 'read',
    permissions: ['Sessions View'],
    request: manyRecordingsRequest,
    response: z.object({ kasm_sessions: recordingsBySession }),
  }),
  getRdpClientConnectionInfo: defineEndpoint({
    name: 'get_rdp_client_connection_info',
    path: '/api/public/get_rdp_client_connection_info',
    kind: 'read',
    permissions: userSession,
    request: rdpRequest,
    response: z.object({ file: z.string().optional(), url: z.string().optional() }),
  }),
};

// ---- API ----

export type KasmSessionList = z.output<typeof sessionsEndpoints.getKasms.response>;

/** Identifies a session for the calls that act on behalf of its owner. */
export interface SessionRef {
  kasmId: string;
  userId: string;
}

const JPEG_START = [0xff, 0xd8];
const JPEG_END = [0xff, 0xd9];

function isJpeg(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === JPEG_START[0] &&
    bytes[1] === JPEG_START[1] &&
    bytes[bytes.length - 2] === JPEG_END[0] &&
    bytes[bytes.length - 1] === JPEG_END[1]
  );
}

export class SessionsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** Asks Kasm for a session; it is not running yet (poll `status`). */
  async request(input: RequestSessionInput, options?: CallOptions): Promise<KasmSessionRequested> {
    return this.#caller.call(sessionsEndpoints.requestKasm, input, options);
  }

  /**
   * The running session and a fresh connect URL. Throws KasmPendingError while the session starts
   * and KasmNotFoundError once it is gone. Each call invalidates the previous URL.
   */
  async status(ref: SessionRef & { skipAgentCheck?: boolean }, options?: CallOptions): Promise<KasmSessionStatus> {
    return this.#caller.call(sessionsEndpoints.getKasmStatus, ref, options);
  }

  /** Every session (no connect URLs). */
  async list(options?: CallOptions): Promise<KasmSessionList> {
    return this.#caller.call(sessionsEndpoints.getKasms, {}, options);
  }

  async destroy(ref: SessionRef, options?: CallOptions): Promise<void> {
    await this.#caller.call(sessionsEndpoints.destroyKasm, ref, options);
  }

  /** Joins a shared session; view-only unless the owner's group allows full control. */
  async join(input: { shareId: string; userId?: string }, options?: CallOptions): Promise<KasmSessionJoin> {
    return this.#caller.call(sessionsEndpoints.joinKasm, input, options);
  }

  /** Pushes the expiry out by the owner's keepalive_expiration; `usageReached` means the quota is spent. */
  async keepalive(kasmId: string, options?: CallOptions): Promise<{ usageReached: boolean }> {
    const reply = await this.#caller.call(sessionsEndpoints.keepalive, { kasmId }, options);
    return { usageReached: reply.usageReached ?? false };
  }

  /** Starts a command in the session. Kasm reports neither output nor exit code. */
  async exec(ref: SessionRef, command: ExecInput, options?: CallOptions): Promise<KasmExecResult> {
    return this.#caller.call(sessionsEndpoints.execCommandKasm, { ...command, ...ref }, options);
  }

  /** A JPEG of the desktop; Kasm keeps the aspect ratio, so the size may differ from the one asked. */
  async screenshot(ref: SessionRef & { width?: number; height?: number }, options?: CallOptions): Promise<Uint8Array> {
    const reply = await this.#caller.callBinary(sessionsEndpoints.getKasmScreenshot, ref, options);
    if (!isJpeg(reply.body)) {
      throw new KasmInvalidResponseError(
        `Kasm get_kasm_screenshot: expected a JPEG image, got ${reply.body.length} bytes of ${reply.contentType}`,
        { endpoint: sessionsEndpoints.getKasmScreenshot.name, status: 200, field: '(body)' },
      );
    }
    return reply.body;
  }

  /** Needs a viewer connected to the session; otherwise Kasm answers with an error. */
  async frameStats(ref: SessionRef & { client?: string }, options?: CallOptions): Promise<KasmFrameStats> {
    return this.#caller.call(sessionsEndpoints.getKasmFrameStats, ref, options);
  }

  /** Kasm's bottleneck counters, keyed by metric name. */
  async bottleneckStats(ref: SessionRef, options?: CallOptions): Promise<Record<string, unknown>> {
    return (await this.#caller.call(sessionsEndpoints.getKasmBottleneckStats, ref, options)).kasm_user;
  }

  async recordings(
    kasmId: string,
    input: { preauthDownloadLink?: boolean } = {},
    options?: CallOptions,
  ): Promise<KasmRecording[]> {
    const reply = await this.#caller.call(sessionsEndpoints.getSessionRecordings, { ...input, kasmId }, options);
    return reply.session_recordings;
  }

  /** Recordings of several sessions at once, keyed by normalised kasm id. */
  async recordingsOf(
    kasmIds: readonly string[],
    input: { preauthDownloadLink?: boolean } = {},
    options?: CallOptions,
  ): Promise<Map<string, KasmRecording[]>> {
    const reply = await this.#caller.call(sessionsEndpoints.getSessionsRecordings, { ...input, kasmIds: [...kasmIds] }, options);
    return reply.kasm_sessions;
  }

  /** The contents of an .rdp file for the session. */
  async rdpFile(ref: SessionRef, options?: CallOptions): Promise<string> {
    return this.#rdp(ref, 'file', options);
  }

  /** An rdp:// URL for the session. */
  async rdpUrl(ref: SessionRef, options?: CallOptions): Promise<string> {
    return this.#rdp(ref, 'url', options);
  }

  async #rdp(ref: SessionRef, connectionType: 'file' | 'url', options?: CallOptions): Promise<string> {
    const reply = await this.#caller.call(
      sessionsEndpoints.getRdpClientConnectionInfo,
      { userId: ref.userId, kasmId: ref.kasmId, connectionType },
      options,
    );
    const value = reply[connectionType];
    if (value === undefined) {
      throw new KasmInvalidResponseError(`Kasm get_rdp_client_connection_info: reply has no "${connectionType}"`, {
        endpoint: sessionsEndpoints.getRdpClientConnectionInfo.name,
        status: 200,
        field: connectionType,
      });
    }
    return value;
  }
}
