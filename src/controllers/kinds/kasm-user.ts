import { kasmUserSpec, type KasmUserAttributes, type KasmUserSpec } from '../../api/kasm-user.js';
import type { KasmUserAttributes as KasmAttributes } from '../../kasm/areas/users.js';
import { KasmBusinessError } from '../../kasm/errors.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { PerObjectReads } from '../per-object-reads.js';
import { DeleteBlockedError } from '../reconcile-errors.js';
import { resolveManagedRef } from '../reference-resolver.js';
import {
  USERS_INVENTORY,
  findGroup,
  findUser,
  forgetIn,
  groupsInventory,
  observesPerObject,
  rememberIn,
  requireInKasm,
  usersInventory,
} from './kasm-inventories.js';
import type { KasmUserRecord } from './kasm-user-record.js';

/** User attributes have no list endpoint: they are read per user, at this multiple of the poll interval. */
const ATTRIBUTES_POLL_FACTOR = 5;

interface UserResolved {
  spec: KasmUserSpec;
  /** The password and the Secret version it came from; the value never leaves this object. */
  password?: { value: string; version: string };
  /** Kasm ids of the groups spec.groups names. */
  groupIds: string[];
  /** Groups added because of an earlier spec, for removing the ones dropped since. */
  previouslyApplied: string[];
}

interface UserObserved {
  user: KasmUserRecord;
  attributes?: KasmAttributes;
}

const PROFILE_FIELDS = ['firstName', 'lastName', 'phone', 'organization', 'locked', 'disabled'] as const;

/** Spec attribute name → the field the Kasm client reports it under. */
const ATTRIBUTE_FIELDS: Record<keyof KasmUserAttributes, keyof KasmAttributes> = {
  sshPublicKey: 'sshPublicKey',
  showTips: 'showTips',
  theme: 'theme',
  preferredLanguage: 'preferredLanguage',
  preferredTimezone: 'preferredTimezone',
  toggleControlPanel: 'toggleControlPanel',
  chatSfx: 'chatSfx',
  defaultImageId: 'defaultImage',
  autoLoginKasm: 'autoLoginKasm',
};

const attributesReads = new PerObjectReads<KasmAttributes>(
  (kasm, userId, signal) => kasm.users.getAttributes(userId, { priority: 'background', signal }),
  ATTRIBUTES_POLL_FACTOR,
);

const managesAttributes = (spec: KasmUserSpec): boolean => Object.values(spec.attributes ?? {}).some((v: unknown) => v !== undefined);

async function observeUser(ctx: AdapterContext, spec: KasmUserSpec, user: KasmUserRecord, forceAttributes = false): Promise<Observation<UserObserved>> {
  ctx.deps.dependOnKasm(USERS_INVENTORY, user.userId);
  const observed: UserObserved = { user };
  if (managesAttributes(spec)) observed.attributes = await attributesReads.get(ctx, user.userId, forceAttributes);
  return { observed, externalId: user.userId };
}

const show = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined ? '' : String(v));

function groupChanges(resolved: UserResolved, user: KasmUserRecord): { add: string[]; remove: string[] } {
  const member = new Set(user.groups.map((g) => g.groupId));
  const wanted = new Set(resolved.groupIds);
  return {
    add: resolved.groupIds.filter((id) => !member.has(id)),
    remove: resolved.previouslyApplied.filter((id) => !wanted.has(id) && member.has(id)),
  };
}

async function applyGroups(ctx: AdapterContext, resolved: UserResolved, user: KasmUserRecord): Promise<KasmUserRecord> {
  const { add, remove } = groupChanges(resolved, user);
  if (add.length === 0 && remove.length === 0) return user;
  for (const id of add) await ctx.kasm.users.addToGroup(user.userId, id, { signal: ctx.signal });
  for (const id of remove) await ctx.kasm.users.removeFromGroup(user.userId, id, { signal: ctx.signal });
  // The membership calls return nothing: record the result locally instead of reading the user again.
  const groups = observesPerObject(ctx) ? undefined : await groupsInventory(ctx);
  const removed = new Set(remove);
  const updated: KasmUserRecord = {
    ...user,
    groups: [
      ...user.groups.filter((g) => !removed.has(g.groupId)),
      ...add.map((groupId) => ({ groupId, name: groups?.get(groupId)?.name ?? null })),
    ],
  };
  await rememberIn(ctx, usersInventory, updated);
  return updated;
}

async function applyAttributes(ctx: AdapterContext, spec: KasmUserSpec, userId: string, current: KasmAttributes | undefined): Promise<void> {
  if (!managesAttributes(spec)) return;
  const changes: Record<string, unknown> = {};
  for (const [specKey, kasmKey] of Object.entries(ATTRIBUTE_FIELDS) as [keyof KasmUserAttributes, keyof KasmAttributes][]) {
    const wanted = spec.attributes?.[specKey];
    if (wanted === undefined) continue;
    if (current && current[kasmKey] === wanted) continue;
    changes[specKey === 'defaultImageId' ? 'defaultImage' : specKey] = wanted;
  }
  if (Object.keys(changes).length === 0) return;
  await ctx.kasm.users.updateAttributes(userId, changes, { signal: ctx.signal });
}

