import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import {
  kasmId,
  kasmTimestamp,
  listOf,
  nullableBoolean,
  nullableKasmId,
  nullableString,
} from '../schema-primitives.js';
import { camelKeys, snakeKeys } from './key-case.js';

/** Users: accounts, their attributes, group membership, logout and password-less login links. */

// ---- replies ----

const userGroupSchema = z
  .object({
    group_id: kasmId,
    name: nullableString,
  })
  .transform(camelKeys);

/** A session as get_user lists it under `kasms`. */
const userSessionSchema = z
  .object({
    kasm_id: kasmId,
    image_id: nullableKasmId,
    operational_status: nullableString,
    start_date: kasmTimestamp,
    keepalive_date: kasmTimestamp,
    expiration_date: kasmTimestamp,
  })
  .transform(camelKeys);

const kasmUserFields = z.object({
  user_id: kasmId,
  username: z.string(),
  first_name: nullableString,
  last_name: nullableString,
  organization: nullableString,
  phone: nullableString,
  email: nullableString,
  city: nullableString,
  state: nullableString,
  country: nullableString,
  notes: nullableString,
  realm: nullableString,
  locked: nullableBoolean,
  disabled: nullableBoolean,
  two_factor: nullableBoolean,
  program_id: nullableString,
  created: kasmTimestamp,
  password_set_date: kasmTimestamp,
  last_session: kasmTimestamp,
  groups: listOf(userGroupSchema),
  kasms: listOf(userSessionSchema),
});

export const kasmUserSchema = kasmUserFields.transform(camelKeys);
export type KasmUser = z.output<typeof kasmUserSchema>;

/**
 * A user as the operator's users inventory keeps it: the fields some kind reads (KasmUser's diff and
 * status, memberships, logins, sessions). get_users read with this schema never builds the contact
 * details, dates and sessions nobody reads: at 10,000 users that is half the objects each poll's
 * list makes.
 */
export const kasmUserRecordSchema = kasmUserFields
  .pick({
    user_id: true,
    username: true,
    realm: true,
    first_name: true,
    last_name: true,
    phone: true,
    organization: true,
    locked: true,
    disabled: true,
    last_session: true,
    groups: true,
  })
  .transform(camelKeys);
export type KasmUserRecord = z.output<typeof kasmUserRecordSchema>;
export type KasmUserGroup = z.output<typeof userGroupSchema>;
export type KasmUserSession = z.output<typeof userSessionSchema>;

export const kasmUserAttributesSchema = z
  .object({
    user_attributes_id: nullableKasmId,
    user_id: nullableKasmId,
    ssh_public_key: nullableString,
    show_tips: nullableBoolean,
    theme: nullableString,
    preferred_language: nullableString,
    preferred_timezone: nullableString,
    toggle_control_panel: nullableBoolean,
    chat_sfx: nullableBoolean,
    default_image: nullableKasmId,
    auto_login_kasm: nullableBoolean,
  })
  .transform(camelKeys);
export type KasmUserAttributes = z.output<typeof kasmUserAttributesSchema>;

// ---- requests ----

const userFields = {
  username: z.string().trim().min(1, 'must not be empty'),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  organization: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  country: z.string().nullable().optional(),
  notes: z.string().nullable().optional(),
  locked: z.boolean().optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(1, 'must not be empty').optional(),
};

const createUserRequest = z.object(userFields).transform((user) => ({ target_user: snakeKeys(user) }));
export type CreateUserInput = z.input<typeof createUserRequest>;

const updateUserRequest = z
  .object({ userId: kasmId, ...userFields, username: userFields.username.optional() })
  .transform((user) => ({ target_user: snakeKeys(user) }));
export type UpdateUserChanges = Omit<z.input<typeof updateUserRequest>, 'userId'>;

const targetUser = z.object({ userId: kasmId }).transform((user) => ({ target_user: snakeKeys(user) }));

const getUserRequest = z
  .object({ userId: kasmId.optional(), username: z.string().trim().min(1, 'must not be empty').optional() })
  .refine((user) => (user.userId === undefined) !== (user.username === undefined), {
    message: 'give exactly one of userId or username',
    path: ['userId'],
  })
  .transform((user) => ({ target_user: snakeKeys(user) }));

const deleteUserRequest = z
  .object({ userId: kasmId, force: z.boolean().default(false) })
  .transform(({ userId, force }) => ({ target_user: { user_id: userId }, force }));

const updateAttributesRequest = z
  .object({
    userId: kasmId,
    sshPublicKey: z.string().nullable().optional(),
    showTips: z.boolean().optional(),
    theme: z.string().optional(),
    preferredLanguage: z.string().optional(),
    preferredTimezone: z.string().optional(),
    toggleControlPanel: z.boolean().optional(),
    chatSfx: z.boolean().optional(),
    defaultImage: kasmId.nullable().optional(),
    autoLoginKasm: z.boolean().nullable().optional(),
  })
  .transform((attributes) => ({ target_user_attributes: snakeKeys(attributes) }));
export type UpdateUserAttributesChanges = Omit<z.input<typeof updateAttributesRequest>, 'userId'>;

const membershipRequest = z
  .object({ userId: kasmId, groupId: kasmId })
  .transform(({ userId, groupId }) => ({ target_user: { user_id: userId }, target_group: { group_id: groupId } }));

// ---- endpoints ----

const userReply = z.object({ user: kasmUserSchema });
const getUsers = { name: 'get_users', path: '/api/public/get_users', kind: 'read', permissions: ['Users View'], request: z.object({}) } as const;
const emptyReply = z.object({});

