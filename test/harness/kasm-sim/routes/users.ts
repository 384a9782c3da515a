import { z } from 'zod';
import { definedFields } from '../defined-fields.js';
import { newId } from '../ids.js';
import { idField, parse, parseWrapped } from '../payload.js';
import { userAttributesFieldsSchema, userFieldsSchema } from '../records.js';
import type { UserRecord } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { RouteContext, SimRoute } from '../route.js';
import { ADMINISTRATORS_GROUP_ID, DEFAULT_USER_ATTRIBUTES, newUserRecord } from '../seed.js';
import type { SimState } from '../state.js';
import { userAttributesView, userView } from '../views/users.js';
import { requireGroup, requireImage, requireUser } from './lookups.js';

/** Users: CRUD, attributes, group membership, logout and login links. */
const MIN_PASSWORD_LENGTH = 8;

const userRef = z.object({ user_id: idField });
const groupRef = z.object({ group_id: idField });
const passwordField = z.string().nullish();

const createUserSchema = userFieldsSchema.partial().required({ username: true }).extend({ password: passwordField });
const updateUserSchema = userFieldsSchema.partial().extend({ user_id: idField, password: passwordField });
const getUserSchema = z.object({ user_id: idField.optional(), username: z.string().optional() });
const updateAttributesSchema = userAttributesFieldsSchema.partial().extend({ user_id: idField });

function checkPassword(password: string | null | undefined): void {
  if (typeof password === 'string' && password.length < MIN_PASSWORD_LENGTH) {
    throw new BusinessFailure('Password does not meet complexity requirements');
  }
}

/** Changing a Global Admin (a member of Administrators) also needs Users Modify Admin. */
function demandAdminRightsFor(context: RouteContext, user: UserRecord): void {
  if (user.groupIds.has(ADMINISTRATORS_GROUP_ID)) {
    context.demand('Users Modify Admin');
  }
}

/** A system group's membership also needs Groups Modify System. */
function demandSystemGroupRights(context: RouteContext, state: SimState, groupId: string): void {
  if (requireGroup(state, groupId).is_system) {
    context.demand('Groups Modify System');
  }
}

/** add_user_group and remove_user_group: the same checks, then `apply`. */
function membershipRoute(name: string, apply: (state: SimState, userId: string, groupId: string) => void): SimRoute {
  return {
    name,
    path: publicPath(name),
    permissions: ['Groups Modify'],
    write: true,
    handle(context) {
      const { payload, state } = context;
      const { user_id } = parseWrapped(payload, 'target_user', userRef);
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      requireUser(state, user_id);
      demandSystemGroupRights(context, state, group_id);
      apply(state, user_id, group_id);
      return json({});
    },
  };
}