export const kasmUserAdapter: ManagedKindAdapter<KasmUserSpec, UserResolved, UserObserved> = {
  kind: 'KasmUser',
  specSchema: kasmUserSpec,

  async resolve(spec, ctx, obj) {
    const resolved: UserResolved = {
      spec,
      groupIds: [],
      previouslyApplied: Array.isArray(obj.status?.appliedGroupIds) ? (obj.status.appliedGroupIds as string[]) : [],
    };
    if (spec.passwordSecretRef) {
      const { name, key } = spec.passwordSecretRef;
      ctx.deps.dependOnSecret(ctx.namespace, name);
      resolved.password = { value: ctx.cluster.readSecretKey(ctx.namespace, name, key), version: ctx.cluster.secretVersion(ctx.namespace, name) ?? '' };
    }
    for (const entry of spec.groups ?? []) {
      if (entry.groupRef) resolved.groupIds.push(resolveManagedRef(ctx, 'KasmGroup', entry.groupRef.name));
      else if (entry.groupId) resolved.groupIds.push(normalizeKasmId(entry.groupId));
      else if (entry.name !== undefined) resolved.groupIds.push(requireInKasm(await findGroup(ctx, { name: entry.name }), 'Kasm group', entry.name).groupId);
    }
    return resolved;
  },

  naturalKey: (resolved) => resolved.spec.username.toLowerCase(),

  async observe(ctx, { externalId, naturalKey, byNaturalKey, resolved, refresh }) {
    ctx.deps.dependOnKasm(USERS_INVENTORY, naturalKey);
    const by = externalId !== undefined ? { userId: externalId } : byNaturalKey ? { username: resolved.spec.username } : undefined;
    const user = by && (await findUser(ctx, by, refresh));
    return user ? observeUser(ctx, resolved.spec, user) : undefined;
  },

  async create(ctx, resolved) {
    const { spec } = resolved;
    let user: KasmUserRecord = await ctx.kasm.users.create(
      {
        username: spec.username,
        ...Object.fromEntries(PROFILE_FIELDS.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]])),
        ...(resolved.password ? { password: resolved.password.value } : {}),
      },
      { signal: ctx.signal },
    );
    await rememberIn(ctx, usersInventory, user);
    user = await applyGroups(ctx, resolved, user);
    await applyAttributes(ctx, spec, user.userId, undefined);
    return observeUser(ctx, spec, user, true);
  },

  async update(ctx, current, resolved, diff) {
    const { spec } = resolved;
    const fields = new Set(diff.map((d) => d.field));
    let user = current.observed.user;
    const changes: Record<string, unknown> = {};
    for (const f of PROFILE_FIELDS) if (fields.has(f)) changes[f] = spec[f];
    if (fields.has('password') && resolved.password) changes.password = resolved.password.value;
    if (Object.keys(changes).length > 0) {
      user = await ctx.kasm.users.update(user.userId, changes, { signal: ctx.signal });
      await rememberIn(ctx, usersInventory, user);
    }
    if (fields.has('groups')) user = await applyGroups(ctx, resolved, user);
    const attributesChanged = [...fields].some((f) => f.startsWith('attributes.'));
    if (attributesChanged) await applyAttributes(ctx, spec, user.userId, current.observed.attributes);
    return observeUser(ctx, spec, user, attributesChanged);
  },

  async delete(ctx, current, _resolved, spec) {
    try {
      await ctx.kasm.users.delete(current.externalId, { force: spec?.forceDelete ?? false, signal: ctx.signal });
    } catch (err) {
      if (err instanceof KasmBusinessError && /active sessions/i.test(err.kasmMessage)) {
        throw new DeleteBlockedError('Kasm refuses to delete the user while it has running sessions; set spec.forceDelete: true to end them, or end the sessions');
      }
      throw err;
    }
    await forgetIn(ctx, usersInventory, current.externalId);
  },

  diff(resolved, { user, attributes }, status) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    for (const f of PROFILE_FIELDS) {
      const wanted = spec[f];
      if (wanted === undefined) continue;
      const have = user[f];
      if ((have ?? (typeof wanted === 'boolean' ? false : '')) !== wanted) diff.push({ field: f, desired: show(wanted), observed: show(have) });
    }
    // The password cannot be read back: it is set again whenever its Secret changes.
    if (resolved.password && status?.passwordSecretVersion !== resolved.password.version) diff.push({ field: 'password', fromInput: true });
    for (const [specKey, kasmKey] of Object.entries(ATTRIBUTE_FIELDS) as [keyof KasmUserAttributes, keyof KasmAttributes][]) {
      const wanted = spec.attributes?.[specKey];
      if (wanted === undefined || !attributes) continue;
      if (attributes[kasmKey] !== wanted) diff.push({ field: `attributes.${specKey}`, desired: show(wanted), observed: show(attributes[kasmKey]) });
    }
    const { add, remove } = groupChanges(resolved, user);
    if (add.length > 0 || remove.length > 0) {
      diff.push({ field: 'groups', desired: `add ${add.join(',') || '-'}; remove ${remove.join(',') || '-'}`, observed: user.groups.map((g) => g.name ?? g.groupId).join(',') });
    }
    return diff;
  },

  atProvider({ user, attributes }) {
    return {
      userId: user.userId,
      username: user.username,
      ...(user.realm !== null ? { realm: user.realm } : {}),
      firstName: user.firstName,
      lastName: user.lastName,
      phone: user.phone,
      organization: user.organization,
      ...(user.locked !== null ? { locked: user.locked } : {}),
      ...(user.disabled !== null ? { disabled: user.disabled } : {}),
      lastSession: user.lastSession ? user.lastSession.toISOString() : null,
      groups: user.groups.map((g) => ({ groupId: g.groupId, name: g.name ?? '' })),
      ...(attributes
        ? {
            attributes: Object.fromEntries(
              (Object.entries(ATTRIBUTE_FIELDS) as [keyof KasmUserAttributes, keyof KasmAttributes][]).map(([specKey, kasmKey]) => [specKey, attributes[kasmKey] ?? null]),
            ),
          }
        : {}),
    };
  },

  extraStatus(resolved) {
    return {
      ...(resolved.password ? { passwordSecretVersion: resolved.password.version } : {}),
      appliedGroupIds: resolved.groupIds,
    };
  },
};
