import { kasmGroupMembershipSpec, type KasmGroupMembershipSpec } from '../../api/kasm-group-membership.js';
import type { KasmUserRecord } from './kasm-user-record.js';
import { KasmNotFoundError } from '../../kasm/errors.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { managedRefOrWaiting, resolveEach, resolveManagedRef } from '../reference-resolver.js';
import { USERS_INVENTORY, findGroup, findUser, observesPerObject, readUserPerObject, requireInKasm, usersInventory } from './kasm-inventories.js';

interface MembershipResolved {
  spec: KasmGroupMembershipSpec;
  groupId: string;
  groupName: string | undefined;
  /** Kasm ids of the listed users, in spec order. */
  userIds: string[];
  /** Users added because of an earlier spec, for removing the ones dropped since. */
  previouslyApplied: string[];
}

interface MembershipObserved {
  groupId: string;
  groupName: string | undefined;
  /** The listed users' ids. */
  wanted: readonly string[];
  /** Listed (or previously applied) users and whether each is a member now. */
  members: Map<string, { user: KasmUserRecord | undefined; member: boolean }>;
}

type UserLookup = (userId: string) => KasmUserRecord | undefined;

const memberIds = (resolved: MembershipResolved): Set<string> => new Set([...resolved.userIds, ...resolved.previouslyApplied]);

/** The listed users as Kasm reports them: from the users inventory, or in per-object observation one get_user each. */
async function readMembers(ctx: AdapterContext, resolved: MembershipResolved, refresh = false): Promise<UserLookup> {
  if (!observesPerObject(ctx)) {
    const inv = await usersInventory(ctx, refresh);
    return (id) => inv.get(id);
  }
  const users = new Map<string, KasmUserRecord | undefined>();
  for (const id of memberIds(resolved)) users.set(id, await readUserPerObject(ctx, { userId: id }));
  return (id) => users.get(id);
}

function observeMembers(ctx: AdapterContext, users: UserLookup, resolved: MembershipResolved): MembershipObserved {
  const members = new Map<string, { user: KasmUserRecord | undefined; member: boolean }>();
  for (const id of memberIds(resolved)) {
    ctx.deps.dependOnKasm(USERS_INVENTORY, id);
    const user = users(id);
    members.set(id, { user, member: user?.groups.some((g) => g.groupId === resolved.groupId) ?? false });
  }
  return { groupId: resolved.groupId, groupName: resolved.groupName, wanted: resolved.userIds, members };
}

function changes(resolved: MembershipResolved, observed: MembershipObserved): { add: string[]; remove: string[] } {
  const wanted = new Set(resolved.userIds);
  return {
    add: resolved.userIds.filter((id) => !observed.members.get(id)?.member),
    remove: resolved.previouslyApplied.filter((id) => !wanted.has(id) && observed.members.get(id)?.member === true),
  };
}

/** Applies adds and removes, and records them in the users inventory (the calls return nothing to read). */
async function applyMembership(ctx: AdapterContext, resolved: MembershipResolved, add: readonly string[], remove: readonly string[]): Promise<void> {
  const users = observesPerObject(ctx) ? undefined : await usersInventory(ctx);
  for (const id of add) {
    await ctx.kasm.users.addToGroup(id, resolved.groupId, { signal: ctx.signal });
    const user = users?.get(id);
    if (user) users?.upsert({ ...user, groups: [...user.groups, { groupId: resolved.groupId, name: resolved.groupName ?? null }] });
  }
  for (const id of remove) {
    try {
      await ctx.kasm.users.removeFromGroup(id, resolved.groupId, { signal: ctx.signal });
    } catch (err) {
      if (!(err instanceof KasmNotFoundError)) throw err;
    }
    const user = users?.get(id);
    if (user) users?.upsert({ ...user, groups: user.groups.filter((g) => g.groupId !== resolved.groupId) });
  }
}

async function observation(ctx: AdapterContext, resolved: MembershipResolved, refresh = false): Promise<Observation<MembershipObserved>> {
  return { observed: observeMembers(ctx, await readMembers(ctx, resolved, refresh), resolved), externalId: resolved.groupId };
}

