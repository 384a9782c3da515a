import { z } from 'zod';
import { parseDuration } from './annotations.js';
import { clientSettingsAtProviderShape, clientSettingsShape } from './kasm-client-settings.js';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { duration, kasmId, kasmName, localRef } from './references.js';
import { exactlyOneOf } from './validation-rules.js';

/**
 * KasmStagingConfig: a Kasm staging config, a pool of sessions of one image that Kasm keeps
 * started in one zone so users get one at once (create/update/delete_staging_config,
 * get_staging_configs). Kasm gives it no name: the pair zone + image is the natural key that adopts
 * an existing staging config under ["Observe"] or after an interrupted create.
 */

/** Kasm takes the expiration in hours; a week at most keeps a typo from pinning sessions for years. */
const MAX_EXPIRATION_MS = 7 * 24 * 3_600_000;

export const stagingClientSettings = z
  .object(clientSettingsShape)
  .describe('What users may do in the staged sessions. Only the fields listed are managed.');

const stagingSpecObject = managedSpec({
  zoneName: kasmName(255).optional().describe('Name of the Kasm deployment zone the sessions start in, e.g. default.'),
  zoneId: kasmId.optional().describe('Kasm id of the deployment zone the sessions start in.'),
  imageRef: localRef('KasmImage').optional().describe('The KasmImage (same namespace) whose sessions are staged; the staging config waits until it is Ready.'),
  imageId: kasmId.optional().describe('Kasm id of a workspace image not managed in the cluster.'),
  numSessions: z.int().min(0).max(10_000).describe('Sessions Kasm keeps started and waiting for users (num_sessions).'),
  expiration: duration({
    maxLength: 64,
    minMs: 1, // above 0: durations parse to whole milliseconds
    maxMs: MAX_EXPIRATION_MS,
    formatMessage: 'must be a duration such as 30m, 4h or 1h30m',
    rangeMessage: 'must be a duration above 0 and at most 168h, e.g. 4h',
  }).describe('How long a staged session waits for a user before Kasm replaces it, e.g. 4h or 30m; sent to Kasm in hours (expiration).'),
  clientSettings: stagingClientSettings.optional(),
}).describe('The staging config: exactly one of zoneName or zoneId, exactly one of imageRef or imageId.');

export const kasmStagingConfigSpec = exactlyOneOf(exactlyOneOf(stagingSpecObject, ['zoneName', 'zoneId'], 'zone'), ['imageRef', 'imageId'], 'image');
export type KasmStagingConfigSpec = z.infer<typeof kasmStagingConfigSpec>;

/** spec.expiration in hours, as Kasm takes it. The spec was validated, so the duration parses. */
export function expirationHours(expiration: string): number {
  return (parseDuration(expiration) ?? 0) / 3_600_000;
}

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
export const kasmStagingConfigAtProvider = z
  .object({
    stagingConfigId: z.string().describe('Kasm id of the staging config.'),
    zoneId: z.string().nullable().optional().describe('Kasm id of the zone.'),
    zoneName: z.string().nullable().optional().describe('Zone name.'),
    imageId: z.string().nullable().optional().describe('Kasm id of the image.'),
    imageFriendlyName: z.string().nullable().optional().describe('Name of the image.'),
    numSessions: z.int().nullable().optional().describe('Sessions Kasm keeps staged.'),
    numCurrentSessions: z.int().nullable().optional().describe('Staged sessions that exist now.'),
    expirationHours: z.number().nullable().optional().describe('Expiration in hours, as Kasm stores it.'),
    ...clientSettingsAtProviderShape,
  })
  .describe('The staging config as Kasm reports it.');
export type KasmStagingConfigAtProvider = z.infer<typeof kasmStagingConfigAtProvider>;

export const kasmStagingConfigStatus = managedStatus(kasmStagingConfigAtProvider, {});
export type KasmStagingConfigStatus = z.infer<typeof kasmStagingConfigStatus>;

export const kasmStagingConfigKind = defineKind({
  kind: 'KasmStagingConfig',
  plural: 'kasmstagingconfigs',
  shortNames: ['kstage'],
  description: 'A Kasm Workspaces staging config: sessions of one image kept started in one zone, ready for users.',
  managed: true,
  spec: kasmStagingConfigSpec,
  status: kasmStagingConfigStatus,
  printerColumns: [
    { name: 'ZONE', type: 'string', jsonPath: '.status.atProvider.zoneName', description: 'Zone, as Kasm reports.' },
    { name: 'IMAGE', type: 'string', jsonPath: '.status.atProvider.imageFriendlyName', description: 'Workspace, as Kasm reports.' },
    { name: 'SESSIONS', type: 'integer', jsonPath: '.spec.numSessions', description: 'Sessions to keep staged.' },
    { name: 'CURRENT', type: 'integer', jsonPath: '.status.atProvider.numCurrentSessions', description: 'Staged sessions that exist now, as Kasm reports.' },
  ],
});
export type KasmStagingConfig = z.infer<typeof kasmStagingConfigKind.resource>;
