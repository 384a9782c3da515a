import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/controllers/inventory.js';
import { RecordingTracker } from '../../../src/controllers/dependency-index.js';
import { findUser, rememberIn, usersInventory } from '../../../src/controllers/kinds/kasm-inventories.js';
import { userRecordKeeper } from '../../../src/controllers/kinds/kasm-user-record.js';
import type { AdapterContext } from '../../../src/controllers/managed-kind.js';
import type { KasmUser, KasmUserRecord } from '../../../src/kasm/areas/users.js';

const RECORD_FIELDS = ['disabled', 'firstName', 'groups', 'lastName', 'lastSession', 'locked', 'organization', 'phone', 'realm', 'userId', 'username'];

function kasmUser(overrides: Partial<KasmUser> = {}): KasmUser {
  return {
    userId: 'a1b2',
    username: 'Alice',
    firstName: 'Alice',
    lastName: 'Smith',
    organization: 'Org',
    phone: '123',
    email: 'alice@example.com',
    city: 'Town',
    state: null,
    country: null,
    notes: 'long notes',
    realm: 'local',
    locked: false,
    disabled: null,
    twoFactor: false,
    programId: null,
    created: new Date('2026-01-01T00:00:00Z'),
    passwordSetDate: new Date('2026-01-02T00:00:00Z'),
    lastSession: new Date('2026-01-03T00:00:00Z'),
    groups: [{ groupId: 'g1', name: 'All Users' }],
    kasms: [{ kasmId: 'k1', imageId: null, operationalStatus: 'running', startDate: null, keepaliveDate: null, expirationDate: null }],
    ...overrides,
  };
}

/** Just enough of an adapter context for the users inventory: one connection's inventories and a get_users reply. */
function context(listed: () => KasmUserRecord[]): AdapterContext {
  const inventories = new Map<string, Inventory<unknown>>();
  const ctx = {
    kasm: { users: { listRecords: () => Promise.resolve(listed()) } },
    inventories: {
      get: <T>(name: string, create: () => Inventory<T>): Inventory<T> => {
        if (!inventories.has(name)) inventories.set(name, create());
        return inventories.get(name) as Inventory<T>;
      },
    },
    deps: new RecordingTracker(),
    pollIntervalMs: 60_000,
    signal: new AbortController().signal,
  };
  return ctx as unknown as AdapterContext;
}

describe('userRecordKeeper', () => {
  it('keeps the fields the kinds read and drops contact details, dates and sessions', () => {
    const record = userRecordKeeper()(kasmUser());
    expect(Object.keys(record).sort()).toEqual(RECORD_FIELDS);
    expect(record).toMatchObject({ userId: 'a1b2', username: 'Alice', realm: 'local', lastSession: new Date('2026-01-03T00:00:00Z') });
    expect(record.groups).toEqual([{ groupId: 'g1', name: 'All Users' }]);
  });

  it('shares one entry per group between users, and tells entries with another name apart', () => {
    const keep = userRecordKeeper();
    const a = keep(kasmUser({ userId: 'a', groups: [{ groupId: 'g1', name: 'All Users' }] }));
    const b = keep(kasmUser({ userId: 'b', groups: [{ groupId: 'g1', name: 'All Users' }, { groupId: 'g2', name: null }] }));
    const c = keep(kasmUser({ userId: 'c', groups: [{ groupId: 'g1', name: 'Renamed' }] }));
    expect(b.groups[0]).toBe(a.groups[0]);
    expect(b.groups[1]).toEqual({ groupId: 'g2', name: null });
    expect(c.groups[0]).toEqual({ groupId: 'g1', name: 'Renamed' });
    expect(Object.isFrozen(a.groups[0])).toBe(true);
  });

  it('still answers right once more distinct groups than it shares have passed', () => {
    const keep = userRecordKeeper();
    for (let i = 0; i < 5000; i++) keep(kasmUser({ groups: [{ groupId: `g${i}`, name: `group ${i}` }] }));
    expect(keep(kasmUser({ groups: [{ groupId: 'g1', name: 'group 1' }] })).groups).toEqual([{ groupId: 'g1', name: 'group 1' }]);
  });
});

describe('usersInventory', () => {
  it('holds listed users and written replies as records', async () => {
    const ctx = context(() => [kasmUser()]);
    const listed = await findUser(ctx, { username: 'alice' });
    expect(Object.keys(listed ?? {}).sort()).toEqual(RECORD_FIELDS);

    await rememberIn(ctx, usersInventory, kasmUser({ userId: 'c3d4', username: 'bob' }));
    const written = await findUser(ctx, { userId: 'c3d4' });
    expect(Object.keys(written ?? {}).sort()).toEqual(RECORD_FIELDS);
  });

  it('reports no change when only a field no kind reads changed, and a change when one read did', async () => {
    let user = kasmUser();
    const ctx = context(() => [user]);
    const inv = await usersInventory(ctx);
    const changes: string[][] = [];
    inv.onChange((c) => changes.push([...c.ids]));

    user = kasmUser({ email: 'other@example.com', notes: 'changed', lastSession: new Date('2026-02-01T00:00:00Z') });
    await usersInventory(ctx, true);
    expect(changes).toEqual([]);

    user = kasmUser({ disabled: true });
    await usersInventory(ctx, true);
    expect(changes).toEqual([['a1b2']]);
  });

  it('a written user (every field) listed unchanged (the record) is no change', async () => {
    const full = kasmUser({ userId: 'c3d4', username: 'bob' });
    const listedRecord = userRecordKeeper()(full);
    const ctx = context(() => [listedRecord]);
    const inv = await usersInventory(ctx);
    await rememberIn(ctx, usersInventory, full);
    const kept = await findUser(ctx, { userId: 'c3d4' });
    const changes: string[][] = [];
    inv.onChange((c) => changes.push([...c.ids]));
    await usersInventory(ctx, true);
    expect(changes).toEqual([]);
    expect(await findUser(ctx, { userId: 'c3d4' })).toBe(kept);
  });
});

