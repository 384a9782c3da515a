import { z } from 'zod';
import { parseDuration } from './annotations.js';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { duration, kasmId, localRef, objectName, timestamp, writeConnectionSecretToRef } from './references.js';
import { issuedSecretStatusShape } from './renew-interval.js';
import { exactlyOneFixedOf, immutableChoiceRule, withCelRules, withCrdMeta, withSharedRules } from './validation-rules.js';

/**
 * KasmSession: a running Kasm session ("kasm") for a user and a workspace image (request_kasm,
 * get_kasm_status, get_kasms, destroy_kasm, keepalive). Ready only once Kasm reports it running.
 * Its connect URL and token go to an owned Secret, never to status. What Kasm fixes when it starts
 * a session (user, image, environment, sharing, profile mode) cannot change afterwards.
 */

const USER_FIELDS = ['userRef', 'userId'] as const;
const IMAGE_FIELDS = ['imageRef', 'imageId'] as const;

const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 24 * 3_600_000;

/** A Go-style duration between 1s and 24h. */
function interval(example: string) {
  return duration({
    maxLength: 32,
    minMs: MIN_INTERVAL_MS,
    maxMs: MAX_INTERVAL_MS,
    formatMessage: `must be a duration such as ${example}, 90s or 1h30m`,
    rangeMessage: `must be between 1s and 24h, e.g. ${example}`,
  });
}

const KEEPALIVE_OFF = 'off';

const keepalive = duration({
  maxLength: 32,
  minMs: MIN_INTERVAL_MS,
  maxMs: MAX_INTERVAL_MS,
  orWord: KEEPALIVE_OFF,
  formatMessage: 'must be "off" or a duration such as 5m, 90s or 1h30m',
  rangeMessage: 'must be "off" or between 1s and 24h, e.g. 5m',
})
  .default(KEEPALIVE_OFF)
  .describe(
    'How often the operator calls Kasm keepalive for the session, pushing its expiration out by the owner\'s keepalive_expiration group setting: "off", or a duration between 1s and 24h such as 5m.',
  );

/** The keepalive interval in milliseconds, or undefined when off; the spec was validated, so it parses. */
export function keepaliveMs(value: string): number | undefined {
  return value === KEEPALIVE_OFF ? undefined : parseDuration(value);
}

/** The screenshot interval in milliseconds; the spec was validated, so it parses. */
export function screenshotIntervalMs(value: string): number {
  return parseDuration(value) ?? 60_000;
}

const rdpOption = withSharedRules(
  z
    .object({
      file: z.boolean().optional().describe('Write the contents of an .rdp file for the session to the Secret key rdpFile.'),
      url: z.boolean().optional().describe('Write an rdp:// URL for the session to the Secret key rdpUrl.'),
    })
    .describe('RDP connection details (get_rdp_client_connection_info) written to the connection Secret; needs writeConnectionSecretToRef.'),
  [
    {
      holds: (value) => value.file === true || value.url === true,
      cel: '(has(self.file) && self.file) || (has(self.url) && self.url)',
      message: 'set file: true, url: true or both; otherwise leave rdp out',
    },
  ],
);

const screenshotOption = z
  .object({
    configMapName: objectName.describe('ConfigMap (same namespace) the operator creates and owns; the JPEG is in binaryData["screenshot.jpg"].'),
    interval: interval('1m').default('1m').describe('How often a screenshot is taken while the session runs: 1s to 24h.'),
    width: z.int().min(16).max(7680).optional().describe('Width in pixels asked of Kasm (it keeps the desktop\'s aspect ratio).'),
    height: z.int().min(16).max(4320).optional().describe('Height in pixels asked of Kasm (it keeps the desktop\'s aspect ratio).'),
  })
  .describe('A periodic screenshot of the desktop (get_kasm_screenshot) kept in a ConfigMap, for dashboards.');

const options = z
  .object({
    rdp: rdpOption.optional(),
    screenshot: screenshotOption.optional(),
  })
  .describe('Extra outputs: RDP connection details in the Secret, a screenshot in a ConfigMap.');

