import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { effectiveInt, effectiveSetting } from '../effective-settings.js';
import { dashed, newId, newShareId, normaliseId } from '../ids.js';
import { idField, parse } from '../payload.js';
import type { SessionRecord, UserRecord } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { RouteContext, SimRoute } from '../route.js';
import { newUserRecord, DEFAULT_USER_ATTRIBUTES } from '../seed.js';
import { keepAlive, requireRunning, requireSession, rotateToken } from '../session-lifecycle.js';
import { SIM_AGENT } from '../sim-agent.js';
import type { SimState } from '../state.js';
import { naiveTimestamp } from '../timestamps.js';
import { clientSettings, connectPath, imageSummary, portMap, sessionView } from '../views/sessions.js';
import { requireRecord, requireUser } from './lookups.js';

/** Sessions: request, status (rotating the token), list, destroy, keepalive, join, exec. */
export const NO_RESOURCES_MESSAGE =
  'No resources are available to create the requested Kasm. Please try again later or contact an Administrator';
const SESSION_USER_PERMISSIONS = ['Users Auth Session', 'User'] as const;

const requestSchema = z.object({
  user_id: idField.nullish(),
  image_id: idField.nullish(),
  enable_sharing: z.boolean().nullish(),
  kasm_url: z.string().nullish(),
  environment: z.record(z.string(), z.string()).nullish(),
  connection_info: z.unknown().optional(),
  client_language: z.string().nullish(),
  client_timezone: z.string().nullish(),
  egress_gateway_id: idField.nullish(),
  persistent_profile_mode: z.enum(['Enabled', 'Disabled', 'Reset']).nullish(),
  rdp_client_type: z.enum(['GUAC', 'RDP_CLIENT']).nullish(),
  server_id: idField.nullish(),
});
const sessionRefSchema = z.object({ kasm_id: idField, user_id: idField.nullish() });
const statusSchema = sessionRefSchema.extend({ skip_agent_check: z.boolean().nullish() });
const joinSchema = z.object({ share_id: z.string().min(1), user_id: idField.nullish() });
const execSchema = sessionRefSchema.extend({
  exec_config: z.object({
    cmd: z.string().min(1),
    workdir: z.string().optional(),
    environment: z.record(z.string(), z.string()).optional(),
    privileged: z.boolean().optional(),
    user: z.string().optional(),
  }),
});

/** request_kasm without user_id creates an anonymous user, as Kasm does. */
function anonymousUser(state: SimState, now: number): UserRecord {
  return state.addUser(newUserRecord({ username: `anonymous-${newShareId()}`, realm: 'anonymous' }, now), DEFAULT_USER_ATTRIBUTES);
}

/** The image to launch: the one named, else the user's default, else the groups' default_image. */
function chooseImage(context: RouteContext, user: UserRecord, imageId: string | null | undefined): string {
  const { state, config } = context;
  const candidate =
    imageId ??
    state.userAttributes.get(user.user_id)?.default_image ??
    normaliseId(effectiveSetting(state, config, user.user_id, 'default_image'));
  if (candidate === undefined || candidate === null || !state.images.has(candidate)) {
    throw new BusinessFailure('No Default Image Found');
  }
  return candidate;
}

function ownerCheckedSession(context: RouteContext, kasmId: string, userId: string | null | undefined): SessionRecord {
  return requireSession(context.state, kasmId, context.now, userId ?? undefined);
}

