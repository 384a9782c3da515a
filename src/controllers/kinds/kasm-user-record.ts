import type { KasmUserGroup, KasmUserRecord } from '../../kasm/areas/users.js';

/**
 * What the users inventory keeps of a Kasm user: the fields some kind reads (KasmUser's diff and
 * status, memberships, logins, sessions), as get_users is read for it (kasmUserRecordSchema). A
 * user a write returned carries every field; the inventory keeps the same few. At 10,000 users
 * dropping the rest keeps the inventory about half as large.
 */
export type { KasmUserRecord };

/** Distinct group entries shared before the table starts over (groups are few; this only bounds churn). */
const MAX_SHARED_GROUPS = 4096;

/**
 * A function that copies a user to a KasmUserRecord. Every user lists its groups, and a reply holds
 * each entry as its own object and strings: the records of one inventory share one frozen entry
 * per group instead.
 */
export function userRecordKeeper(): (user: KasmUserRecord) => KasmUserRecord {
  const shared = new Map<string, Map<string | null, KasmUserGroup>>();
  let count = 0;
  const group = ({ groupId, name }: KasmUserGroup): KasmUserGroup => {
    let byName = shared.get(groupId);
    let entry = byName?.get(name);
    if (entry) return entry;
    if (count >= MAX_SHARED_GROUPS) {
      shared.clear();
      count = 0;
      byName = undefined;
    }
    if (!byName) shared.set(groupId, (byName = new Map<string | null, KasmUserGroup>()));
    entry = Object.freeze({ groupId, name });
    byName.set(name, entry);
    count += 1;
    return entry;
  };
  return (user) => ({
    userId: user.userId,
    username: user.username,
    realm: user.realm,
    firstName: user.firstName,
    lastName: user.lastName,
    phone: user.phone,
    organization: user.organization,
    locked: user.locked,
    disabled: user.disabled,
    lastSession: user.lastSession,
    groups: user.groups.map(group),
  });
}
