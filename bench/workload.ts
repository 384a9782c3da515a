/**
 * The objects a benchmark run applies: N KasmUsers with a password Secret each, N/20 KasmGroups and
 * one KasmGroupMembership per group listing its share of the users (every user in exactly one
 * membership, by userRef), so the membership entries add up to N.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export const API_VERSION = 'kasm.io/v1alpha1';
export const USERS_PER_GROUP = 20;

export interface Workload {
  users: number;
  groups: number;
  memberships: number;
  /** add_user_group calls the memberships need: one per listed user. */
  membershipEntries: number;
  secrets: KubernetesObject[];
  groupObjects: KubernetesObject[];
  userObjects: KubernetesObject[];
  membershipObjects: KubernetesObject[];
}

const pad = (i: number, width: number): string => String(i).padStart(width, '0');

export function buildWorkload(n: number, namespace: string): Workload {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--objects: each N must be a whole number >= 1, got ${n}`);
  const groups = Math.max(1, Math.round(n / USERS_PER_GROUP));
  const userName = (i: number): string => `u-${pad(i, 5)}`;
  const groupName = (g: number): string => `g-${pad(g, 4)}`;
  const members: string[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < n; i++) members[i % groups]?.push(userName(i));

  const secrets = Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${userName(i)}-password`, namespace },
    stringData: { password: `Bench-password-${i}-${namespace}` },
  }));
  const userObjects = Array.from({ length: n }, (_, i) => ({
    apiVersion: API_VERSION,
    kind: 'KasmUser',
    metadata: { name: userName(i), namespace },
    spec: { username: `bench-${userName(i)}`, firstName: 'Bench', lastName: `User ${i}`, passwordSecretRef: { name: `${userName(i)}-password`, key: 'password' } },
  }));
  const groupObjects = Array.from({ length: groups }, (_, g) => ({
    apiVersion: API_VERSION,
    kind: 'KasmGroup',
    metadata: { name: groupName(g), namespace },
    spec: { name: `bench-${groupName(g)}`, description: 'benchmark group' },
  }));
  const membershipObjects = members.map((names, g) => ({
    apiVersion: API_VERSION,
    kind: 'KasmGroupMembership',
    metadata: { name: `m-${pad(g, 4)}`, namespace },
    spec: { groupRef: { name: groupName(g) }, users: names.map((name) => ({ userRef: { name } })) },
  }));
  return { users: n, groups, memberships: groups, membershipEntries: n, secrets, groupObjects, userObjects, membershipObjects };
}

/** Kasm calls the objects strictly need: one create per user and group, one add_user_group per entry, one list per listed kind. */
export function floorCalls(w: Workload): number {
  const listsPerKind = 2; // get_users, get_groups
  return w.users + w.groups + w.membershipEntries + listsPerKind;
}

export const managedObjectCount = (w: Workload): number => w.users + w.groups + w.memberships;