export const sessionRoutes: readonly SimRoute[] = [
  {
    name: 'request_kasm',
    path: publicPath('request_kasm'),
    permissions: SESSION_USER_PERMISSIONS,
    write: true,
    handle(context) {
      const { payload, state, config, now } = context;
      const request = parse(requestSchema, payload);
      const user = request.user_id === undefined || request.user_id === null ? anonymousUser(state, now) : requireUser(state, request.user_id);
      if (user.disabled || user.locked) {
        throw new BusinessFailure('Unable to create session: the user is disabled or locked');
      }
      const imageId = chooseImage(context, user, request.image_id);
      if (typeof request.egress_gateway_id === 'string') {
        requireRecord(state.egressGateways, request.egress_gateway_id, 'Egress gateway');
      }
      if (state.sessions.size >= config.maxSessions) {
        throw new BusinessFailure(NO_RESOURCES_MESSAGE);
      }
      const perUser = effectiveInt(state, config, user.user_id, 'max_kasms_per_user');
      if (perUser > 0 && state.sessionsOfUser(user.user_id).length >= perUser) {
        throw new BusinessFailure('The maximum number of sessions for this user has been reached');
      }
      const keepaliveSeconds = effectiveInt(state, config, user.user_id, 'keepalive_expiration');
      const sharing = request.enable_sharing === true;
      const session = state.addSession({
        kasm_id: newId(),
        user_id: user.user_id,
        image_id: imageId,
        requestedAt: now,
        startingAt: now + config.sessionStartMs / 4,
        runningAt: now + config.sessionStartMs,
        statusOverride: null,
        token: newId(),
        share_id: sharing ? newShareId() : null,
        view_only_token: sharing ? newId() : '',
        created_date: now,
        keepalive_date: now,
        expiration_date: now + keepaliveSeconds * 1000,
        container_id: `${newId()}${newId()}`,
        container_ip: `172.18.${randomInt(0, 255)}.${randomInt(2, 255)}`,
        kasm_url: request.kasm_url ?? null,
        environment: request.environment ?? {},
        connection_info: request.connection_info ?? null,
        egress_gateway_id: request.egress_gateway_id ?? null,
        persistent_profile_mode: request.persistent_profile_mode ?? null,
        rdp_client_type: request.rdp_client_type ?? null,
        client_language: request.client_language ?? null,
        client_timezone: request.client_timezone ?? null,
        viewers: new Set(),
        permissions: new Map(),
      });
      user.last_session = now;
      return json({
        kasm_id: dashed(session.kasm_id),
        status: 'starting',
        user_id: user.user_id,
        username: user.username,
        session_token: dashed(session.token),
        kasm_url: connectPath(session),
        share_id: session.share_id,
      });
    },
  },
  {
    name: 'get_kasm_status',
    path: publicPath('get_kasm_status'),
    permissions: SESSION_USER_PERMISSIONS,
    write: false,
    handle(context) {
      const { payload, state, config, now } = context;
      const { kasm_id, user_id } = parse(statusSchema, payload);
      const session = ownerCheckedSession(context, kasm_id, user_id);
      requireRunning(session, now);
      rotateToken(session);
      return json({
        kasm: sessionView(state, config, session, now),
        kasm_url: connectPath(session),
        current_time: naiveTimestamp(now),
      });
    },
  },
  {
    name: 'get_kasms',
    path: publicPath('get_kasms'),
    permissions: ['Sessions View'],
    write: false,
    handle({ state, config, now }) {
      return json({
        kasms: [...state.sessions.values()].map((session) => sessionView(state, config, session, now)),
        current_time: naiveTimestamp(now),
      });
    },
  },
  {
    name: 'destroy_kasm',
    path: publicPath('destroy_kasm'),
    permissions: SESSION_USER_PERMISSIONS,
    write: true,
    handle(context) {
      const { kasm_id, user_id } = parse(sessionRefSchema, context.payload);
      ownerCheckedSession(context, kasm_id, user_id);
      context.state.endSession(kasm_id);
      return json({});
    },
  },
  {
    name: 'keepalive',
    path: publicPath('keepalive'),
    permissions: SESSION_USER_PERMISSIONS,
    write: true,
    handle(context) {
      const { kasm_id } = parse(z.object({ kasm_id: idField }), context.payload);
      const session = ownerCheckedSession(context, kasm_id, undefined);
      keepAlive(context.state, context.config, session, context.now);
      return json({ usage_reached: false });
    },
  },
  {
    name: 'join_kasm',
    path: publicPath('join_kasm'),
    permissions: SESSION_USER_PERMISSIONS,
    write: true,
    handle({ payload, state, config, now }) {
      const { share_id, user_id } = parse(joinSchema, payload);
      const session = state.findSessionByShareId(share_id);
      if (session === undefined || session.expiration_date <= now) {
        throw new BusinessFailure('Shared session not found');
      }
      requireRunning(session, now);
      const joiner = user_id === undefined || user_id === null ? undefined : requireUser(state, user_id);
      const owner = state.users.get(session.user_id);
      const token = newId();
      return json({
        kasm_url: `/#/connect/join/${share_id}/${joiner?.user_id ?? 'anonymous'}/${dashed(token)}`,
        session_token: dashed(token),
        user_id: joiner?.user_id ?? null,
        username: joiner?.username ?? null,
        current_time: naiveTimestamp(now),
        kasm: {
          kasm_id: session.kasm_id,
          share_id: session.share_id,
          host: SIM_AGENT.host,
          hostname: SIM_AGENT.hostname,
          port: SIM_AGENT.port,
          port_map: portMap(session),
          image: imageSummary(state, session.image_id),
          view_only_token: session.view_only_token,
          user: { username: owner?.username ?? null },
          client_settings: clientSettings(state, config, session.user_id),
        },
      });
    },
  },
  {
    name: 'exec_command_kasm',
    path: publicPath('exec_command_kasm'),
    permissions: ['Sessions Modify'],
    write: true,
    handle(context) {
      const { payload, state, config, now } = context;
      const { kasm_id, user_id, exec_config } = parse(execSchema, payload);
      const session = ownerCheckedSession(context, kasm_id, user_id);
      requireRunning(session, now);
      state.recordExec({ kasm_id, user_id: user_id ?? session.user_id, exec_config, at: now });
      return json({ kasm: sessionView(state, config, session, now), current_time: naiveTimestamp(now) });
    },
  },
];
