import { describe, expect, expectTypeOf, it } from 'vitest';
import { UsersApi } from '../../../src/kasm/areas/users.js';
import type { KasmUser } from '../../../src/kasm/areas/users.js';
import { KasmBusinessError, KasmConflictError, KasmInvalidRequestError, KasmInvalidResponseError, KasmNotFoundError } from '../../../src/kasm/errors.js';
import { FakeKasmCaller } from './fake-caller.js';

const USER_ID = '50faa5439c574b518cd868dac9256e4b';
const USER_ID_DASHED = '50faa543-9c57-4b51-8cd8-68dac9256e4b';
const ALL_USERS = '68d557ac4cac42cca9f31c7c853de0f3';

/** The create_user reply from the Kasm docs, plus a key no version is known to send. */
const docsUser = {
  first_name: 'Bob',
  username: 'test_user1@example.com',
  realm: 'local',
  last_name: 'Williams',
  phone: '123-456-7890',
  last_session: null,
  notes: null,
  user_id: USER_ID,
  groups: [{ name: 'All Users', group_id: ALL_USERS }],
  disabled: false,
  organization: 'example',
  locked: false,
  some_future_field: { nested: true },
};

describe('UsersApi mapping', () => {
  it('create sends target_user in snake_case and returns a camelCase user', async () => {
    const caller = new FakeKasmCaller().reply('create_user', { user: docsUser });
    const user = await new UsersApi(caller).create({
      username: 'test_user1@example.com',
      firstName: 'Bob',
      lastName: 'Williams',
      phone: '123-456-7890',
      organization: 'example',
      locked: false,
      disabled: false,
      password: 'secret-password',
    });
    expect(caller.bodies('create_user')).toEqual([
      {
        target_user: {
          username: 'test_user1@example.com',
          first_name: 'Bob',
          last_name: 'Williams',
          phone: '123-456-7890',
          organization: 'example',
          locked: false,
          disabled: false,
          password: 'secret-password',
        },
      },
    ]);
    expect(user).toMatchObject({
      userId: USER_ID,
      username: 'test_user1@example.com',
      firstName: 'Bob',
      lastName: 'Williams',
      realm: 'local',
      lastSession: null,
      notes: null,
      locked: false,
      disabled: false,
      groups: [{ groupId: ALL_USERS, name: 'All Users' }],
      kasms: [],
    });
    // Unknown keys are dropped, and no snake_case key survives.
    expect(Object.keys(user).filter((key) => key.includes('_'))).toEqual([]);
    expect(user).not.toHaveProperty('someFutureField');
    expectTypeOf(user).toEqualTypeOf<KasmUser>();
    expectTypeOf(user.lastSession).toEqualTypeOf<Date | null>();
  });

  it('reads the 2020 get_users shape: dashed user ids, "None" dates, company/kasms extras', async () => {
    const caller = new FakeKasmCaller().reply('get_users', {
      users: [
        {
          ...docsUser,
          user_id: USER_ID_DASHED,
          last_session: '2020-11-12 14:29:25.808258',
          created: 'None',
          password_set_date: 'None',
          company: {},
          kasms: [
            {
              kasm_id: '4fa42139-aef3-4c86-929a-e479cda68857',
              start_date: '2020-11-12 14:29:25.808258',
              keepalive_date: 'None',
              expiration_date: '2020-11-12 15:29:25',
              server: { server_id: 'x', hostname: 'h', port: 443 },
            },
          ],
        },
      ],
    });
    const [user] = await new UsersApi(caller).list();
    expect(user?.userId).toBe(USER_ID);
    expect(user?.lastSession?.toISOString()).toBe('2020-11-12T14:29:25.808Z');
    expect(user?.created).toBeNull();
    expect(user?.passwordSetDate).toBeNull();
    expect(user?.kasms).toEqual([
      {
        kasmId: '4fa42139aef34c86929ae479cda68857',
        imageId: null,
        operationalStatus: null,
        startDate: new Date('2020-11-12T14:29:25.808Z'),
        keepaliveDate: null,
        expirationDate: new Date('2020-11-12T15:29:25.000Z'),
      },
    ]);
  });

  it('get and getByUsername send the matching target_user key', async () => {
    const caller = new FakeKasmCaller().reply('get_user', { user: docsUser });
    const api = new UsersApi(caller);
    await api.get(USER_ID_DASHED);
    await api.getByUsername('test_user1@example.com');
    expect(caller.bodies('get_user')).toEqual([
      { target_user: { user_id: USER_ID } },
      { target_user: { username: 'test_user1@example.com' } },
    ]);
  });

  it('update sends only the changed fields, with user_id, and returns the echoed user', async () => {
    const caller = new FakeKasmCaller().reply('update_user', { user: { ...docsUser, locked: true } });
    const user = await new UsersApi(caller).update(USER_ID, { locked: true, phone: null });
    expect(caller.bodies('update_user')).toEqual([{ target_user: { user_id: USER_ID, locked: true, phone: null } }]);
    expect(user.locked).toBe(true);
    expect(caller.bodies('get_user')).toEqual([]);
  });

  it('update reads the user back when Kasm replies with {}', async () => {
    const caller = new FakeKasmCaller().reply('update_user', {}).reply('get_user', { user: { ...docsUser, first_name: 'Rob' } });
    const user = await new UsersApi(caller).update(USER_ID, { firstName: 'Rob' });
    expect(user.firstName).toBe('Rob');
    expect(caller.bodies('get_user')).toEqual([{ target_user: { user_id: USER_ID } }]);
  });

  it('delete puts force at top level, false unless asked', async () => {
    const caller = new FakeKasmCaller().reply('delete_user', {});
    const api = new UsersApi(caller);
    await api.delete(USER_ID);
    await api.delete(USER_ID_DASHED, { force: true, priority: 'user' });
    expect(caller.bodies('delete_user')).toEqual([
      { target_user: { user_id: USER_ID }, force: false },
      { target_user: { user_id: USER_ID }, force: true },
    ]);
    expect(caller.sent[1]?.options).toEqual({ priority: 'user' });
  });

  it('attributes: get maps the reply, update sends target_user_attributes', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_attributes', {
        user_attributes: {
          user_attributes_id: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5',
          user_id: USER_ID,
          ssh_public_key: 'ssh-ed25519 AAAA',
          show_tips: true,
          theme: 'Dark',
          preferred_language: 'en-US',
          preferred_timezone: 'UTC',
          toggle_control_panel: false,
          default_image: null,
          auto_login_kasm: null,
        },
      })
      .reply('update_user_attributes', {});
    const api = new UsersApi(caller);
    const attributes = await api.getAttributes(USER_ID);
    expect(attributes).toMatchObject({ userId: USER_ID, sshPublicKey: 'ssh-ed25519 AAAA', showTips: true, theme: 'Dark', chatSfx: null, defaultImage: null });
    await api.updateAttributes(USER_ID, { theme: 'Light', defaultImage: '4FA42139-AEF3-4C86-929A-E479CDA68857' });
    expect(caller.bodies('update_user_attributes')).toEqual([
      { target_user_attributes: { user_id: USER_ID, theme: 'Light', default_image: '4fa42139aef34c86929ae479cda68857' } },
    ]);
  });

  it('group membership and logout send both wrappers', async () => {
    const caller = new FakeKasmCaller().reply('add_user_group', {}).reply('remove_user_group', {}).reply('logout_user', {});
    const api = new UsersApi(caller);
    await api.addToGroup(USER_ID, ALL_USERS);
    await api.removeFromGroup(USER_ID, ALL_USERS);
    await api.logout(USER_ID);
    const membership = { target_user: { user_id: USER_ID }, target_group: { group_id: ALL_USERS } };
    expect(caller.bodies('add_user_group')).toEqual([membership]);
    expect(caller.bodies('remove_user_group')).toEqual([membership]);
    expect(caller.bodies('logout_user')).toEqual([{ target_user: { user_id: USER_ID } }]);
  });

  it('loginUrl returns the url', async () => {
    const url = `https://kasm.example/#/login/${USER_ID}/0123456789abcdef0123456789abcdef`;
    const caller = new FakeKasmCaller().reply('get_login', { url });
    await expect(new UsersApi(caller).loginUrl(USER_ID)).resolves.toBe(url);
  });
});