export const userRoutes: readonly SimRoute[] = [
  {
    name: 'create_user',
    path: publicPath('create_user'),
    permissions: ['Users Create'],
    write: true,
    handle({ payload, state, now }) {
      const { password, ...fields } = parseWrapped(payload, 'target_user', createUserSchema);
      if (state.findUserByUsername(fields.username) !== undefined) {
        throw new BusinessFailure('Username already exists');
      }
      checkPassword(password);
      const user = state.addUser(
        newUserRecord(
          {
            ...definedFields(fields),
            username: fields.username,
            password: password ?? null,
            password_set_date: typeof password === 'string' ? now : null,
          },
          now,
        ),
        DEFAULT_USER_ATTRIBUTES,
      );
      return json({ user: userView(state, user) });
    },
  },
  {
    name: 'get_user',
    path: publicPath('get_user'),
    permissions: ['Users View'],
    write: false,
    handle({ payload, state }) {
      const ref = parseWrapped(payload, 'target_user', getUserSchema);
      let user: UserRecord | undefined;
      if (ref.user_id !== undefined) {
        user = state.users.get(ref.user_id);
      } else if (ref.username !== undefined) {
        user = state.findUserByUsername(ref.username);
      } else {
        throw new BusinessFailure('Missing required field: target_user.user_id or target_user.username');
      }
      if (user === undefined) throw new BusinessFailure('User not found');
      return json({ user: userView(state, user) });
    },
  },
  {
    name: 'get_users',
    path: publicPath('get_users'),
    permissions: ['Users View'],
    write: false,
    handle({ state }) {
      return json({ users: [...state.users.values()].map((user) => userView(state, user, 'None')) });
    },
  },
  {
    name: 'update_user',
    path: publicPath('update_user'),
    permissions: ['Users Modify'],
    write: true,
    handle(context) {
      const { payload, state, now } = context;
      const { user_id, password, username, ...fields } = parseWrapped(payload, 'target_user', updateUserSchema);
      const user = requireUser(state, user_id);
      demandAdminRightsFor(context, user);
      if (username !== undefined && username !== user.username && state.findUserByUsername(username) !== undefined) {
        throw new BusinessFailure('Username already exists');
      }
      checkPassword(password);
      Object.assign(user, definedFields(fields));
      if (username !== undefined) state.renameUser(user_id, username);
      if (typeof password === 'string') {
        user.password = password;
        user.password_set_date = now;
      }
      return json({ user: userView(state, user) });
    },
  },
  {
    name: 'delete_user',
    path: publicPath('delete_user'),
    permissions: ['Users Delete', 'Users Modify'],
    write: true,
    handle(context) {
      const { payload, state } = context;
      const { user_id } = parseWrapped(payload, 'target_user', userRef);
      const { force } = parse(z.object({ force: z.boolean().nullish() }), payload);
      const user = requireUser(state, user_id);
      demandAdminRightsFor(context, user);
      if (state.sessionsOfUser(user_id).length > 0 && force !== true) {
        throw new BusinessFailure('Unable to delete user. The user has active sessions. Use force to delete');
      }
      state.deleteUser(user_id);
      return json({});
    },
  },
  {
    name: 'logout_user',
    path: publicPath('logout_user'),
    permissions: ['Users Auth Session'],
    write: true,
    handle({ payload, state }) {
      const { user_id } = parseWrapped(payload, 'target_user', userRef);
      requireUser(state, user_id).logoutCount += 1;
      return json({});
    },
  },
  {
    name: 'get_attributes',
    path: publicPath('get_attributes'),
    permissions: ['Users View'],
    write: false,
    handle({ payload, state }) {
      const { user_id } = parseWrapped(payload, 'target_user', userRef);
      requireUser(state, user_id);
      const attributes = state.userAttributes.get(user_id);
      if (attributes === undefined) throw new BusinessFailure('User not found');
      return json({ user_attributes: userAttributesView(attributes) });
    },
  },
  {
    name: 'update_user_attributes',
    path: publicPath('update_user_attributes'),
    permissions: ['Users Modify', 'Servers Modify'],
    write: true,
    handle({ payload, state }) {
      const { user_id, ...fields } = parseWrapped(payload, 'target_user_attributes', updateAttributesSchema);
      requireUser(state, user_id);
      const attributes = state.userAttributes.get(user_id);
      if (attributes === undefined) throw new BusinessFailure('User not found');
      if (typeof fields.default_image === 'string') requireImage(state, fields.default_image);
      Object.assign(attributes, definedFields(fields));
      return json({});
    },
  },
  membershipRoute('add_user_group', (state, userId, groupId) => state.addMembership(userId, groupId)),
  membershipRoute('remove_user_group', (state, userId, groupId) => state.removeMembership(userId, groupId)),
  {
    name: 'get_login',
    path: publicPath('get_login'),
    permissions: ['Users Auth Session'],
    // Mints a one-time link but changes nothing a read could observe.
    write: false,
    handle({ payload, state, baseUrl }) {
      const { user_id } = parseWrapped(payload, 'target_user', userRef);
      requireUser(state, user_id);
      return json({ url: `https://${new URL(baseUrl).host}/#/login/${user_id}/${newId()}` });
    },
  },
];
