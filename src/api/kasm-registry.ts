import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { immutable, immutableChoiceRule, withCelRules } from './validation-rules.js';

/**
 * KasmRegistry: a workspace registry (create_registry / delete_registry, observed with
 * get_registries). Kasm has no registry update: the URL is the registry's identity and cannot
 * change, the channel is applied by replacing the registry (delete + create, new Kasm id), and the
 * schema override is only read when Kasm adds the registry, so it cannot change either.
 */

/** Workspaces listed in status at most; a registry offers about a hundred. */
export const MAX_LISTED_WORKSPACES = 500;

const registryUrl = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, { message: 'must be an http(s) URL such as https://registry.kasmweb.com/' });

const kasmRegistrySpecObject = managedSpec({
  url: immutable(
    registryUrl.describe(
      'URL of the registry, e.g. https://registry.kasmweb.com/ (without the schema version path). Unique in Kasm: the natural key used to adopt an existing registry. Cannot change.',
    ),
    'url cannot change; create a new KasmRegistry for another registry',
  ),
  channel: z
    .string()
    .min(1)
    .max(255)
    .regex(/^\S+$/, { message: 'must be a channel name without spaces, e.g. 1.16.0 or develop' })
    .optional()
    .describe(
      'Channel (branch) of the registry to follow, e.g. 1.16.0. Kasm cannot change a registry in place: a new channel replaces the registry (delete_registry then create_registry; its Kasm id changes, workspaces installed from it stay), which needs Create and Delete in managementPolicies. When absent, Kasm picks the channel and the operator does not manage it.',
    ),
  schemaOverride: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Registry schema version Kasm should read instead of the one it picks, e.g. "1.0" for a registry that offers no newer schema. Only sent when the registry is created, and not reported back by Kasm, so it cannot change.',
    ),
}).describe('The workspace registry to add to Kasm.');

export const kasmRegistrySpec = withCelRules(kasmRegistrySpecObject, [
  immutableChoiceRule(['schemaOverride'], 'schemaOverride cannot be added, changed or removed: Kasm only reads it when the registry is added; create a new KasmRegistry'),
]);
export type KasmRegistrySpec = z.infer<typeof kasmRegistrySpec>;

const registryWorkspace = z
  .object({
    name: z.string().nullable().optional().describe('Name of the workspace in the registry.'),
    friendlyName: z.string().nullable().optional().describe('Name users see, e.g. Chromium.'),
    description: z.string().nullable().optional().describe('Description.'),
    dockerRegistry: z.string().nullable().optional().describe('Docker registry its images come from.'),
    compatibility: z
      .array(
        z
          .object({
            image: z.string().nullable().optional().describe('Docker image, e.g. kasmweb/chromium:1.16.0.'),
            version: z.string().nullable().optional().describe('Kasm versions it runs on, e.g. 1.16.x.'),
            availableTags: z.array(z.string()).optional().describe('Image tags offered.'),
          })
          .describe('An image of the workspace for a range of Kasm versions.'),
      )
      .optional()
      .describe('Images of the workspace per Kasm version.'),
  })
  .describe('A workspace the registry offers.');

export const kasmRegistryAtProvider = z
  .object({
    registryId: z.string().describe('Kasm id of the registry.'),
    url: z.string().describe('Registry URL.'),
    channel: z.string().nullable().optional().describe('Channel Kasm follows.'),
    doAutoUpdate: z.boolean().nullable().optional().describe('Whether Kasm updates installed workspaces from the registry.'),
    schemaVersion: z.string().nullable().optional().describe('Schema version Kasm reads.'),
    isVerified: z.boolean().nullable().optional().describe('Whether Kasm verified the registry.'),
    workspaceCount: z.int().min(0).describe('Number of workspaces the registry offers.'),
    workspaces: z
      .array(registryWorkspace)
      .optional()
      .describe(`Workspaces the registry offers (the first ${MAX_LISTED_WORKSPACES}); install one with a KasmImage.`),
  })
  .describe('The registry as Kasm reports it.');
export type KasmRegistryAtProvider = z.infer<typeof kasmRegistryAtProvider>;

export const kasmRegistryStatus = managedStatus(kasmRegistryAtProvider, {});
export type KasmRegistryStatus = z.infer<typeof kasmRegistryStatus>;

export const kasmRegistryKind = defineKind({
  kind: 'KasmRegistry',
  plural: 'kasmregistries',
  shortNames: ['kreg'],
  description: 'A Kasm Workspaces workspace registry: a catalogue of workspaces administrators can install.',
  managed: true,
  spec: kasmRegistrySpec,
  status: kasmRegistryStatus,
  printerColumns: [
    { name: 'URL', type: 'string', jsonPath: '.spec.url', description: 'Registry URL.' },
    { name: 'CHANNEL', type: 'string', jsonPath: '.status.atProvider.channel', description: 'Channel Kasm follows.' },
    { name: 'WORKSPACES', type: 'integer', jsonPath: '.status.atProvider.workspaceCount', description: 'Workspaces the registry offers.' },
  ],
});
export type KasmRegistryResource = z.infer<typeof kasmRegistryKind.resource>;