export const usersEndpoints = {
  createUser: defineEndpoint({
    name: 'create_user',
    path: '/api/public/create_user',
    kind: 'write',
    permissions: ['Users Create'],
    request: createUserRequest,
    response: userReply,
  }),
  getUser: defineEndpoint({
    name: 'get_user',
    path: '/api/public/get_user',
    kind: 'read',
    permissions: ['Users View'],
    request: getUserRequest,
    response: userReply,
  }),
  getUsers: defineEndpoint({ ...getUsers, response: z.object({ users: listOf(kasmUserSchema) }) }),
  /** get_users read as records (kasmUserRecordSchema). */
  getUserRecords: defineEndpoint({ ...getUsers, response: z.object({ users: listOf(kasmUserRecordSchema) }) }),
  updateUser: defineEndpoint({
    name: 'update_user',
    path: '/api/public/update_user',
    kind: 'write',
    permissions: ['Users Modify'],
    request: updateUserRequest,
    // Not every Kasm version is known to echo the user; without it the client reads it back.
    response: z.object({ user: kasmUserSchema.optional() }),
  }),
  deleteUser: defineEndpoint({
    name: 'delete_user',
    path: '/api/public/delete_user',
    kind: 'write',
    permissions: ['Users Delete', 'Users Modify'],
    request: deleteUserRequest,
    response: emptyReply,
  }),
  logoutUser: defineEndpoint({
    name: 'logout_user',
    path: '/api/public/logout_user',
    kind: 'write',
    permissions: ['Users Auth Session'],
    request: targetUser,
    response: emptyReply,
  }),
  getAttributes: defineEndpoint({
    name: 'get_attributes',
    path: '/api/public/get_attributes',
    kind: 'read',
    permissions: ['Users View'],
    request: targetUser,
    response: z.object({ user_attributes: kasmUserAttributesSchema }),
  }),
  updateUserAttributes: defineEndpoint({
    name: 'update_user_attributes',
    path: '/api/public/update_user_attributes',
    kind: 'write',
    permissions: ['Users Modify', 'Servers Modify'],
    request: updateAttributesRequest,
    response: emptyReply,
  }),
  addUserGroup: defineEndpoint({
    name: 'add_user_group',
    path: '/api/public/add_user_group',
    kind: 'write',
    permissions: ['Groups Modify'],
    request: membershipRequest,
    response: emptyReply,
  }),
  removeUserGroup: defineEndpoint({
    name: 'remove_user_group',
    path: '/api/public/remove_user_group',
    kind: 'write',
    permissions: ['Groups Modify'],
    request: membershipRequest,
    response: emptyReply,
  }),
  getLogin: defineEndpoint({
    name: 'get_login',
    path: '/api/public/get_login',
    kind: 'read',
    permissions: ['Users Auth Session'],
    request: targetUser,
    response: z.object({ url: z.string().min(1) }),
  }),
};

// ---- API ----

export class UsersApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** Creates a user; Kasm puts every new user in All Users. */
  async create(input: CreateUserInput, options?: CallOptions): Promise<KasmUser> {
    return (await this.#caller.call(usersEndpoints.createUser, input, options)).user;
  }

  async get(userId: string, options?: CallOptions): Promise<KasmUser> {
    return (await this.#caller.call(usersEndpoints.getUser, { userId }, options)).user;
  }

  async getByUsername(username: string, options?: CallOptions): Promise<KasmUser> {
    return (await this.#caller.call(usersEndpoints.getUser, { username }, options)).user;
  }

  /** Every user (the classic API does not page). */
  async list(options?: CallOptions): Promise<KasmUser[]> {
    return (await this.#caller.call(usersEndpoints.getUsers, {}, options)).users;
  }

  /** Every user, as the fields the operator keeps (kasmUserRecordSchema). */
  async listRecords(options?: CallOptions): Promise<KasmUserRecord[]> {
    return (await this.#caller.call(usersEndpoints.getUserRecords, {}, options)).users;
  }

  /** Changes only the fields given. */
  async update(userId: string, changes: UpdateUserChanges, options?: CallOptions): Promise<KasmUser> {
    const reply = await this.#caller.call(usersEndpoints.updateUser, { ...changes, userId }, options);
    return reply.user ?? this.get(userId, options);
  }

  /**
   * Deletes a user. Kasm refuses while the user has sessions unless `force` is set, in which case the
   * sessions are destroyed first.
   */
  async delete(userId: string, options: { force?: boolean } & CallOptions = {}): Promise<void> {
    const { force, ...callOptions } = options;
    await this.#caller.call(usersEndpoints.deleteUser, { userId, force }, callOptions);
  }

  /** Ends every login session of the user. */
  async logout(userId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(usersEndpoints.logoutUser, { userId }, options);
  }

  async getAttributes(userId: string, options?: CallOptions): Promise<KasmUserAttributes> {
    return (await this.#caller.call(usersEndpoints.getAttributes, { userId }, options)).user_attributes;
  }

  /** Changes only the attributes given. */
  async updateAttributes(userId: string, changes: UpdateUserAttributesChanges, options?: CallOptions): Promise<void> {
    await this.#caller.call(usersEndpoints.updateUserAttributes, { ...changes, userId }, options);
  }

  async addToGroup(userId: string, groupId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(usersEndpoints.addUserGroup, { userId, groupId }, options);
  }

  async removeFromGroup(userId: string, groupId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(usersEndpoints.removeUserGroup, { userId, groupId }, options);
  }

  /** A link that signs the user in without a password. Each call mints a new one. */
  async loginUrl(userId: string, options?: CallOptions): Promise<string> {
    return (await this.#caller.call(usersEndpoints.getLogin, { userId }, options)).url;
  }
}
