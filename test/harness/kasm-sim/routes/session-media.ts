import { z } from 'zod';
import { idField, parse } from '../payload.js';
import { screenshotJpeg, SCREENSHOT_HEIGHT, SCREENSHOT_WIDTH } from '../jpeg.js';
import { BusinessFailure, ServerCrash } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import { requireRunning, requireSession } from '../session-lifecycle.js';
import { SIM_AGENT } from '../sim-agent.js';
import { naiveTimestamp } from '../timestamps.js';

/**
 * What a running session shows: a screenshot (JPEG bytes), frame and bottleneck statistics, and
 * RDP connection details.
 */
const sessionRefSchema = z.object({ kasm_id: idField, user_id: idField.nullish() });
const screenshotSchema = z.object({
  kasm_id: idField,
  user_id: idField,
  width: z.number().int().positive().nullish(),
  height: z.number().int().positive().nullish(),
});
const frameStatsSchema = sessionRefSchema.extend({ client: z.string().nullish() });
const rdpSchema = sessionRefSchema.extend({ connection_type: z.string() });

export const sessionMediaRoutes: readonly SimRoute[] = [
  {
    name: 'get_kasm_screenshot',
    path: publicPath('get_kasm_screenshot'),
    permissions: ['Sessions View'],
    write: false,
    handle({ payload, state, now }) {
      // Kasm reads user_id unguarded: without it the handler crashes.
      if (payload['user_id'] === undefined || payload['user_id'] === null) {
        throw new ServerCrash("KeyError: 'user_id'");
      }
      const { kasm_id, user_id } = parse(screenshotSchema, payload);
      const session = requireSession(state, kasm_id, now, user_id);
      requireRunning(session, now);
      return { kind: 'bytes', contentType: 'image/jpeg', body: screenshotJpeg() };
    },
  },
  {
    name: 'get_kasm_frame_stats',
    path: publicPath('get_kasm_frame_stats'),
    permissions: ['Sessions View'],
    write: false,
    handle({ payload, state, now }) {
      const { kasm_id, user_id, client } = parse(frameStatsSchema, payload);
      const session = requireSession(state, kasm_id, now, user_id ?? undefined);
      requireRunning(session, now);
      const wanted = client ?? 'auto';
      const viewers = ['none', 'auto', 'all'].includes(wanted)
        ? [...session.viewers]
        : [...session.viewers].filter((viewer) => viewer === wanted);
      if (viewers.length === 0) {
        throw new BusinessFailure('No clients connected');
      }
      const shown = wanted === 'all' ? viewers : viewers.slice(0, 1);
      return json({
        frame: { resx: 1280, resy: 720, changed: 42, server_time: 3 },
        clients: wanted === 'none' ? [] : shown.map((viewer) => ({
          client: viewer,
          client_time: 4,
          ping: 12,
          processes: [{ process_name: 'decode', time: 2 }],
        })),
        analysis: 1,
        screenshot: 0,
        encoding_total: 7,
        videoscaling: 0,
        tightjpegencoder: { time: 5, count: 12, area: 921600 },
        tightwebpencoder: { time: 0, count: 0, area: 0 },
        current_time: naiveTimestamp(now),
      });
    },
  },
  {
    name: 'get_kasm_bottleneck_stats',
    path: publicPath('get_kasm_bottleneck_stats'),
    permissions: ['Sessions View'],
    write: false,
    handle({ payload, state, now }) {
      const { kasm_id, user_id } = parse(sessionRefSchema, payload);
      const session = requireSession(state, kasm_id, now, user_id ?? undefined);
      requireRunning(session, now);
      return json({ kasm_user: { cpu: [12.5, 100], network: [250, 1000] } });
    },
  },
  {
    name: 'get_rdp_client_connection_info',
    path: publicPath('get_rdp_client_connection_info'),
    permissions: ['Users Auth Session', 'User'],
    write: false,
    handle({ payload, state, now }) {
      const { kasm_id, user_id, connection_type } = parse(rdpSchema, payload);
      const session = requireSession(state, kasm_id, now, user_id ?? undefined);
      requireRunning(session, now);
      const username = state.users.get(session.user_id)?.username ?? '';
      if (connection_type === 'file') {
        return json({
          file: [
            `full address:s:${SIM_AGENT.host}:3389`,
            `username:s:${username}`,
            'prompt for credentials:i:1',
            `desktopwidth:i:${SCREENSHOT_WIDTH * 40}`,
            `desktopheight:i:${SCREENSHOT_HEIGHT * 40}`,
            '',
          ].join('\r\n'),
        });
      }
      if (connection_type === 'url') {
        return json({ url: `rdp://full%20address=s:${SIM_AGENT.host}:3389&username=s:${encodeURIComponent(username)}` });
      }
      throw new BusinessFailure(`Invalid value for connection_type: use "file" or "url", got "${connection_type}"`);
    },
  },
];
