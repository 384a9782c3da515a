import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, localRef } from './references.js';
import { exactlyOneFixedOf, exactlyOneOf, withCrdMeta, withSharedRules } from './validation-rules.js';

/**
 * KasmSessionPermission: who may view or control one shared session (set_session_permissions,
 * get_session_permissions, delete_all_session_permissions). Access per listed user, and a global
 * access Kasm applies to every other user listed on the session. Kasm has no list of permissions
 * across sessions: each object reads its session's permissions, at a multiple of the poll interval.
 */

const SESSION_FIELDS = ['sessionRef', 'kasmId'] as const;

export const sessionAccess = z
  .enum(['r', 'rw', 'frozen'])
  .describe('Access to the shared session: r (view), rw (view and control) or frozen (sees a frozen screen; Kasm\'s empty access).');
export type SessionAccessSpec = z.infer<typeof sessionAccess>;

export const sessionPermissionUser = exactlyOneOf(
  z
    .object({
      userRef: localRef('KasmUser').optional().describe('A KasmUser in the same namespace; the permission is set once the user is Ready.'),
      userId: kasmId.optional().describe('Kasm id of a user not managed in the cluster.'),
      access: sessionAccess,
    })
    .describe('One user\'s access: set exactly one of userRef or userId.'),
  ['userRef', 'userId'],
  'user',
);
export type SessionPermissionUser = z.infer<typeof sessionPermissionUser>;

const userKey = (u: SessionPermissionUser): string => (u.userRef ? `userRef ${u.userRef.name}` : `userId ${(u.userId ?? '').replaceAll('-', '').toLowerCase()}`);

const permissionSpecObject = managedSpec({
  sessionRef: localRef('KasmSession').optional().describe('A KasmSession in the same namespace; the permissions are set once it is Ready (running).'),
  kasmId: kasmId.optional().describe('Kasm id of a session not managed in the cluster.'),
  globalAccess: sessionAccess
    .optional()
    .describe('Access Kasm gives every user listed on the session that spec.users does not name (Kasm\'s access for everyone).'),
  users: withCrdMeta(
    z
      .array(sessionPermissionUser)
      .max(200)
      .optional()
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        for (const [i, u] of (list ?? []).entries()) {
          const key = userKey(u);
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `${key} is listed twice; list each user once` });
          seen.add(key);
        }
      })
      .describe('Access per user. A user removed from this list loses the access it gave (Kasm cannot remove one user, so the session\'s permissions are cleared and set again).'),
    { 'x-kubernetes-list-type': 'atomic' },
  ),
}).describe('The session (exactly one of sessionRef or kasmId; fixed once created) and who may view or control it.');

export const kasmSessionPermissionSpec = withSharedRules(
  exactlyOneFixedOf(
    permissionSpecObject,
    SESSION_FIELDS,
    'session',
    'the session of a KasmSessionPermission cannot change; create a new KasmSessionPermission for another session',
  ),
  [
    {
      holds: (spec) => spec.globalAccess !== undefined || (spec.users ?? []).length > 0,
      cel: 'has(self.globalAccess) || (has(self.users) && size(self.users) > 0)',
      message: 'set globalAccess, users, or both: a KasmSessionPermission without either manages nothing',
    },
  ],
);
export type KasmSessionPermissionSpec = z.infer<typeof kasmSessionPermissionSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
const observedPermission = z
  .object({
    userId: z.string().describe('Kasm id of the user.'),
    username: z.string().nullable().optional().describe('Kasm username.'),
    access: z.string().describe('r, rw or frozen, as Kasm reports it.'),
  })
  .describe('One user\'s access as Kasm reports it.');

export const kasmSessionPermissionAtProvider = z
  .object({
    kasmId: z.string().describe('Kasm id of the session.'),
    permissions: z.array(observedPermission).optional().describe('Every user Kasm lists on the session, with its access.'),
  })
  .describe('The session\'s permissions as Kasm reports them.');
export type KasmSessionPermissionAtProvider = z.infer<typeof kasmSessionPermissionAtProvider>;

export const kasmSessionPermissionStatus = managedStatus(kasmSessionPermissionAtProvider, {
  appliedUserIds: z
    .array(z.string())
    .optional()
    .describe('Kasm ids of the users spec.users gave access to; a user dropped from the spec loses it.'),
});
export type KasmSessionPermissionStatus = z.infer<typeof kasmSessionPermissionStatus>;

export const kasmSessionPermissionKind = defineKind({
  kind: 'KasmSessionPermission',
  plural: 'kasmsessionpermissions',
  shortNames: ['ksp'],
  description: 'Who may view or control a shared Kasm Workspaces session.',
  managed: true,
  spec: kasmSessionPermissionSpec,
  status: kasmSessionPermissionStatus,
  printerColumns: [
    { name: 'SESSION', type: 'string', jsonPath: '.spec.sessionRef.name', description: 'The KasmSession.' },
    { name: 'GLOBAL', type: 'string', jsonPath: '.spec.globalAccess', description: 'Access of users the spec does not name.' },
  ],
});
export type KasmSessionPermission = z.infer<typeof kasmSessionPermissionKind.resource>;
