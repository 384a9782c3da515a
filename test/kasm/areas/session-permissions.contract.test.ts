import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KasmNotFoundError, KasmPermissionError } from '../../../src/kasm/errors.js';
import { startKasmClientFixture } from '../../harness/kasm-client-fixture.js';
import type { KasmClientFixture } from '../../harness/kasm-client-fixture.js';
import { expectKasmError } from './kasm-error.js';

let fx: KasmClientFixture;
let kasmId: string;
let viewerA: string;
let viewerB: string;

beforeAll(async () => {
  fx = await startKasmClientFixture({ sessionStartMs: 0 });
  const { users, images, sessions } = fx.client;
  const owner = await users.create({ username: 'perm-owner@example.com' });
  viewerA = (await users.create({ username: 'perm-a@example.com' })).userId;
  viewerB = (await users.create({ username: 'perm-b@example.com' })).userId;
  const image = await images.create({ name: 'kasmweb/desktop:1.16.0' });
  kasmId = (await sessions.request({ userId: owner.userId, imageId: image.imageId, enableSharing: true })).kasmId;
});

afterAll(async () => {
  await fx.close();
});

describe('session permissions contract', () => {
  it('set → get → set for all → delete all → get shows none', async () => {
    const api = fx.client.sessionPermissions;
    const set = await api.set(kasmId, [
      { userId: viewerA, access: 'rw' },
      { userId: viewerB, access: 'r' },
    ]);
    expect(set.map((p) => [p.userId, p.access, p.username])).toEqual([
      [viewerA, 'rw', 'perm-a@example.com'],
      [viewerB, 'r', 'perm-b@example.com'],
    ]);
    expect((await api.get(kasmId)).map((p) => [p.userId, p.access])).toEqual([
      [viewerA, 'rw'],
      [viewerB, 'r'],
    ]);

    const frozen = await api.setForAll(kasmId, '');
    expect(frozen.map((p) => p.access)).toEqual(['', '']);

    await api.deleteAll(kasmId);
    expect(await api.get(kasmId)).toEqual([]);
  });

  it('unknown session or user → KasmNotFoundError', async () => {
    const api = fx.client.sessionPermissions;
    await expectKasmError(api.get('56'.repeat(16)), KasmNotFoundError);
    await expectKasmError(api.set(kasmId, [{ userId: '78'.repeat(16), access: 'r' }]), KasmNotFoundError);
  });

  it('a key without the permission → KasmPermissionError naming it', async () => {
    const viewer = fx.clientWithPermissions(['Sessions View']).client;
    await viewer.sessionPermissions.get(kasmId);
    const error = await expectKasmError(viewer.sessionPermissions.setForAll(kasmId, 'r'), KasmPermissionError);
    expect(error.requiredPermissions).toEqual(['Sessions Modify']);
    expect(error.message).toContain('Sessions Modify');
  });
});
