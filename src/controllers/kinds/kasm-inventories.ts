import { createHash } from 'node:crypto';
import type { KasmGroup } from '../../kasm/areas/groups.js';
import type { KasmImage } from '../../kasm/areas/images.js';
import type { KasmUser } from '../../kasm/areas/users.js';
import type { KasmZone } from '../../kasm/areas/zones.js';
import { KasmNotFoundError } from '../../kasm/errors.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import { Inventory, type InventorySource } from '../inventory.js';
import type { AdapterContext } from '../managed-kind.js';
import { ReferenceNotReadyError } from '../reconcile-errors.js';
import { userRecordKeeper, type KasmUserRecord } from './kasm-user-record.js';

/**
 * The bulk inventories the kinds share per connection: one get_users, get_groups and get_images
 * call per poll interval serves every KasmUser, KasmGroup, KasmGroupMembership and KasmImage.
 */
export const USERS_INVENTORY = 'users';
export const GROUPS_INVENTORY = 'groups';
export const IMAGES_INVENTORY = 'images';

/**
 * A record's fingerprint as a digest of its JSON: the inventory keeps one per record (10,000 users:
 * 28 bytes each rather than the half kilobyte of JSON) to tell a changed record at the next list.
 */
const digestOf = (value: unknown): string => createHash('sha1').update(JSON.stringify(value)).digest('base64');

/** How the kinds get a shared inventory: fresh within one poll interval, or listed now with `refresh`. */
export type InventoryOf<T> = (ctx: AdapterContext, refresh?: boolean) => Promise<Inventory<T>>;

/** The getter of the connection's shared inventory `name`, listed by `source` (built once per connection, from the first caller's context). */
export function inventoryOf<T>(name: string, source: (ctx: AdapterContext) => InventorySource<T>): InventoryOf<T> {
  return async (ctx, refresh = false) => {
    const inv = ctx.inventories.get(name, () => new Inventory<T>(source(ctx), { maxAgeMs: ctx.pollIntervalMs }));
    if (refresh) await inv.refresh();
    else await inv.ensureFresh(ctx.pollIntervalMs);
    return inv;
  };
}

/** In `per-object` observation the inventories are neither read nor kept: each object reads Kasm itself. */
export const observesPerObject = (ctx: AdapterContext): boolean => ctx.observation === 'per-object';

/** Records a write's reply in the inventory (bulk observation only), so the next look needs no list. */
export async function rememberIn<T>(ctx: AdapterContext, inventory: InventoryOf<T>, item: T): Promise<void> {
  if (!observesPerObject(ctx)) (await inventory(ctx)).upsert(item);
}

/** Drops a deleted object from the inventory (bulk observation only). */
export async function forgetIn<T>(ctx: AdapterContext, inventory: InventoryOf<T>, externalId: string): Promise<void> {
  if (!observesPerObject(ctx)) (await inventory(ctx)).remove(normalizeKasmId(externalId));
}

/** A read that answers "not found" as undefined (the object is absent); other errors pass. */
export async function absentWhenNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof KasmNotFoundError) return undefined;
    throw err;
  }
}

/**
 * One record of the shared inventory `name` by Kasm id or natural key (listed now with `refresh`),
 * recording the dependency so that its change requeues the caller; in per-object observation
 * `readOne` asks Kasm instead.
 */
export async function findIn<T>(
  ctx: AdapterContext,
  name: string,
  inventory: InventoryOf<T>,
  by: { id: string } | { key: string },
  readOne: () => Promise<T | undefined>,
  refresh = false,
): Promise<T | undefined> {
  ctx.deps.dependOnKasm(name, 'id' in by ? by.id : by.key);
  if (observesPerObject(ctx)) return readOne();
  const inv = await inventory(ctx, refresh);
  return 'id' in by ? inv.get(by.id) : inv.findByNaturalKey(by.key);
}

