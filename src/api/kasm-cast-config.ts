import { z } from 'zod';
import { clientSettingsAtProviderShape, clientSettingsShape } from './kasm-client-settings.js';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { kasmId, kasmName, localRef, timestamp } from './references.js';
import { atMostOneOf, exactlyOneOf, withCrdMeta } from './validation-rules.js';

/**
 * KasmCastConfig: a Kasm cast config, a public link (https://<kasm>/#/cast/<key>) that launches a
 * workspace, optionally for anonymous users (create/update/delete_cast_config, get_cast_configs).
 * The key is unique in Kasm: it adopts an existing cast config under ["Observe"] or after an
 * interrupted create. Optional fields left out are not managed.
 */

/** The key becomes part of a URL: unreserved URL characters only. */
const CAST_KEY_PATTERN = '^[A-Za-z0-9._~-]+$';

const limits = z
  .object({
    limitSessions: z.boolean().optional().describe('Stop launching sessions from the link once sessionsRemaining reaches 0 (limit_sessions).'),
    sessionsRemaining: z.int().min(0).max(1_000_000).optional().describe('Sessions the link may still launch when limitSessions is true (session_remaining); Kasm counts it down.'),
    limitIps: z.boolean().optional().describe('Limit how often one IP address may launch sessions (limit_ips).'),
    ipRequestLimit: z.int().min(0).max(1_000_000).optional().describe('Sessions one IP address may launch per ipRequestSeconds when limitIps is true (ip_request_limit).'),
    ipRequestSeconds: z.int().min(0).max(31_536_000).optional().describe('Window of the per-IP limit in seconds (ip_request_seconds).'),
  })
  .describe('How many sessions the link may launch. Only the fields listed are managed.');

const castClientSettings = z
  .object({
    ...clientSettingsShape,
    allowKasmSharing: z.boolean().optional().describe('Users may share the session (allow_kasm_sharing).'),
    kasmAudioDefaultOn: z.boolean().optional().describe('Sound is on when the session opens (kasm_audio_default_on).'),
    kasmImeModeDefaultOn: z.boolean().optional().describe('IME input mode is on when the session opens (kasm_ime_mode_default_on).'),
  })
  .describe('What users may do in sessions launched from the link; applied when enforceClientSettings is true. Only the fields listed are managed.');

const castSpecObject = managedSpec({
  name: kasmName(255).describe('Name of the cast config in the Kasm admin UI (casting_config_name).'),
  key: z
    .string()
    .min(1)
    .max(255)
    .regex(new RegExp(CAST_KEY_PATTERN), { message: 'must use only letters, digits, ".", "_", "~" and "-" (it becomes part of the URL)' })
    .describe('The URL slug users open: <kasm>/#/cast/<key>. Unique in Kasm; the natural key used to adopt an existing cast config.'),
  imageRef: localRef('KasmImage').optional().describe('The KasmImage (same namespace) the link launches; the cast config waits until it is Ready.'),
  imageId: kasmId.optional().describe('Kasm id of a workspace image not managed in the cluster.'),
  groupRef: localRef('KasmGroup').optional().describe('The KasmGroup (same namespace) anonymous users of the link are placed in.'),
  groupId: kasmId.optional().describe('Kasm id of a group not managed in the cluster, e.g. 68d557ac4cac42cca9f31c7c853de0f3 (All Users).'),
  allowedReferrers: withCrdMeta(z.array(z.string().min(1).max(255)).max(64), { 'x-kubernetes-list-type': 'set' })
    .optional()
    .describe('Domains the link may be opened from (the Referer header), e.g. ["example.com"]; empty allows any (allowed_referrers).'),
  allowAnonymous: z.boolean().optional().describe('Visitors without a Kasm login get a session as an anonymous user (allow_anonymous).'),
  requireRecaptcha: z.boolean().optional().describe('Anonymous visitors solve a reCAPTCHA first (require_recaptcha).'),
  allowResume: z.boolean().optional().describe('A returning user resumes the session the link started before (allow_resume).'),
  enableSharing: z.boolean().optional().describe('Start the session with sharing on (enable_sharing).'),
  disableControlPanel: z.boolean().optional().describe('Hide the session control panel (disable_control_panel).'),
  disableTips: z.boolean().optional().describe('Hide the tips dialog (disable_tips).'),
  disableFixedRes: z.boolean().optional().describe('Let the session resize with the browser window (disable_fixed_res).'),
  errorUrl: z.string().max(2048).optional().describe('Where visitors are sent when no session can be launched; "" for none (error_url).'),
  kasmUrl: z.string().max(2048).optional().describe('URL opened in the session\'s browser, for browser workspaces; "" for none (kasm_url).'),
  dynamicKasmUrl: z.boolean().optional().describe('Take the URL to open from the link\'s query string (dynamic_kasm_url).'),
  dynamicDockerNetwork: z.boolean().optional().describe('Take the Docker network from the link\'s query string (dynamic_docker_network).'),
  limits: limits.optional(),
  enforceClientSettings: z.boolean().optional().describe('Apply clientSettings instead of the user\'s group settings (enforce_client_settings).'),
  clientSettings: castClientSettings.optional(),
  validUntil: timestamp
    .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'must be an RFC 3339 timestamp such as 2025-12-31T23:59:59Z' })
    .optional()
    .describe('When the link stops working, RFC 3339, e.g. 2025-12-31T23:59:59Z; sent to Kasm in UTC to the second (valid_until).'),
}).describe('The cast config: exactly one of imageRef or imageId, at most one of groupRef or groupId.');

