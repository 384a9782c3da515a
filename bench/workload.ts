/**
 * The objects a benchmark run applies, for N users: N KasmUsers with a password Secret each; N/20
 * KasmGroups and one KasmGroupMembership per group listing its share of the users (every user in
 * exactly one membership, by userRef, so the membership entries add up to N); N/100 KasmImages;
 * and one KasmGroupImage per group granting it one of the images (group g gets image g mod I).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { API_GROUP_VERSION } from '../src/api/group-version.js';
import type { BenchKind } from './kube-counts.js';

const USERS_PER_GROUP = 20;
const USERS_PER_IMAGE = 100;

export interface Workload {
  users: number;
  groups: number;
  memberships: number;
  /** add_user_group calls the memberships need: one per listed user. */
  membershipEntries: number;
  images: number;
  /** KasmGroupImages: one per group. */
  groupImages: number;
  /** Groups that have at least one grant (each needs one get_images_group to be observed). */
  groupsWithGrants: number;
  secrets: KubernetesObject[];
  groupObjects: KubernetesObject[];
  imageObjects: KubernetesObject[];
  userObjects: KubernetesObject[];
  membershipObjects: KubernetesObject[];
  groupImageObjects: KubernetesObject[];
}

const pad = (i: number, width: number): string => String(i).padStart(width, '0');

export function buildWorkload(n: number, namespace: string): Workload {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--objects: each N must be a whole number >= 1, got ${n}`);
  const groups = Math.max(1, Math.round(n / USERS_PER_GROUP));
  const images = Math.max(1, Math.round(n / USERS_PER_IMAGE));
  const userName = (i: number): string => `u-${pad(i, 5)}`;
  const groupName = (g: number): string => `g-${pad(g, 4)}`;
  const imageName = (i: number): string => `i-${pad(i, 4)}`;
  const members: string[][] = Array.from({ length: groups }, () => []);
  for (let i = 0; i < n; i++) members[i % groups]?.push(userName(i));

  const secrets = Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${userName(i)}-password`, namespace },
    stringData: { password: `Bench-password-${i}-${namespace}` },
  }));
  const userObjects = Array.from({ length: n }, (_, i) => ({
    apiVersion: API_GROUP_VERSION,
    kind: 'KasmUser',
    metadata: { name: userName(i), namespace },
    spec: { username: `bench-${userName(i)}`, firstName: 'Bench', lastName: `User ${i}`, passwordSecretRef: { name: `${userName(i)}-password`, key: 'password' } },
  }));
  const groupObjects = Array.from({ length: groups }, (_, g) => ({
    apiVersion: API_GROUP_VERSION,
    kind: 'KasmGroup',
    metadata: { name: groupName(g), namespace },
    spec: { name: `bench-${groupName(g)}`, description: 'benchmark group' },
  }));
  const imageObjects = Array.from({ length: images }, (_, i) => ({
    apiVersion: API_GROUP_VERSION,
    kind: 'KasmImage',
    metadata: { name: imageName(i), namespace },
    spec: { name: `bench/workspace-${pad(i, 4)}:1.0`, friendlyName: `Bench workspace ${i}`, cores: 1, memory: '1Gi', enabled: true },
  }));
  const membershipObjects = members.map((names, g) => ({
    apiVersion: API_GROUP_VERSION,
    kind: 'KasmGroupMembership',
    metadata: { name: `m-${pad(g, 4)}`, namespace },
    spec: { groupRef: { name: groupName(g) }, users: names.map((name) => ({ userRef: { name } })) },
  }));
  const groupImageObjects = Array.from({ length: groups }, (_, g) => ({
    apiVersion: API_GROUP_VERSION,
    kind: 'KasmGroupImage',
    metadata: { name: `gi-${pad(g, 4)}`, namespace },
    spec: { groupRef: { name: groupName(g) }, imageRef: { name: imageName(g % images) } },
  }));
  return {
    users: n,
    groups,
    memberships: groups,
    membershipEntries: n,
    images,
    groupImages: groups,
    groupsWithGrants: groups,
    secrets,
    groupObjects,
    imageObjects,
    userObjects,
    membershipObjects,
    groupImageObjects,
  };
}

/** The endpoints whose one call per poll interval serves every object of a kind. */
export const LIST_ENDPOINTS: ReadonlySet<string> = new Set(['get_users', 'get_groups', 'get_images']);

/**
 * Kasm calls the objects strictly need: one create per user, group and image; one add_user_group
 * per membership entry; one add_images_group per grant; one list per listed kind (get_users,
 * get_groups, get_images); and, since a group's grants have no list endpoint across groups, one
 * get_images_group per group with grants to observe them (whether the grant exists already).
 */
export function floorCalls(w: Workload): number {
  return w.users + w.groups + w.images + w.membershipEntries + w.groupImages + w.groupsWithGrants + LIST_ENDPOINTS.size;
}

export const objectsPerKind = (w: Workload): Record<BenchKind, number> => ({
  KasmUser: w.users,
  KasmGroup: w.groups,
  KasmGroupMembership: w.memberships,
  KasmImage: w.images,
  KasmGroupImage: w.groupImages,
});

export const managedObjectCount = (w: Workload): number => Object.values(objectsPerKind(w)).reduce((a, b) => a + b, 0);

/**
 * Reads per poll interval the usual one-read-per-object design needs in steady state (bench mode
 * `per-object`): get_user per KasmUser; get_groups per KasmGroup (no single-group read); per
 * membership its group and get_user per listed user; get_images per KasmImage (no single-image
 * read); per KasmGroupImage its group and the image list, with the grant rows read per group every
 * fifth poll (per-object observation keeps no groups list to tell when they changed). Used where a
 * per-object run is rate-bound and cannot show its demand.
 */
export function perObjectReadsPerPoll(w: Workload): number {
  return w.users + w.groups + w.memberships + w.membershipEntries + w.images + 2 * w.groupImages + w.groupsWithGrants / 5;
}
