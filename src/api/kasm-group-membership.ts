import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, kasmName, localRef } from './references.js';
import { exactlyOneFixedOf, exactlyOneOf } from './validation-rules.js';

/**
 * KasmGroupMembership: the members of one Kasm group (add_user_group / remove_user_group). It owns
 * exactly the memberships it lists: it adds them, removes one when its entry leaves the list, and
 * (deletionPolicy Delete) removes them all when deleted. Other members of the group are left alone.
 */

export const membershipUserEntry = exactlyOneOf(
  z
    .object({
      userRef: localRef('KasmUser').optional().describe('A KasmUser in the same namespace; added once the user is Ready.'),
      userId: kasmId.optional().describe('Kasm id of a user not managed in the cluster.'),
      username: kasmName(255).optional().describe('Username of a Kasm user not managed in the cluster.'),
    })
    .describe('A member: set exactly one of userRef, userId or username.'),
  ['userRef', 'userId', 'username'],
  'user',
);
export type MembershipUserEntry = z.infer<typeof membershipUserEntry>;

const userKey = (u: MembershipUserEntry): string =>
  u.userRef ? `userRef ${u.userRef.name}` : u.userId ? `userId ${u.userId.replaceAll('-', '').toLowerCase()}` : `username ${u.username ?? ''}`;

const GROUP_FIELDS = ['groupRef', 'groupId', 'groupName'] as const;

const membershipSpecObject = managedSpec({
  groupRef: localRef('KasmGroup').optional().describe('A KasmGroup in the same namespace.'),
  groupId: kasmId.optional().describe('Kasm id of a group not managed in the cluster.'),
  groupName: kasmName(255).optional().describe('Name of a Kasm group not managed in the cluster, e.g. "All Users".'),
  users: z
    .array(membershipUserEntry)
    .max(1000)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      for (const [i, u] of list.entries()) {
        const key = userKey(u);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `${key} is listed twice; list each user once` });
        seen.add(key);
      }
    })
    .describe('Users that must be members of the group.'),
}).describe('The group (exactly one of groupRef, groupId or groupName; fixed once created) and the members to manage in it.');

export const kasmGroupMembershipSpec = exactlyOneFixedOf(
  membershipSpecObject,
  GROUP_FIELDS,
  'group',
  'the group of a KasmGroupMembership cannot change; create a new KasmGroupMembership for another group',
);
export type KasmGroupMembershipSpec = z.infer<typeof kasmGroupMembershipSpec>;

const member = z
  .object({
    userId: z.string().describe('Kasm id of the user.'),
    username: z.string().optional().describe('Kasm username.'),
  })
  .describe('A user as Kasm reports it.');

const missingMember = z
  .object({
    userId: z.string().optional().describe('Kasm id of the user, when known.'),
    username: z.string().optional().describe('Kasm username, when known.'),
  })
  .describe('A listed user that is not a member of the group.');

export const kasmGroupMembershipAtProvider = z
  .object({
    groupId: z.string().describe('Kasm id of the group.'),
    groupName: z.string().optional().describe('Group name.'),
    present: z.array(member).optional().describe('Listed users that are members of the group.'),
    missing: z.array(missingMember).optional().describe('Listed users that are not members of the group (yet).'),
  })
  .describe('The managed memberships as Kasm reports them.');
export type KasmGroupMembershipAtProvider = z.infer<typeof kasmGroupMembershipAtProvider>;

export const kasmGroupMembershipStatus = managedStatus(kasmGroupMembershipAtProvider, {
  membersDesired: z.int().min(0).optional().describe('Number of users the spec lists.'),
  membersPresent: z.int().min(0).optional().describe('Number of listed users that are members of the group.'),
  appliedUserIds: z
    .array(z.string())
    .optional()
    .describe('Kasm ids of the users the operator added; used to remove memberships dropped from the spec.'),
});
export type KasmGroupMembershipStatus = z.infer<typeof kasmGroupMembershipStatus>;

export const kasmGroupMembershipKind = defineKind({
  kind: 'KasmGroupMembership',
  plural: 'kasmgroupmemberships',
  shortNames: ['kgm'],
  description: 'Members of a Kasm Workspaces group: the operator keeps exactly the listed memberships.',
  managed: true,
  spec: kasmGroupMembershipSpec,
  status: kasmGroupMembershipStatus,
  printerColumns: [
    { name: 'GROUP', type: 'string', jsonPath: '.status.atProvider.groupName', description: 'Kasm group name.' },
    { name: 'MEMBERS', type: 'integer', jsonPath: '.status.membersPresent', description: 'Listed users that are members.' },
    { name: 'DESIRED', type: 'integer', jsonPath: '.status.membersDesired', description: 'Users the spec lists.', priority: 1 },
  ],
});
export type KasmGroupMembership = z.infer<typeof kasmGroupMembershipKind.resource>;
