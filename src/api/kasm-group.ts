import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmName } from './references.js';
import { withCrdMeta } from './validation-rules.js';

/**
 * KasmGroup: a Kasm group (create/update/delete_group, get_groups) and its settings
 * (get_settings_group / update_settings_group). The group name is the natural key for adoption;
 * it may change (update_group renames), the operator follows the group by its id.
 */

/** Priority a group is created with when the spec leaves it out (Kasm requires one on create). */
export const DEFAULT_GROUP_PRIORITY = 100;

export const groupNameSchema = kasmName(255);

const setting = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[a-z0-9_]+$/, { message: 'must be a Kasm group setting name: lowercase letters, digits and "_", e.g. allow_kasm_sharing' })
      .describe('Kasm group setting name, e.g. allow_kasm_sharing, keepalive_expiration, max_kasms_per_user.'),
    value: z
      .string()
      .max(4096)
      .describe('Value as text, e.g. "true", "3600" or "kasmweb"; sent to Kasm and compared with what Kasm reports as text.'),
  })
  .describe('One group setting.');
export type KasmGroupSetting = z.infer<typeof setting>;

export const kasmGroupSpec = managedSpec({
  name: groupNameSchema.describe('Group name in Kasm. Renaming here renames the Kasm group.'),
  description: z.string().max(4096).optional().describe('Group description.'),
  priority: z
    .int()
    .min(1)
    .max(4096)
    .optional()
    .describe(
      `Group priority, which Kasm uses to choose between the settings of a user's groups. When absent, a new group gets ${DEFAULT_GROUP_PRIORITY} and the priority is not managed.`,
    ),
  // A list of {name, value} rather than a map of mixed value types: every node of a structural schema needs one type.
  settings: withCrdMeta(
    z
      .array(setting)
      .max(256)
      .optional()
      .describe('Group settings to manage. Settings not listed keep the value they have in Kasm.'),
    { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
  ).superRefine((list, ctx) => {
    // The list map already makes kube-apiserver refuse a repeated name, with its own message.
    const seen = new Set<string>();
    for (const [i, s] of (list ?? []).entries()) {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i], message: `setting ${s.name} is listed twice; list each setting once` });
      seen.add(s.name);
    }
  }),
}).describe('The Kasm group to manage.');
export type KasmGroupSpec = z.infer<typeof kasmGroupSpec>;

export const kasmGroupAtProvider = z
  .object({
    groupId: z.string().describe('Kasm id of the group.'),
    name: z.string().describe('Group name.'),
    description: z.string().nullable().optional().describe('Group description.'),
    priority: z.int().optional().describe('Group priority.'),
    isSystem: z.boolean().optional().describe('A built-in group (All Users, Administrators).'),
    settings: z
      .array(
        z
          .object({
            name: z.string().describe('Setting name.'),
            value: z.string().describe('Value as text.'),
          })
          .describe('A group setting as Kasm reports it.'),
      )
      .optional()
      .describe('Values Kasm reports for the settings the spec manages.'),
  })
  .describe('The group as Kasm reports it.');
export type KasmGroupAtProvider = z.infer<typeof kasmGroupAtProvider>;

export const kasmGroupStatus = managedStatus(kasmGroupAtProvider, {});
export type KasmGroupStatus = z.infer<typeof kasmGroupStatus>;

export const kasmGroupKind = defineKind({
  kind: 'KasmGroup',
  plural: 'kasmgroups',
  shortNames: ['kgroup'],
  description: 'A Kasm Workspaces group and its settings.',
  managed: true,
  spec: kasmGroupSpec,
  status: kasmGroupStatus,
  printerColumns: [
    { name: 'GROUP', type: 'string', jsonPath: '.spec.name', description: 'Group name in Kasm.' },
    { name: 'PRIORITY', type: 'integer', jsonPath: '.status.atProvider.priority', description: 'Group priority Kasm reports.' },
  ],
});
export type KasmGroup = z.infer<typeof kasmGroupKind.resource>;