export const kasmCastConfigSpec = atMostOneOf(exactlyOneOf(castSpecObject, ['imageRef', 'imageId'], 'image'), ['groupRef', 'groupId']);
export type KasmCastConfigSpec = z.infer<typeof kasmCastConfigSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
const flag = (description: string) => z.boolean().nullable().optional().describe(description);
const count = (description: string) => z.int().nullable().optional().describe(description);
const text = (description: string) => z.string().nullable().optional().describe(description);

export const kasmCastConfigAtProvider = z
  .object({
    castConfigId: z.string().describe('Kasm id of the cast config.'),
    name: z.string().describe('Name in the Kasm admin UI.'),
    key: z.string().describe('URL slug.'),
    imageId: text('Kasm id of the image the link launches.'),
    imageFriendlyName: text('Name of that image.'),
    groupId: text('Kasm id of the group anonymous users join.'),
    groupName: text('Name of that group.'),
    allowedReferrers: z.array(z.string()).optional().describe('Domains the link may be opened from.'),
    allowAnonymous: flag('Anonymous visitors get a session.'),
    requireRecaptcha: flag('Anonymous visitors solve a reCAPTCHA.'),
    allowResume: flag('Returning users resume their session.'),
    enableSharing: flag('Sessions start shared.'),
    disableControlPanel: flag('Control panel hidden.'),
    disableTips: flag('Tips hidden.'),
    disableFixedRes: flag('Resolution follows the window.'),
    errorUrl: text('Where visitors go when no session can be launched.'),
    kasmUrl: text('URL opened in the session.'),
    dynamicKasmUrl: flag('URL taken from the query string.'),
    dynamicDockerNetwork: flag('Docker network taken from the query string.'),
    limitSessions: flag('Session count limited.'),
    sessionsRemaining: count('Sessions the link may still launch.'),
    limitIps: flag('Per-IP limit on.'),
    ipRequestLimit: count('Sessions per IP per window.'),
    ipRequestSeconds: count('Per-IP window in seconds.'),
    enforceClientSettings: flag('Client settings below apply.'),
    ...clientSettingsAtProviderShape,
    allowKasmSharing: flag('Sharing allowed.'),
    kasmAudioDefaultOn: flag('Audio on at start.'),
    kasmImeModeDefaultOn: flag('IME mode on at start.'),
    validUntil: text('When the link stops working (RFC 3339, UTC).'),
  })
  .describe('The cast config as Kasm reports it.');
export type KasmCastConfigAtProvider = z.infer<typeof kasmCastConfigAtProvider>;

export const kasmCastConfigStatus = managedStatus(kasmCastConfigAtProvider, {
  sessionsRemainingApplied: z
    .int()
    .min(0)
    .optional()
    .describe('spec.limits.sessionsRemaining last sent to Kasm. Kasm counts the value down as the link is used, which is not drift: it is sent again only when the spec changes.'),
  castUrl: z.string().max(4096).optional().describe('The link users open, as the Kasm UI shows it: <connection base URL>/#/cast/<key>.'),
});
export type KasmCastConfigStatus = z.infer<typeof kasmCastConfigStatus>;

export const kasmCastConfigKind = defineKind({
  kind: 'KasmCastConfig',
  plural: 'kasmcastconfigs',
  shortNames: ['kcast'],
  description: 'A Kasm Workspaces cast config: a link that launches a workspace, optionally for anonymous users.',
  managed: true,
  spec: kasmCastConfigSpec,
  status: kasmCastConfigStatus,
  printerColumns: [
    { name: 'KEY', type: 'string', jsonPath: '.spec.key', description: 'URL slug.', priority: 1 },
    { name: 'IMAGE', type: 'string', jsonPath: '.status.atProvider.imageFriendlyName', description: 'Workspace the link launches, as Kasm reports.' },
    { name: 'URL', type: 'string', jsonPath: '.status.castUrl', description: 'The link users open.' },
  ],
});
export type KasmCastConfig = z.infer<typeof kasmCastConfigKind.resource>;
