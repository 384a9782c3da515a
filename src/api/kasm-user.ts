import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, kasmName, localRef, secretKeyRef } from './references.js';
import { exactlyOneOf, immutable } from './validation-rules.js';

/**
 * KasmUser: a Kasm user (create/get/update/delete_user), its attributes (get_attributes /
 * update_user_attributes) and the groups it belongs to. Optional fields left out are not managed:
 * the operator neither sets nor reverts them, so values changed in the Kasm UI stay.
 */

export const usernameSchema = kasmName(255);

const attributes = z
  .object({
    sshPublicKey: z.string().max(16384).optional().describe('SSH public key installed in the user\'s sessions.'),
    showTips: z.boolean().optional().describe('Show the tips dialog in the Kasm UI.'),
    theme: z.string().min(1).max(64).optional().describe('Kasm UI theme, e.g. Light or Dark.'),
    preferredLanguage: z.string().min(1).max(64).optional().describe('Language of the Kasm UI and sessions, e.g. en-US.'),
    preferredTimezone: z.string().min(1).max(64).optional().describe('Time zone of the user\'s sessions, e.g. Europe/Berlin.'),
    toggleControlPanel: z.boolean().optional().describe('Show the session control panel toggle.'),
    chatSfx: z.boolean().optional().describe('Play sound effects for chat messages.'),
    defaultImageId: kasmId.optional().describe('Kasm id of the workspace image started by default for this user.'),
    autoLoginKasm: z.boolean().optional().describe('Start the default workspace automatically after login.'),
  })
  .describe('User attributes (Kasm: user settings). Only the attributes listed are managed.');
export type KasmUserAttributes = z.infer<typeof attributes>;

export const kasmUserGroupEntry = exactlyOneOf(
  z
    .object({
      groupRef: localRef('KasmGroup').optional().describe('A KasmGroup in the same namespace; the user is added once the group is Ready.'),
      groupId: kasmId.optional().describe('Kasm id of a group not managed in the cluster.'),
      name: kasmName(255).optional().describe('Name of a Kasm group not managed in the cluster, e.g. "All Users".'),
    })
    .describe('A group the user belongs to: set exactly one of groupRef, groupId or name.'),
  ['groupRef', 'groupId', 'name'],
  'group',
);
export type KasmUserGroupEntry = z.infer<typeof kasmUserGroupEntry>;

const groupKey = (g: KasmUserGroupEntry): string =>
  g.groupRef ? `groupRef ${g.groupRef.name}` : g.groupId ? `groupId ${g.groupId.replaceAll('-', '').toLowerCase()}` : `name ${g.name ?? ''}`;

export const kasmUserSpec = managedSpec({
  username: immutable(
    usernameSchema.describe('Kasm username (often an e-mail address). The natural key used to adopt an existing user; cannot change.'),
    'username cannot change; create a new KasmUser to rename a user',
  ),
  firstName: z.string().max(255).optional().describe('First name.'),
  lastName: z.string().max(255).optional().describe('Last name.'),
  phone: z.string().max(64).optional().describe('Phone number.'),
  organization: z.string().max(255).optional().describe('Organization.'),
  locked: z.boolean().optional().describe('A locked user cannot log in (Kasm also locks users after failed logins).'),
  disabled: z.boolean().optional().describe('A disabled user cannot log in or start sessions.'),
  passwordSecretRef: secretKeyRef
    .optional()
    .describe('Secret key holding the user\'s password. Changing the Secret value changes the password in Kasm. When absent, the operator does not manage the password.'),
  attributes: attributes.optional(),
  groups: z
    .array(kasmUserGroupEntry)
    .max(100)
    .optional()
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      for (const [i, g] of (list ?? []).entries()) {
        const key = groupKey(g);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `${key} is listed twice; list each group once` });
        seen.add(key);
      }
    })
    .describe(
      'Groups the user belongs to. The operator adds the user to each, and removes the user from a group when its entry is removed from this list. Memberships made elsewhere (Kasm UI, KasmGroupMembership, the automatic All Users group) are left alone.',
    ),
  forceDelete: z
    .boolean()
    .default(false)
    .describe('On delete, end the user\'s running sessions first. Without it Kasm refuses to delete a user with sessions and the delete waits.'),
}).describe('The Kasm user to manage.');
export type KasmUserSpec = z.infer<typeof kasmUserSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints: a value Kasm accepts must never make the status write fail.
const observedAttributes = z
  .object({
    sshPublicKey: z.string().nullable().optional().describe('SSH public key.'),
    showTips: z.boolean().nullable().optional().describe('Show the tips dialog.'),
    theme: z.string().nullable().optional().describe('Kasm UI theme.'),
    preferredLanguage: z.string().nullable().optional().describe('Preferred language.'),
    preferredTimezone: z.string().nullable().optional().describe('Preferred time zone.'),
    toggleControlPanel: z.boolean().nullable().optional().describe('Show the control panel toggle.'),
    chatSfx: z.boolean().nullable().optional().describe('Chat sound effects.'),
    defaultImageId: z.string().nullable().optional().describe('Kasm id of the default workspace image.'),
    autoLoginKasm: z.boolean().nullable().optional().describe('Start the default workspace after login.'),
  })
  .describe('User attributes as Kasm reports them.');

const groupRecord = z
  .object({
    groupId: z.string().describe('Kasm id of the group.'),
    name: z.string().describe('Name of the group.'),
  })
  .describe('A group as Kasm reports it.');

export const kasmUserAtProvider = z
  .object({
    userId: z.string().describe('Kasm id of the user.'),
    username: z.string().describe('Kasm username.'),
    realm: z.string().optional().describe('Where the user authenticates, e.g. local, ldap, saml.'),
    firstName: z.string().nullable().optional().describe('First name.'),
    lastName: z.string().nullable().optional().describe('Last name.'),
    phone: z.string().nullable().optional().describe('Phone number.'),
    organization: z.string().nullable().optional().describe('Organization.'),
    locked: z.boolean().optional().describe('Whether the user is locked.'),
    disabled: z.boolean().optional().describe('Whether the user is disabled.'),
    lastSession: z.string().nullable().optional().describe('When the user last started a session, as Kasm prints it.'),
    groups: z.array(groupRecord).optional().describe('Every group the user belongs to.'),
    attributes: observedAttributes.optional(),
  })
  .describe('The user as Kasm reports it (the password is never shown).');
export type KasmUserAtProvider = z.infer<typeof kasmUserAtProvider>;

export const kasmUserStatus = managedStatus(kasmUserAtProvider, {
  passwordSecretVersion: z
    .string()
    .max(64)
    .optional()
    .describe('resourceVersion of the password Secret last applied to Kasm; a different version means the password is set again.'),
  appliedGroupIds: z
    .array(z.string())
    .optional()
    .describe('Kasm ids of the groups the operator added the user to because of spec.groups; used to remove memberships dropped from the spec.'),
});
export type KasmUserStatus = z.infer<typeof kasmUserStatus>;

export const kasmUserKind = defineKind({
  kind: 'KasmUser',
  plural: 'kasmusers',
  shortNames: ['kuser'],
  description: 'A Kasm Workspaces user, its attributes and group memberships.',
  managed: true,
  spec: kasmUserSpec,
  status: kasmUserStatus,
  printerColumns: [{ name: 'USERNAME', type: 'string', jsonPath: '.spec.username', description: 'Kasm username.' }],
});
export type KasmUser = z.infer<typeof kasmUserKind.resource>;