/** `found`, or a wait (ReferenceNotReady) until Kasm has the `what` (`Kasm group`) named `key`. */
export function requireInKasm<T>(found: T | undefined, what: string, key: string): T {
  if (found === undefined) throw new ReferenceNotReadyError(what, key, 'does not exist in Kasm');
  return found;
}

const background = (ctx: AdapterContext): { priority: 'background'; signal: AbortSignal } => ({ priority: 'background', signal: ctx.signal });

export const usersInventory = inventoryOf<KasmUserRecord>(USERS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.users.listRecords({ priority: 'background' }),
  id: (u) => u.userId,
  naturalKeys: (u) => [u.username.toLowerCase()],
  // The kept fields by name, so that a listed record and a write's full reply compare equal (see
  // InventorySource.fingerprint). last_session moves whenever the user works; nothing compares it.
  fingerprint: (u) =>
    digestOf([u.userId, u.username, u.realm, u.firstName, u.lastName, u.phone, u.organization, u.locked, u.disabled, u.groups.map((g) => [g.groupId, g.name])]),
  keep: userRecordKeeper(),
}));

export const groupsInventory = inventoryOf<KasmGroup>(GROUPS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.groups.list({ priority: 'background' }),
  id: (g) => g.groupId,
  naturalKeys: (g) => [g.name],
  fingerprint: digestOf,
}));

/** Every image (get_images), keyed by the Docker image name; several images may share a name. */
export const imagesInventory = inventoryOf<KasmImage>(IMAGES_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.images.list({ priority: 'background' }),
  id: (i) => i.imageId,
  naturalKeys: (i) => [i.name],
  fingerprint: digestOf,
}));

/** Every deployment zone (get_zones), keyed by name: KasmZone observes them, KasmStagingConfig resolves zoneName from them. */
export const ZONES_INVENTORY = 'zones';
export const zonesInventory = inventoryOf<KasmZone>(ZONES_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.zones.list({}, { priority: 'background' }),
  id: (z) => z.zoneId,
  naturalKeys: (z) => [z.zoneName],
}));

/** Per-object observation: one get_user call, by id or else by username. */
export function readUserPerObject(ctx: AdapterContext, by: { userId: string } | { username: string }): Promise<KasmUser | undefined> {
  return absentWhenNotFound('userId' in by ? ctx.kasm.users.get(by.userId, background(ctx)) : ctx.kasm.users.getByUsername(by.username, background(ctx)));
}

/** Per-object observation: one get_groups call (Kasm has no single-group read), by id or else by name. */
function readGroupPerObject(ctx: AdapterContext, by: { groupId: string } | { name: string }): Promise<KasmGroup | undefined> {
  return absentWhenNotFound('groupId' in by ? ctx.kasm.groups.get(by.groupId, background(ctx)) : ctx.kasm.groups.getByName(by.name, background(ctx)));
}

/** A Kasm user by id or username (one get_user in per-object observation). */
export function findUser(ctx: AdapterContext, by: { userId: string } | { username: string }, refresh = false): Promise<KasmUserRecord | undefined> {
  const key = 'userId' in by ? { id: by.userId } : { key: by.username.toLowerCase() };
  return findIn(ctx, USERS_INVENTORY, usersInventory, key, () => readUserPerObject(ctx, by), refresh);
}

/** A Kasm group by id or name (one get_groups in per-object observation). */
export function findGroup(ctx: AdapterContext, by: { groupId: string } | { name: string }, refresh = false): Promise<KasmGroup | undefined> {
  const key = 'groupId' in by ? { id: by.groupId } : { key: by.name };
  return findIn(ctx, GROUPS_INVENTORY, groupsInventory, key, () => readGroupPerObject(ctx, by), refresh);
}

/** A Kasm image by id (Kasm has no single-image read: one get_images in per-object observation). */
export function findImage(ctx: AdapterContext, imageId: string): Promise<KasmImage | undefined> {
  return findIn(ctx, IMAGES_INVENTORY, imagesInventory, { id: imageId }, async () => (await ctx.kasm.images.list(background(ctx))).find((i) => i.imageId === imageId));
}