const environment = withCrdMeta(
  z
    .record(z.string(), z.string().max(8_192))
    .superRefine((env, ctx) => {
      const names = Object.keys(env);
      if (names.length > 64) ctx.addIssue({ code: 'custom', message: `has ${names.length} variables; at most 64 are allowed` });
      for (const name of names) {
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(name)) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'is not an environment variable name: use letters, digits and _, not starting with a digit' });
        }
      }
    }),
  { maxProperties: 64 },
).describe('Environment variables of the session container. Not for secrets: they are part of the spec. Fixed when the session starts.');

const sessionSpecObject = managedSpec({
  userRef: localRef('KasmUser').optional().describe('The KasmUser (same namespace) who owns the session; it is started once the user is Ready.'),
  userId: kasmId.optional().describe('Kasm id of a user not managed in the cluster.'),
  imageRef: localRef('KasmImage').optional().describe('The KasmImage (same namespace) the session runs; it is started once the image is Ready.'),
  imageId: kasmId.optional().describe('Kasm id of a workspace image not managed in the cluster.'),
  environment: environment.optional(),
  enableSharing: z.boolean().optional().describe('Start the session with sharing on: Kasm gives it a share id (status.atProvider.shareId) that KasmSessionJoin uses. Fixed when the session starts.'),
  persistentProfileMode: z
    .enum(['Enabled', 'Disabled', 'Reset'])
    .optional()
    .describe('Persistent profile of the session (the image must have a profile path): Enabled, Disabled or Reset. Fixed when the session starts.'),
  keepalive,
  recreatePolicy: z
    .enum(['Always', 'Never'])
    .default('Always')
    .describe(
      'When Kasm ends the session (expired, destroyed outside the operator): Always starts a new one (new kasm id, Secret rewritten, ExternalDeleted event); Never reports it (Ready False, Stalled True, reason SessionEnded) and starts nothing.',
    ),
  writeConnectionSecretToRef: writeConnectionSecretToRef
    .optional()
    .describe(
      'Secret (same namespace) the operator creates and owns, with the keys url (the full connect URL), token (the session token), kasmId, userId, shareId (with sharing) and rdpFile/rdpUrl (with options.rdp). Kasm issues a new token on every status read, so the operator renews it at the poll interval.',
    ),
  options: options.optional(),
}).describe('The session: its user (exactly one of userRef or userId) and image (exactly one of imageRef or imageId), both fixed once created, and what the operator does with it.');

const fixed = (field: string) => `${field} is fixed when Kasm starts the session; delete and re-create the KasmSession to change it`;

const withFixedReferences = exactlyOneFixedOf(
  exactlyOneFixedOf(sessionSpecObject, USER_FIELDS, 'user', 'the user of a KasmSession cannot change; create a new KasmSession for another user'),
  IMAGE_FIELDS,
  'image',
  'the image of a KasmSession cannot change; create a new KasmSession for another image',
);

const withFixedStart = withCelRules(withFixedReferences, [
  immutableChoiceRule(['environment'], fixed('environment')),
  immutableChoiceRule(['enableSharing'], fixed('enableSharing')),
  immutableChoiceRule(['persistentProfileMode'], fixed('persistentProfileMode')),
]);

export const kasmSessionSpec = withSharedRules(withFixedStart, [
  {
    holds: (spec) => spec.options?.rdp === undefined || spec.writeConnectionSecretToRef !== undefined,
    cel: '!has(self.options) || !has(self.options.rdp) || has(self.writeConnectionSecretToRef)',
    message: 'options.rdp writes to the connection Secret: set writeConnectionSecretToRef too',
    path: ['options', 'rdp'],
  },
]);
export type KasmSessionSpec = z.infer<typeof kasmSessionSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
const frameStats = z
  .object({
    width: z.number().nullable().optional().describe('Width of the desktop in pixels.'),
    height: z.number().nullable().optional().describe('Height of the desktop in pixels.'),
    changed: z.number().nullable().optional().describe('Changed area of the last frame, as Kasm counts it.'),
    serverTimeMs: z.number().nullable().optional().describe('Time the server spent on the last frame (ms).'),
    encodingTotalMs: z.number().nullable().optional().describe('Total encoding time of the last frame (ms).'),
    clients: z
      .array(
        z
          .object({
            client: z.string().nullable().optional().describe('Client (websocket) id.'),
            clientTimeMs: z.number().nullable().optional().describe('Time the client spent on the last frame (ms).'),
            pingMs: z.number().nullable().optional().describe('Round trip to the client (ms).'),
          })
          .describe('A connected client.'),
      )
      .optional()
      .describe('Connected clients.'),
  })
  .describe('Frame statistics (get_kasm_frame_stats); present only while a client is connected.');

