import { z } from 'zod';
import { newId } from '../ids.js';
import { idField, parseWrapped } from '../payload.js';
import type { SessionRecord } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import { requireSession } from '../session-lifecycle.js';
import type { SimState } from '../state.js';
import { requireUser } from './lookups.js';

/**
 * Who may view ("r"), control ("rw") or only watch a frozen screen ("") a shared session. A bare
 * `access` applies to everyone already listed.
 */
const accessField = z.enum(['r', 'rw', '']);
const setSchema = z.object({
  kasm_id: idField,
  session_permissions: z.array(z.object({ user_id: idField, access: accessField })).optional(),
  access: accessField.optional(),
});
const refSchema = z.object({ kasm_id: idField });
const WRAPPER = 'target_session_permissions';

function permissionsView(state: SimState, session: SessionRecord): Record<string, unknown>[] {
  return [...session.permissions].map(([userId, permission]) => {
    const username = state.users.get(userId)?.username ?? null;
    return {
      session_permission_id: permission.session_permission_id,
      kasm_id: session.kasm_id,
      user_id: userId,
      username,
      vnc_username: username,
      access: permission.access,
    };
  });
}

export const sessionPermissionRoutes: readonly SimRoute[] = [
  {
    name: 'set_session_permissions',
    path: publicPath('set_session_permissions'),
    permissions: ['Sessions Modify'],
    write: true,
    handle({ payload, state, now }) {
      const request = parseWrapped(payload, WRAPPER, setSchema);
      const session = requireSession(state, request.kasm_id, now);
      if (request.session_permissions === undefined && request.access === undefined) {
        throw new BusinessFailure(`Missing required field: ${WRAPPER}.session_permissions`);
      }
      for (const entry of request.session_permissions ?? []) {
        requireUser(state, entry.user_id);
      }
      if (request.access !== undefined) {
        for (const permission of session.permissions.values()) permission.access = request.access;
      }
      for (const entry of request.session_permissions ?? []) {
        const existing = session.permissions.get(entry.user_id);
        if (existing === undefined) {
          session.permissions.set(entry.user_id, { session_permission_id: newId(), access: entry.access });
        } else {
          existing.access = entry.access;
        }
      }
      return json({ session_permissions: permissionsView(state, session) });
    },
  },
  {
    name: 'get_session_permissions',
    path: publicPath('get_session_permissions'),
    permissions: ['Sessions View'],
    write: false,
    handle({ payload, state, now }) {
      const { kasm_id } = parseWrapped(payload, WRAPPER, refSchema);
      return json({ session_permissions: permissionsView(state, requireSession(state, kasm_id, now)) });
    },
  },
  {
    name: 'delete_all_session_permissions',
    path: publicPath('delete_all_session_permissions'),
    permissions: ['Sessions Modify'],
    write: true,
    handle({ payload, state, now }) {
      const { kasm_id } = parseWrapped(payload, WRAPPER, refSchema);
      requireSession(state, kasm_id, now).permissions.clear();
      return json({});
    },
  },
];
