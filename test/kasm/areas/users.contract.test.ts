import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_USERS_GROUP_ID } from '../../../src/kasm/areas/groups.js';
import {
  KasmBusinessError,
  KasmConflictError,
  KasmInvalidRequestError,
  KasmNotFoundError,
  KasmPermissionError,
} from '../../../src/kasm/errors.js';
import { dashedKasmId } from '../../../src/kasm/ids.js';
import { startKasmClientFixture } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;

beforeAll(async () => {
  fx = await startKasmClientFixture({ sessionStartMs: 0 });
});

afterAll(async () => {
  await fx.close();
});

let counter = 0;
function username(): string {
  counter += 1;
  return `contract-user-${counter}@example.com`;
}

describe('users contract', () => {
  it('create → get/getByUsername/list → update → delete → not found', async () => {
    const { users } = fx.client;
    const name = username();
    const created = await users.create({ username: name, firstName: 'Ada', lastName: 'Lovelace', password: 'long-enough-pw', organization: 'Analytical' });
    expect(created).toMatchObject({ username: name, firstName: 'Ada', lastName: 'Lovelace', realm: 'local', lastSession: null, locked: false, disabled: false });
    expect(created.userId).toMatch(/^[0-9a-f]{32}$/);
    expect(created.groups.map((group) => group.groupId)).toContain(ALL_USERS_GROUP_ID);
    expect(created.created).toBeInstanceOf(Date);

    expect((await users.get(created.userId)).username).toBe(name);
    expect((await users.get(dashedKasmId(created.userId).toUpperCase())).userId).toBe(created.userId);
    expect((await users.getByUsername(name)).userId).toBe(created.userId);
    const listed = (await users.list()).find((user) => user.userId === created.userId);
    // get_users prints unset dates as "None": they read as null.
    expect(listed).toMatchObject({ username: name, lastSession: null, passwordSetDate: expect.any(Date) as Date });
    // The same list read as records: only the fields the operator keeps are built.
    const record = (await users.listRecords()).find((user) => user.userId === created.userId);
    expect(record).toMatchObject({ username: name, firstName: 'Ada', organization: 'Analytical', realm: 'local', lastSession: null, locked: false });
    expect(Object.keys(record ?? {}).sort()).toEqual(['disabled', 'firstName', 'groups', 'lastName', 'lastSession', 'locked', 'organization', 'phone', 'realm', 'userId', 'username']);

    const updated = await users.update(created.userId, { firstName: 'Augusta', locked: true });
    expect(updated).toMatchObject({ firstName: 'Augusta', lastName: 'Lovelace', locked: true });
    expect((await users.get(created.userId)).firstName).toBe('Augusta');

    await users.delete(created.userId);
    await expectKasmError(users.get(created.userId), KasmNotFoundError);
    await expectKasmError(users.getByUsername(name), KasmNotFoundError);
    expect((await users.list()).some((user) => user.userId === created.userId)).toBe(false);
  });

  it('attributes round-trip', async () => {
    const { users } = fx.client;
    const user = await users.create({ username: username() });
    const before = await users.getAttributes(user.userId);
    expect(before.userId).toBe(user.userId);
    await users.updateAttributes(user.userId, { theme: 'Dark', showTips: false, sshPublicKey: 'ssh-ed25519 AAAAC3Nz test' });
    const after = await users.getAttributes(user.userId);
    expect(after).toMatchObject({ theme: 'Dark', showTips: false, sshPublicKey: 'ssh-ed25519 AAAAC3Nz test' });
    expect(after.preferredLanguage).toBe(before.preferredLanguage);
  });

  it('group membership shows in user.groups', async () => {
    const { users, groups } = fx.client;
    const user = await users.create({ username: username() });
    const group = await groups.create({ name: `members-${counter}`, priority: 50 });
    await users.addToGroup(user.userId, group.groupId);
    expect((await users.get(user.userId)).groups.map((g) => g.groupId)).toEqual(expect.arrayContaining([ALL_USERS_GROUP_ID, group.groupId]));
    await users.removeFromGroup(user.userId, group.groupId);
    expect((await users.get(user.userId)).groups.map((g) => g.groupId)).not.toContain(group.groupId);
  });

  it('logout and a fresh login URL each call', async () => {
    const { users } = fx.client;
    const user = await users.create({ username: username() });
    await users.logout(user.userId);
    const host = new URL(fx.sim.url).host;
    const first = await users.loginUrl(user.userId);
    const second = await users.loginUrl(user.userId);
    expect(first).toMatch(new RegExp(`^https://${host.replace('.', '\\.')}/#/login/${user.userId}/[0-9a-f]{32}$`));
    expect(second).not.toBe(first);
  });

  it('duplicate username → KasmConflictError, on create and on rename', async () => {
    const { users } = fx.client;
    const name = username();
    const first = await users.create({ username: name });
    const error = await expectKasmError(users.create({ username: name }), KasmConflictError);
    expect(error.message).toContain('already exists');
    expect(error.retryable).toBe(false);
    const other = await users.create({ username: username() });
    await expectKasmError(users.update(other.userId, { username: first.username }), KasmConflictError);
  });

  it('a weak password is a non-retryable business error', async () => {
    const error = await expectKasmError(fx.client.users.create({ username: username(), password: 'short' }), KasmBusinessError);
    expect(error.retryable).toBe(false);
    expect(error.kasmMessage).toMatch(/complexity/);
  });

  it('delete with live sessions is refused without force and done with it', async () => {
    const { users, images, sessions } = fx.client;
    const user = await users.create({ username: username() });
    const image = await images.create({ name: 'kasmweb/terminal:1.16.0', friendlyName: 'Terminal' });
    const session = await sessions.request({ userId: user.userId, imageId: image.imageId });
    const refused = await expectKasmError(users.delete(user.userId), KasmBusinessError);
    expect(refused.retryable).toBe(false);
    expect(refused.kasmMessage).toMatch(/active sessions/);
    expect((await users.get(user.userId)).kasms.map((k) => k.kasmId)).toEqual([session.kasmId]);

    await users.delete(user.userId, { force: true });
    await expectKasmError(users.get(user.userId), KasmNotFoundError);
    const { kasms } = await sessions.list();
    expect(kasms.some((kasm) => kasm.kasmId === session.kasmId)).toBe(false);
  });

  it('unknown ids → KasmNotFoundError on every verb', async () => {
    const { users } = fx.client;
    const missing = 'ab'.repeat(16);
    await expectKasmError(users.get(missing), KasmNotFoundError);
    await expectKasmError(users.update(missing, { firstName: 'x' }), KasmNotFoundError);
    await expectKasmError(users.delete(missing), KasmNotFoundError);
    await expectKasmError(users.logout(missing), KasmNotFoundError);
    await expectKasmError(users.getAttributes(missing), KasmNotFoundError);
    await expectKasmError(users.addToGroup(missing, ALL_USERS_GROUP_ID), KasmNotFoundError);
    await expectKasmError(users.loginUrl(missing), KasmNotFoundError);
  });

  it('a non-UUID id never reaches Kasm', async () => {
    const before = fx.sim.calls.count('get_user');
    const error = await expectKasmError(fx.client.users.get('admin@kasm.local'), KasmInvalidRequestError);
    expect(error.field).toBe('userId');
    expect(fx.sim.calls.count('get_user')).toBe(before);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Users View']).client;
    expect((await viewer.users.list()).length).toBeGreaterThan(0);
    const error = await expectKasmError(viewer.users.create({ username: username() }), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Users Create']);
    expect(error.message).toContain('Users Create');
    expect(error.status).toBe(403);

    const nothing = fx.clientWithPermissions([]).client;
    const denied = await expectKasmError(nothing.users.list(), KasmPermissionError);
    expect(denied.message).toContain('Users View');
  });
});