const recording = z
  .object({
    recordingId: z.string().describe('Kasm id of the recording.'),
    created: z.string().nullable().optional().describe('When the recording was made, as Kasm prints it.'),
    durationSeconds: z.number().nullable().optional().describe('Length of the recording in seconds.'),
  })
  .describe('A recording of the session.');

export const kasmSessionAtProvider = z
  .object({
    userId: z.string().describe('Kasm id of the session\'s owner.'),
    username: z.string().nullable().optional().describe('Username of the owner.'),
    imageId: z.string().nullable().optional().describe('Kasm id of the workspace image.'),
    image: z.string().nullable().optional().describe('Name of the workspace users see (or its Docker image).'),
    operationalStatus: z.string().nullable().optional().describe('State Kasm reports: requested, starting, running, ...'),
    operationalMessage: z.string().nullable().optional().describe('What Kasm says about that state.'),
    operationalProgress: z.number().nullable().optional().describe('Start progress in percent.'),
    hostname: z.string().nullable().optional().describe('Agent the session runs on.'),
    zoneName: z.string().nullable().optional().describe('Deployment zone of the agent.'),
    shareId: z.string().nullable().optional().describe('Share id, when the session was started with sharing.'),
    persistentProfileMode: z.string().nullable().optional().describe('Persistent profile mode Kasm reports.'),
    startDate: timestamp.nullable().optional().describe('When the session was requested (RFC 3339).'),
    keepaliveDate: timestamp.nullable().optional().describe('Last keepalive Kasm recorded (RFC 3339).'),
    expirationDate: timestamp.nullable().optional().describe('When Kasm ends the session unless kept alive (RFC 3339).'),
    frameStats: frameStats.optional(),
    recordings: z.array(recording).optional().describe('Recordings of the session (get_sessions_recordings), newest last.'),
  })
  .describe('The session as Kasm reports it (the connect URL and token are only in the Secret).');
export type KasmSessionAtProvider = z.infer<typeof kasmSessionAtProvider>;

export const kasmSessionStatus = managedStatus(kasmSessionAtProvider, {
  ...issuedSecretStatusShape,
  connectionSecretName: z.string().optional().describe('The Secret holding the connect URL and token, once written.'),
  keepaliveSentAt: timestamp.optional().describe('When the operator last called keepalive (RFC 3339).'),
  keepaliveUsageReached: z.boolean().optional().describe('Kasm answered the last keepalive with usage_reached: the owner\'s usage quota is spent.'),
  screenshotTakenAt: timestamp.optional().describe('When the last screenshot was written to the ConfigMap (RFC 3339).'),
});
export type KasmSessionStatus = z.infer<typeof kasmSessionStatus>;

export const kasmSessionKind = defineKind({
  kind: 'KasmSession',
  plural: 'kasmsessions',
  shortNames: ['ksess'],
  description: 'A Kasm Workspaces session of a user and a workspace image, kept running; its connect URL and token in a Secret.',
  managed: true,
  spec: kasmSessionSpec,
  status: kasmSessionStatus,
  printerColumns: [
    { name: 'USER', type: 'string', jsonPath: '.status.atProvider.username', description: 'Owner of the session.' },
    { name: 'IMAGE', type: 'string', jsonPath: '.status.atProvider.image', description: 'Workspace the session runs.' },
    { name: 'STATE', type: 'string', jsonPath: '.status.atProvider.operationalStatus', description: 'State Kasm reports.' },
    { name: 'EXPIRES', type: 'date', jsonPath: '.status.atProvider.expirationDate', description: 'When Kasm ends the session unless kept alive.' },
    { name: 'SECRET', type: 'string', jsonPath: '.status.connectionSecretName', description: 'Secret with the connect URL.', priority: 1 },
    { name: 'HOST', type: 'string', jsonPath: '.status.atProvider.hostname', description: 'Agent the session runs on.', priority: 1 },
  ],
});
export type KasmSession = z.infer<typeof kasmSessionKind.resource>;
