import { kasmSessionPermissionSpec, type KasmSessionPermissionSpec, type SessionAccessSpec } from '../../api/kasm-session-permission.js';
import type { KasmSessionPermission, SessionAccess } from '../../kasm/areas/session-permissions.js';
import { KasmNotFoundError } from '../../kasm/errors.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { PerObjectReads } from '../per-object-reads.js';
import { InvalidSpecError, ReferenceNotReadyError } from '../reconcile-errors.js';
import { resolveEach } from '../reference-resolver.js';
import { requireKasmUser, requireRunningSession, resolveSessionRef } from './session-targets.js';

/** Kasm lists permissions per session only: each object reads its session's, at this multiple of the poll interval. */
const PERMISSIONS_POLL_FACTOR = 3;

interface UserAccess {
  userId: string;
  /** How the spec names the user, for drift reports. */
  label: string;
  access: SessionAccess;
}

interface PermissionResolved {
  kasmId: string;
  global: SessionAccess | undefined;
  users: UserAccess[];
  /** Users an earlier spec gave access to, to take it back from the ones dropped since. */
  previouslyApplied: string[];
  /** The session differs from the one last recorded (a KasmSession that Kasm ended and the operator started again). */
  newSession: boolean;
}

interface PermissionObserved {
  kasmId: string;
  permissions: KasmSessionPermission[];
}

const toKasm = (access: SessionAccessSpec): SessionAccess => (access === 'frozen' ? '' : access);
const show = (access: string | undefined): string => (access === undefined ? '(none)' : access === '' ? 'frozen' : access);

const permissionReads = new PerObjectReads<KasmSessionPermission[]>(
  (kasm, kasmId, signal) => kasm.sessionPermissions.get(kasmId, { priority: 'background', signal }),
  PERMISSIONS_POLL_FACTOR,
);

async function readPermissions(ctx: AdapterContext, kasmId: string, force: boolean): Promise<Observation<PermissionObserved> | undefined> {
  try {
    const permissions = await permissionReads.get(ctx, kasmId, force);
    return { observed: { kasmId, permissions }, externalId: kasmId };
  } catch (err) {
    if (err instanceof KasmNotFoundError) return undefined;
    throw err;
  }
}

/** Users listed on the session that the spec gave access to before and no longer names. */
function dropped(resolved: PermissionResolved, permissions: readonly KasmSessionPermission[]): string[] {
  const wanted = new Set(resolved.users.map((u) => u.userId));
  const listed = new Set(permissions.map((p) => p.userId));
  return resolved.previouslyApplied.filter((id) => !wanted.has(id) && listed.has(id));
}

/** Listed users the global access applies to (neither named in the spec nor about to lose their access). */
function othersDiffering(resolved: PermissionResolved, permissions: readonly KasmSessionPermission[]): KasmSessionPermission[] {
  if (resolved.global === undefined) return [];
  const excluded = new Set([...resolved.users.map((u) => u.userId), ...dropped(resolved, permissions)]);
  return permissions.filter((p) => !excluded.has(p.userId) && p.access !== resolved.global);
}

/**
 * KasmSessionPermission owns the permissions of one session: the listed users' access, and the
 * global access of everyone else listed. Its Kasm identity is the session's kasm id; an existing
 * permission set is adopted (it has no identity of its own).
 */
