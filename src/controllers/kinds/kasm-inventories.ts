import { createHash } from 'node:crypto';
import type { KasmGroup } from '../../kasm/areas/groups.js';
import type { KasmImage } from '../../kasm/areas/images.js';
import type { KasmUser } from '../../kasm/areas/users.js';
import type { KasmZone } from '../../kasm/areas/zones.js';
import { KasmNotFoundError } from '../../kasm/errors.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import { Inventory, type InventorySource } from '../inventory.js';
import type { AdapterContext } from '../managed-kind.js';

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
export const digestOf = (value: unknown): string => createHash('sha1').update(JSON.stringify(value)).digest('base64');

/** The connection's shared inventory `name`, fresh within one poll interval (or listed now with `refresh`). */
export async function sharedInventory<T>(ctx: AdapterContext, name: string, source: () => InventorySource<T>, refresh: boolean): Promise<Inventory<T>> {
  const inv = ctx.inventories.get(name, () => new Inventory<T>(source(), { maxAgeMs: ctx.pollIntervalMs }));
  if (refresh) await inv.refresh();
  else await inv.ensureFresh(ctx.pollIntervalMs);
  return inv;
}

/** How the kinds get a shared inventory: fresh within one poll interval, or listed now with `refresh`. */
export type InventoryOf<T> = (ctx: AdapterContext, refresh?: boolean) => Promise<Inventory<T>>;

/** The getter of the shared inventory `name`, listed by `source` (built once per connection, from the first caller's context). */
export function inventoryOf<T>(name: string, source: (ctx: AdapterContext) => InventorySource<T>): InventoryOf<T> {
  return (ctx, refresh = false) => sharedInventory<T>(ctx, name, () => source(ctx), refresh);
}

/** Records a write's reply in the inventory (bulk observation only), so the next look needs no list. */
export async function rememberIn<T>(ctx: AdapterContext, inventory: InventoryOf<T>, item: T): Promise<void> {
  if (!observesPerObject(ctx)) (await inventory(ctx)).upsert(item);
}

/** Drops a deleted object from the inventory (bulk observation only). */
export async function forgetIn<T>(ctx: AdapterContext, inventory: InventoryOf<T>, externalId: string): Promise<void> {
  if (!observesPerObject(ctx)) (await inventory(ctx)).remove(normalizeKasmId(externalId));
}

export function usersInventory(ctx: AdapterContext, refresh = false): Promise<Inventory<KasmUser>> {
  return sharedInventory<KasmUser>(
    ctx,
    USERS_INVENTORY,
    () => ({
      list: () => ctx.kasm.users.list({ priority: 'background' }),
      id: (u) => u.userId,
      naturalKeys: (u) => [u.username.toLowerCase()],
      // last_session moves whenever the user works; it is not something the operator compares.
      fingerprint: (u) => digestOf({ ...u, lastSession: undefined, kasms: undefined }),
    }),
    refresh,
  );
}

export function groupsInventory(ctx: AdapterContext, refresh = false): Promise<Inventory<KasmGroup>> {
  return sharedInventory<KasmGroup>(
    ctx,
    GROUPS_INVENTORY,
    () => ({ list: () => ctx.kasm.groups.list({ priority: 'background' }), id: (g) => g.groupId, naturalKeys: (g) => [g.name], fingerprint: digestOf }),
    refresh,
  );
}

/** In `per-object` observation the inventories are neither read nor kept: each object reads Kasm itself. */
export const observesPerObject = (ctx: AdapterContext): boolean => ctx.observation === 'per-object';

/** A read that answers "not found" as undefined (the object is absent); other errors pass. */
export async function absentWhenNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof KasmNotFoundError) return undefined;
    throw err;
  }
}

/** Per-object observation: one get_user call, by id or else by username. */
export function readUserPerObject(ctx: AdapterContext, by: { userId: string } | { username: string }): Promise<KasmUser | undefined> {
  const options = { priority: 'background' as const, signal: ctx.signal };
  return absentWhenNotFound('userId' in by ? ctx.kasm.users.get(by.userId, options) : ctx.kasm.users.getByUsername(by.username, options));
}

/** Per-object observation: one get_groups call (Kasm has no single-group read), by id or else by name. */
export function readGroupPerObject(ctx: AdapterContext, by: { groupId: string } | { name: string }): Promise<KasmGroup | undefined> {
  const options = { priority: 'background' as const, signal: ctx.signal };
  return absentWhenNotFound('groupId' in by ? ctx.kasm.groups.get(by.groupId, options) : ctx.kasm.groups.getByName(by.name, options));
}

/** Records a write's reply in the users inventory (bulk observation only). */
export async function rememberUser(ctx: AdapterContext, user: KasmUser): Promise<void> {
  if (!observesPerObject(ctx)) (await usersInventory(ctx)).upsert(user);
}

export async function forgetUser(ctx: AdapterContext, userId: string): Promise<void> {
  if (!observesPerObject(ctx)) (await usersInventory(ctx)).remove(userId);
}

export async function rememberGroup(ctx: AdapterContext, group: KasmGroup): Promise<void> {
  if (!observesPerObject(ctx)) (await groupsInventory(ctx)).upsert(group);
}

export async function forgetGroup(ctx: AdapterContext, groupId: string): Promise<void> {
  if (!observesPerObject(ctx)) (await groupsInventory(ctx)).remove(groupId);
}

/** Every image (get_images), keyed by the Docker image name; several images may share a name. */
export function imagesInventory(ctx: AdapterContext, refresh = false): Promise<Inventory<KasmImage>> {
  return sharedInventory<KasmImage>(
    ctx,
    IMAGES_INVENTORY,
    () => ({ list: () => ctx.kasm.images.list({ priority: 'background' }), id: (i) => i.imageId, naturalKeys: (i) => [i.name], fingerprint: digestOf }),
    refresh,
  );
}

/** Every deployment zone (get_zones), keyed by name: KasmZone observes them, KasmStagingConfig resolves zoneName from them. */
export const ZONES_INVENTORY = 'zones';
export const zonesInventory = inventoryOf<KasmZone>(ZONES_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.zones.list({}, { priority: 'background' }),
  id: (z) => z.zoneId,
  naturalKeys: (z) => [z.zoneName],
}));
