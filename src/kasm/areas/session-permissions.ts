import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { kasmId, listOf, nullableKasmId, nullableString } from '../schema-primitives.js';
import { camelKeys } from './key-case.js';

/**
 * Who may view or control a shared session: "rw" controls, "r" views, "" freezes the viewer out.
 * Permissions are set for listed users or for everyone at once.
 */

export const sessionAccessSchema = z.enum(['r', 'rw', '']);
export type SessionAccess = z.infer<typeof sessionAccessSchema>;

// ---- replies ----

export const kasmSessionPermissionSchema = z
  .object({
    session_permission_id: nullableKasmId,
    kasm_id: nullableKasmId,
    user_id: kasmId,
    username: nullableString,
    vnc_username: nullableString,
    // Read as text: a value this client does not know must not break the read.
    access: z
      .string()
      .nullish()
      .transform((access) => access ?? ''),
  })
  .transform(camelKeys);
export type KasmSessionPermission = z.output<typeof kasmSessionPermissionSchema>;

const permissionsReply = z.object({ session_permissions: listOf(kasmSessionPermissionSchema) });

// ---- requests ----

const setForUsersRequest = z
  .object({
    kasmId,
    entries: z.array(z.object({ userId: kasmId, access: sessionAccessSchema })).min(1, 'must name at least one user'),
  })
  .transform(({ kasmId: id, entries }) => ({
    target_session_permissions: {
      kasm_id: id,
      session_permissions: entries.map((entry) => ({ user_id: entry.userId, access: entry.access })),
    },
  }));

const setForAllRequest = z
  .object({ kasmId, access: sessionAccessSchema })
  .transform(({ kasmId: id, access }) => ({ target_session_permissions: { kasm_id: id, access } }));

const targetSession = z
  .object({ kasmId })
  .transform(({ kasmId: id }) => ({ target_session_permissions: { kasm_id: id } }));

// ---- endpoints ----

const setSessionPermissions = {
  name: 'set_session_permissions',
  path: '/api/public/set_session_permissions',
  kind: 'write',
  permissions: ['Sessions Modify'],
  // A reply without the list reads as an empty list; `get` re-reads it.
  response: permissionsReply,
} as const;

export const sessionPermissionsEndpoints = {
  setSessionPermissions: defineEndpoint({ ...setSessionPermissions, request: setForUsersRequest }),
  /** The same verb with one access value for every user. */
  setSessionPermissionsForAll: defineEndpoint({ ...setSessionPermissions, request: setForAllRequest }),
  getSessionPermissions: defineEndpoint({
    name: 'get_session_permissions',
    path: '/api/public/get_session_permissions',
    kind: 'read',
    permissions: ['Sessions View'],
    request: targetSession,
    response: permissionsReply,
  }),
  deleteAllSessionPermissions: defineEndpoint({
    name: 'delete_all_session_permissions',
    path: '/api/public/delete_all_session_permissions',
    kind: 'write',
    permissions: ['Sessions Modify'],
    request: targetSession,
    response: z.object({}),
  }),
};

// ---- API ----

export interface SessionPermissionEntry {
  userId: string;
  access: SessionAccess;
}

export class SessionPermissionsApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** Grants each listed user its access; users not listed keep theirs. */
  async set(
    kasmId: string,
    entries: readonly SessionPermissionEntry[],
    options?: CallOptions,
  ): Promise<KasmSessionPermission[]> {
    const reply = await this.#caller.call(
      sessionPermissionsEndpoints.setSessionPermissions,
      { kasmId, entries: [...entries] },
      options,
    );
    return reply.session_permissions;
  }

  /** Gives every user of the session the same access. */
  async setForAll(kasmId: string, access: SessionAccess, options?: CallOptions): Promise<KasmSessionPermission[]> {
    const reply = await this.#caller.call(sessionPermissionsEndpoints.setSessionPermissionsForAll, { kasmId, access }, options);
    return reply.session_permissions;
  }

  async get(kasmId: string, options?: CallOptions): Promise<KasmSessionPermission[]> {
    return (await this.#caller.call(sessionPermissionsEndpoints.getSessionPermissions, { kasmId }, options)).session_permissions;
  }

  async deleteAll(kasmId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(sessionPermissionsEndpoints.deleteAllSessionPermissions, { kasmId }, options);
  }
}