export const kasmSessionPermissionAdapter: ManagedKindAdapter<KasmSessionPermissionSpec, PermissionResolved, PermissionObserved> = {
  kind: 'KasmSessionPermission',
  specSchema: kasmSessionPermissionSpec,
  adoptsExisting: true,

  async resolve(spec, ctx, obj) {
    const kasmId = spec.sessionRef ? resolveSessionRef(ctx, spec.sessionRef.name).kasmId : normalizeKasmId(spec.kasmId ?? '');
    await requireRunningSession(ctx, { kasmId });
    const entries = spec.users ?? [];
    const kasmUsers = await resolveEach('spec.users', entries, (e) => e.userRef?.name ?? e.userId ?? '', (e) => requireKasmUser(ctx, e));
    const users: UserAccess[] = [];
    for (const [i, user] of kasmUsers.entries()) {
      const entry = entries[i];
      if (!entry) continue;
      if (users.some((u) => u.userId === user.userId)) {
        throw new InvalidSpecError(`spec.users[${i}] names Kasm user ${user.username} (${user.userId}) a second time; list each user once`);
      }
      users.push({ userId: user.userId, label: entry.userRef ? entry.userRef.name : user.username, access: toKasm(entry.access) });
    }
    const recorded = typeof obj.status?.externalId === 'string' ? obj.status.externalId : undefined;
    return {
      kasmId,
      global: spec.globalAccess === undefined ? undefined : toKasm(spec.globalAccess),
      users,
      previouslyApplied: Array.isArray(obj.status?.appliedUserIds) ? (obj.status.appliedUserIds as string[]) : [],
      newSession: recorded !== undefined && recorded !== kasmId,
    };
  },

  naturalKey: (resolved) => resolved.kasmId,

  observe(ctx, { resolved, refresh }) {
    return readPermissions(ctx, resolved.kasmId, refresh ?? false);
  },

  create(_ctx, resolved) {
    // Observation found no session although Kasm lists it as running: it ended meanwhile.
    return Promise.reject(new ReferenceNotReadyError('Kasm session', resolved.kasmId, 'no longer exists in Kasm'));
  },

  async update(ctx, current, resolved, diff) {
    const options = { signal: ctx.signal };
    const removing = dropped(resolved, current.observed.permissions);
    // Kasm cannot take one user's access back: clear the session's list and set the spec again.
    if (removing.length > 0) await ctx.kasm.sessionPermissions.deleteAll(resolved.kasmId, options);
    const globalDiffers = diff.some((d) => d.field === 'globalAccess');
    if (resolved.global !== undefined && globalDiffers && removing.length === 0) {
      await ctx.kasm.sessionPermissions.setForAll(resolved.kasmId, resolved.global, options);
    }
    // The global access also reaches the named users, so they are set after it.
    if (resolved.users.length > 0) {
      await ctx.kasm.sessionPermissions.set(resolved.kasmId, resolved.users.map((u) => ({ userId: u.userId, access: u.access })), options);
    }
    return (await readPermissions(ctx, resolved.kasmId, true)) ?? current;
  },

  async delete(ctx, current, resolved) {
    await ctx.kasm.sessionPermissions.deleteAll(resolved?.kasmId ?? current.externalId, { signal: ctx.signal });
  },

  diff(resolved, { permissions }) {
    const byUser = new Map(permissions.map((p) => [p.userId, p.access]));
    // A new session starts without the permissions: setting them there is no drift.
    const fromInput = resolved.newSession ? { fromInput: true } : {};
    const diffs: FieldDiff[] = [];
    for (const u of resolved.users) {
      const observed = byUser.get(u.userId);
      if (observed !== u.access) diffs.push({ field: `users[${u.label}].access`, desired: show(u.access), observed: show(observed), ...fromInput });
    }
    for (const id of dropped(resolved, permissions)) diffs.push({ field: `users[${id}]`, desired: '(none)', observed: show(byUser.get(id)), ...fromInput });
    const others = othersDiffering(resolved, permissions);
    if (others.length > 0) {
      diffs.push({
        field: 'globalAccess',
        desired: show(resolved.global),
        observed: others.map((p) => `${p.username ?? p.userId}=${show(p.access)}`).join(', '),
        ...fromInput,
      });
    }
    return diffs;
  },

  atProvider({ kasmId, permissions }) {
    return { kasmId, permissions: permissions.map((p) => ({ userId: p.userId, username: p.username, access: show(p.access) })) };
  },

  extraStatus(resolved) {
    return { appliedUserIds: resolved.users.map((u) => u.userId) };
  },
};