describe('UsersApi errors', () => {
  it('a non-UUID id fails before sending, naming the field', async () => {
    const caller = new FakeKasmCaller();
    const error = await new UsersApi(caller).get('bob').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KasmInvalidRequestError);
    expect((error as KasmInvalidRequestError).field).toBe('userId');
    expect(caller.sent).toEqual([]);
  });

  it('an empty username is refused before sending', async () => {
    const error = await new UsersApi(new FakeKasmCaller()).create({ username: '  ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KasmInvalidRequestError);
    expect((error as KasmInvalidRequestError).field).toBe('username');
  });

  it('Kasm business texts become typed errors', async () => {
    const caller = new FakeKasmCaller()
      .reply('get_user', { error_message: 'User not found' })
      .reply('create_user', { error_message: 'Username already exists' })
      .reply('delete_user', { error_message: 'Unable to delete user. The user has active sessions. Use force to delete' });
    const api = new UsersApi(caller);
    await expect(api.get(USER_ID)).rejects.toBeInstanceOf(KasmNotFoundError);
    await expect(api.create({ username: 'taken' })).rejects.toBeInstanceOf(KasmConflictError);
    const refused = await api.delete(USER_ID).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KasmBusinessError);
    expect((refused as KasmBusinessError).retryable).toBe(false);
  });

  it('a reply without the user id is an invalid response naming the field', async () => {
    const { user_id: _dropped, ...withoutId } = docsUser;
    const caller = new FakeKasmCaller().reply('get_user', { user: withoutId });
    const error = await new UsersApi(caller).get(USER_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KasmInvalidResponseError);
    expect((error as KasmInvalidResponseError).field).toBe('user.user_id');
  });
});