/**
 * KasmGroupMembership has no Kasm object of its own: its "external object" is the set of listed
 * memberships in one group, identified by the group id. Existing memberships are simply adopted.
 */
export const kasmGroupMembershipAdapter: ManagedKindAdapter<KasmGroupMembershipSpec, MembershipResolved, MembershipObserved> = {
  kind: 'KasmGroupMembership',
  specSchema: kasmGroupMembershipSpec,
  adoptsExisting: true,

  async resolve(spec, ctx, obj) {
    let groupId: string;
    if (spec.groupRef) groupId = resolveManagedRef(ctx, 'KasmGroup', spec.groupRef.name);
    else if (spec.groupId) groupId = normalizeKasmId(spec.groupId);
    else {
      const name = spec.groupName ?? '';
      groupId = requireInKasm(await findGroup(ctx, { name }), 'Kasm group', name).groupId;
    }
    const group = requireInKasm(await findGroup(ctx, { groupId }), 'Kasm group', groupId);

    // Users applied together with the membership become Ready one by one: the wait is reported
    // once for spec.users, not rewritten for each user that becomes Ready.
    const userIds = await resolveEach(
      'spec.users',
      spec.users,
      (entry) => entry.userRef?.name ?? entry.username ?? entry.userId ?? '',
      async (entry) => {
        if (entry.userRef) return managedRefOrWaiting(ctx, 'KasmUser', entry.userRef.name);
        if (entry.userId) return normalizeKasmId(entry.userId);
        const user = await findUser(ctx, { username: (entry.username ?? '').toLowerCase() });
        return user ? user.userId : { waiting: `Kasm user "${entry.username ?? ''}" does not exist in Kasm` };
      },
    );
    const previouslyApplied = Array.isArray(obj.status?.appliedUserIds) ? (obj.status.appliedUserIds as string[]) : [];
    return { spec, groupId, groupName: group.name, userIds, previouslyApplied };
  },

  naturalKey: (resolved) => resolved.groupId,

  async observe(ctx, { externalId, resolved, refresh }) {
    const current = await observation(ctx, resolved, refresh);
    // Before the first apply, a membership set with none of its members in place is "not created yet".
    if (externalId === undefined && ![...current.observed.members.values()].some((m) => m.member)) return undefined;
    return current;
  },

  async create(ctx, resolved) {
    const current = await observation(ctx, resolved);
    const { add } = changes(resolved, current.observed);
    await applyMembership(ctx, resolved, add, []);
    return observation(ctx, resolved);
  },

  async update(ctx, current, resolved) {
    const { add, remove } = changes(resolved, current.observed);
    await applyMembership(ctx, resolved, add, remove);
    return observation(ctx, resolved);
  },

  async delete(ctx, current, resolved) {
    // Without its references (everything deleted together) the set cannot be named: nothing is removed.
    if (!resolved || current.observed === undefined) return;
    const toRemove = [...current.observed.members].filter(([, m]) => m.member).map(([id]) => id);
    await applyMembership(ctx, resolved, [], toRemove);
  },

  diff(resolved, observed) {
    const { add, remove } = changes(resolved, observed);
    if (add.length === 0 && remove.length === 0) return [];
    return [{ field: 'users', desired: `add ${add.join(',') || '-'}; remove ${remove.join(',') || '-'}` }];
  },

  atProvider(observed) {
    const present: { userId: string; username?: string }[] = [];
    const missing: { userId?: string; username?: string }[] = [];
    for (const userId of observed.wanted) {
      const m = observed.members.get(userId);
      const entry = { userId, ...(m?.user ? { username: m.user.username } : {}) };
      (m?.member ? present : missing).push(entry);
    }
    return { groupId: observed.groupId, ...(observed.groupName !== undefined ? { groupName: observed.groupName } : {}), present, missing };
  },

  extraStatus(resolved, observed) {
    const wanted = new Set(resolved.userIds);
    const present = [...observed.members].filter(([id, m]) => wanted.has(id) && m.member).length;
    return { membersDesired: resolved.userIds.length, membersPresent: present, appliedUserIds: resolved.userIds };
  },
};
