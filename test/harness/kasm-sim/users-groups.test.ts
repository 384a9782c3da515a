import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USERNAME, ADMINISTRATORS_GROUP_ID, ALL_USERS_GROUP_ID, startKasmSimulator, USER_USERNAME } from './index.js';
import type { KasmSimulator } from './index.js';
import { callSim, field, list, text } from './test-requests.js';

let sim: KasmSimulator;

beforeAll(async () => {
  sim = await startKasmSimulator({ sessionStartMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

const HEX32 = /^[0-9a-f]{32}$/;
const NAIVE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

function dashedForm(id: string): string {
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`.toUpperCase();
}

async function createUser(username: string, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await callSim(sim, 'create_user', { target_user: { username, password: 'Secret-123', ...extra } });
  return text(reply.body, 'user.user_id');
}

async function createGroup(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await callSim(sim, 'create_group', { target_group: { name, ...extra } });
  return text(reply.body, 'group.group_id');
}

describe('seed data', () => {
  it('has the stock users and system groups with their well-known ids', async () => {
    const users = list((await callSim(sim, 'get_users')).body, 'users').map((user) => field(user, 'username'));
    expect(users).toEqual(expect.arrayContaining([ADMIN_USERNAME, USER_USERNAME]));
    const groups = list((await callSim(sim, 'get_groups')).body, 'groups');
    expect(groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ group_id: ALL_USERS_GROUP_ID, name: 'All Users', priority: 1000, is_system: true }),
        expect.objectContaining({ group_id: ADMINISTRATORS_GROUP_ID, name: 'Administrators', priority: 1, is_system: true }),
      ]),
    );
  });
});

describe('users', () => {
  it('create_user replies {"user": ...} with a 32-hex id, realm local, null last_session and All Users membership', async () => {
    const reply = await callSim(sim, 'create_user', {
      target_user: { username: 'bob@example.com', first_name: 'Bob', last_name: 'Williams', phone: '123', password: 'Secret-123' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      user: {
        username: 'bob@example.com',
        first_name: 'Bob',
        realm: 'local',
        last_session: null,
        notes: null,
        locked: false,
        disabled: false,
        groups: [{ name: 'All Users', group_id: ALL_USERS_GROUP_ID }],
      },
    });
    expect(text(reply.body, 'user.user_id')).toMatch(HEX32);
    expect(text(reply.body, 'user.created')).toMatch(NAIVE);
    expect(reply.text).not.toContain('Secret-123');
    expect(field(reply.body, 'user.password')).toBeUndefined();
  });

  it('names a missing required field in a 200 error_message, and a missing wrapper is an HTML 500', async () => {
    const missingField = await callSim(sim, 'create_user', { target_user: { first_name: 'x' } });
    expect(missingField.status).toBe(200);
    expect(text(missingField.body, 'error_message')).toMatch(/target_user\.username/);
    const missingWrapper = await callSim(sim, 'create_user', { username: 'x@example.com' });
    expect(missingWrapper.status).toBe(500);
    expect(missingWrapper.contentType).toMatch(/^text\/html/);
  });

  it('refuses duplicate usernames and weak passwords with 200 + error_message', async () => {
    await createUser('dup@example.com');
    const dup = await callSim(sim, 'create_user', { target_user: { username: 'dup@example.com' } });
    expect(dup.status).toBe(200);
    expect(dup.body).toEqual({ error_message: 'Username already exists' });
    const weak = await callSim(sim, 'create_user', { target_user: { username: 'weak@example.com', password: 'short' } });
    expect(weak.body).toEqual({ error_message: 'Password does not meet complexity requirements' });
    expect(sim.state.findUserByUsername('weak@example.com')).toBeUndefined();
  });

  it('get_user finds by user_id (plain or dashed) or username', async () => {
    const id = await createUser('find@example.com');
    for (const target of [{ user_id: id }, { user_id: dashedForm(id) }, { username: 'find@example.com' }]) {
      const reply = await callSim(sim, 'get_user', { target_user: target });
      expect(text(reply.body, 'user.user_id'), JSON.stringify(target)).toBe(id);
    }
  });

  it('reports unknown ids as "User not found" and non-UUID ids as an HTML 500', async () => {
    const unknown = await callSim(sim, 'get_user', { target_user: { user_id: 'ffffffffffffffffffffffffffffffff' } });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ error_message: 'User not found' });
    const bad = await callSim(sim, 'get_user', { target_user: { user_id: 'not-a-uuid' } });
    expect(bad.status).toBe(500);
    expect(bad.contentType).toMatch(/^text\/html/);
  });

  it('get_users prints unset dates as the string "None"', async () => {
    const id = await createUser('none-dates@example.com');
    const users = list((await callSim(sim, 'get_users')).body, 'users');
    const user = users.find((candidate) => field(candidate, 'user_id') === id);
    expect(field(user, 'last_session')).toBe('None');
  });

  it('update_user changes only the fields sent', async () => {
    const id = await createUser('partial@example.com', { first_name: 'Ann', last_name: 'Lee', organization: 'Org' });
    const reply = await callSim(sim, 'update_user', { target_user: { user_id: id, last_name: 'Smith', locked: true } });
    expect(reply.body).toMatchObject({ user: { first_name: 'Ann', last_name: 'Smith', organization: 'Org', locked: true } });
  });

  it('update_user renames and refuses a taken username', async () => {
    const id = await createUser('rename-me@example.com');
    await createUser('taken@example.com');
    const taken = await callSim(sim, 'update_user', { target_user: { user_id: id, username: 'taken@example.com' } });
    expect(taken.body).toEqual({ error_message: 'Username already exists' });
    const renamed = await callSim(sim, 'update_user', { target_user: { user_id: id, username: 'renamed@example.com' } });
    expect(text(renamed.body, 'user.username')).toBe('renamed@example.com');
    expect(sim.state.findUserByUsername('renamed@example.com')?.user_id).toBe(id);
    expect(sim.state.findUserByUsername('rename-me@example.com')).toBeUndefined();
  });

  it('needs Users Modify Admin to change a member of Administrators', async () => {
    const admin = sim.state.findUserByUsername(ADMIN_USERNAME);
    if (admin === undefined) throw new Error('seed admin missing');
    const key = sim.createApiKey({ permissions: ['Users Modify'] });
    const denied = await callSim(sim, 'update_user', { target_user: { user_id: admin.user_id, notes: 'x' } }, { key });
    expect(denied.status).toBe(403);
    const plain = await createUser('plain@example.com');
    expect((await callSim(sim, 'update_user', { target_user: { user_id: plain, notes: 'x' } }, { key })).status).toBe(200);
  });

  it('delete_user returns {} and the user is gone', async () => {
    const id = await createUser('gone@example.com');
    const reply = await callSim(sim, 'delete_user', { target_user: { user_id: id } });
    expect(reply.body).toEqual({});
    expect((await callSim(sim, 'get_user', { target_user: { user_id: id } })).body).toEqual({ error_message: 'User not found' });
  });

  it('logout_user returns {} and is recorded', async () => {
    const id = await createUser('logout@example.com');
    expect((await callSim(sim, 'logout_user', { target_user: { user_id: id } })).body).toEqual({});
    expect(sim.state.users.get(id)?.logoutCount).toBe(1);
  });

  it('reads and updates user attributes', async () => {
    const id = await createUser('attrs@example.com');
    const before = await callSim(sim, 'get_attributes', { target_user: { user_id: id } });
    expect(before.body).toMatchObject({ user_attributes: { user_id: id, show_tips: true, default_image: null } });
    const update = await callSim(sim, 'update_user_attributes', {
      target_user_attributes: { user_id: id, show_tips: false, ssh_public_key: 'ssh-ed25519 AAAA' },
    });
    expect(update.body).toEqual({});
    const after = await callSim(sim, 'get_attributes', { target_user: { user_id: id } });
    expect(after.body).toMatchObject({ user_attributes: { show_tips: false, ssh_public_key: 'ssh-ed25519 AAAA', theme: 'Auto' } });
  });

  it('get_login returns a one-time login URL on the simulator host', async () => {
    const id = await createUser('login@example.com');
    const reply = await callSim(sim, 'get_login', { target_user: { user_id: id } });
    const host = new URL(sim.url).host;
    expect(text(reply.body, 'url')).toMatch(new RegExp(`^https://${host.replaceAll('.', '\\.')}/#/login/${id}/[0-9a-f]{32}$`));
  });
});

describe('group membership', () => {
  it('add_user_group / remove_user_group return {} and show in user.groups', async () => {
    const userId = await createUser('member@example.com');
    const groupId = await createGroup('Members');
    expect((await callSim(sim, 'add_user_group', { target_user: { user_id: userId }, target_group: { group_id: groupId } })).body).toEqual({});
    const withGroup = await callSim(sim, 'get_user', { target_user: { user_id: userId } });
    expect(list(withGroup.body, 'user.groups')).toContainEqual({ name: 'Members', group_id: groupId });
    expect((await callSim(sim, 'remove_user_group', { target_user: { user_id: userId }, target_group: { group_id: groupId } })).body).toEqual({});
    const without = await callSim(sim, 'get_user', { target_user: { user_id: userId } });
    expect(list(without.body, 'user.groups')).toEqual([{ name: 'All Users', group_id: ALL_USERS_GROUP_ID }]);
  });

  it('needs Groups Modify System to change membership of a system group', async () => {
    const userId = await createUser('sys-member@example.com');
    const key = sim.createApiKey({ permissions: ['Groups Modify'] });
    const payload = { target_user: { user_id: userId }, target_group: { group_id: ADMINISTRATORS_GROUP_ID } };
    expect((await callSim(sim, 'add_user_group', payload, { key })).status).toBe(403);
    const system = sim.createApiKey({ permissions: ['Groups Modify', 'Groups Modify System'] });
    expect((await callSim(sim, 'add_user_group', payload, { key: system })).status).toBe(200);
  });

  it('reports an unknown group as "Group not found"', async () => {
    const userId = await createUser('lonely@example.com');
    const reply = await callSim(sim, 'add_user_group', {
      target_user: { user_id: userId },
      target_group: { group_id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee' },
    });
    expect(reply.body).toEqual({ error_message: 'Group not found' });
  });
});

describe('groups', () => {
  it('create_group replies {"group": ...}; duplicates are refused', async () => {
    const reply = await callSim(sim, 'create_group', { target_group: { name: 'Engineers', priority: 50, description: 'eng' } });
    expect(reply.body).toMatchObject({ group: { name: 'Engineers', priority: 50, description: 'eng', is_system: false } });
    expect(text(reply.body, 'group.group_id')).toMatch(HEX32);
    const dup = await callSim(sim, 'create_group', { target_group: { name: 'Engineers' } });
    expect(dup.body).toEqual({ error_message: 'Group name already exists' });
  });

  it('update_group changes the fields sent', async () => {
    const id = await createGroup('Ops', { priority: 10 });
    const reply = await callSim(sim, 'update_group', { target_group: { group_id: id, name: 'Operations' } });
    expect(reply.body).toMatchObject({ group: { group_id: id, name: 'Operations', priority: 10 } });
  });

  it('delete_group removes the group and its memberships; system groups cannot be deleted', async () => {
    const userId = await createUser('cascade@example.com');
    const groupId = await createGroup('Temporary');
    await callSim(sim, 'add_user_group', { target_user: { user_id: userId }, target_group: { group_id: groupId } });
    expect((await callSim(sim, 'delete_group', { target_group: { group_id: groupId } })).body).toEqual({});
    expect(sim.state.users.get(userId)?.groupIds.has(groupId)).toBe(false);
    expect((await callSim(sim, 'delete_group', { target_group: { group_id: groupId } })).body).toEqual({ error_message: 'Group not found' });
    const system = await callSim(sim, 'delete_group', { target_group: { group_id: ALL_USERS_GROUP_ID } });
    expect(system.body).toEqual({ error_message: 'Cannot delete a system group' });
  });

  it('sees out-of-band changes made through the state', async () => {
    const groupId = await createGroup('Out Of Band');
    sim.state.deleteGroup(groupId);
    const groups = list((await callSim(sim, 'get_groups')).body, 'groups');
    expect(groups.some((group) => field(group, 'group_id') === groupId)).toBe(false);
  });
});

describe('group settings', () => {
  it('lists every catalogue setting as strings and updates one', async () => {
    const groupId = await createGroup('Settings');
    const before = await callSim(sim, 'get_settings_group', { target_group: { group_id: groupId } }, { area: 'admin' });
    const settings = list(before.body, 'settings');
    expect(settings).toContainEqual(
      expect.objectContaining({ group_setting_id: '13ef8423a5bb445cacbb6bd9f44a2454', name: 'allow_kasm_sharing', value: 'false' }),
    );
    expect(settings.every((setting) => typeof field(setting, 'value') === 'string')).toBe(true);
    const update = await callSim(
      sim,
      'update_settings_group',
      { target_group: { group_id: groupId }, target_setting: { group_setting_id: '13ef8423a5bb445cacbb6bd9f44a2454', value: true } },
      { area: 'admin' },
    );
    expect(update.body).toEqual({});
    const after = await callSim(sim, 'get_settings_group', { target_group: { group_id: groupId } }, { area: 'admin' });
    expect(list(after.body, 'settings')).toContainEqual(expect.objectContaining({ name: 'allow_kasm_sharing', value: 'true' }));
  });

  it('refuses a value of the wrong type and an unknown setting', async () => {
    const groupId = await createGroup('Bad Settings');
    const keepalive = sim.state.groupSettingValues(groupId);
    expect(keepalive.size).toBe(0);
    const wrongType = await callSim(
      sim,
      'update_settings_group',
      { target_group: { group_id: groupId }, target_setting: { group_setting_id: '491760ee25a440dd842c1db414b34f2d', value: 'soon' } },
      { area: 'admin' },
    );
    expect(text(wrongType.body, 'error_message')).toMatch(/keepalive_expiration/);
    const unknown = await callSim(
      sim,
      'update_settings_group',
      { target_group: { group_id: groupId }, target_setting: { group_setting_id: 'abababababababababababababababab', value: '1' } },
      { area: 'admin' },
    );
    expect(unknown.body).toEqual({ error_message: 'Setting not found' });
  });
});
