import { z } from 'zod';
import { conditionsSchema } from './conditions.js';
import { defineKind } from './kind-definition.js';
import { objectName, secretKey, secretKeyRef, timestamp } from './references.js';
import { withSharedRules } from './validation-rules.js';

/**
 * KasmConnection: which Kasm server to talk to and how. Not a Kasm object itself, so it has no
 * deletionPolicy, managementPolicies or externalId; its Ready condition says whether the server
 * answers and accepts the API key.
 */

/** Requests per second the Terraform provider documents as Kasm's comfortable rate. */
export const DEFAULT_REQUESTS_PER_SECOND = 100;
export const DEFAULT_MAX_CONCURRENT = 10;
export const DEFAULT_TIMEOUT_SECONDS = 30;

const credentialsSecretRef = z
  .object({
    name: objectName.describe('Name of the Secret in the same namespace that holds the API key and secret.'),
    apiKeyKey: secretKey.default('apiKey').describe('Key in the Secret that holds the API key.'),
    apiSecretKey: secretKey.default('apiSecret').describe('Key in the Secret that holds the API key secret.'),
  })
  .describe('Secret with the Kasm developer API key and secret (Kasm admin UI: Settings, Developers, API keys).');

const tls = withSharedRules(
  z.object({
    caSecretRef: secretKeyRef
      .optional()
      .describe('PEM bundle of the certificate authorities that signed the Kasm server certificate, for servers with a private CA.'),
    insecureSkipVerify: z
      .boolean()
      .default(false)
      .describe('Accept any server certificate. For tests only: it lets anyone in the network path read the API secret.'),
  }),
  [
    {
      holds: (v) => v.caSecretRef === undefined || !v.insecureSkipVerify,
      cel: '!(has(self.caSecretRef) && has(self.insecureSkipVerify) && self.insecureSkipVerify)',
      message: 'caSecretRef and insecureSkipVerify exclude each other; remove one',
    },
  ],
).describe('TLS settings for https base URLs.');

const rateLimit = z
  .object({
    requestsPerSecond: z
      .number()
      .positive()
      .max(10000)
      .default(DEFAULT_REQUESTS_PER_SECOND)
      .describe('Sustained rate of API calls the operator makes to this server, shared by every object that uses the connection.'),
    burst: z
      .int()
      .min(1)
      .max(10000)
      .optional()
      .describe('Calls allowed at once above the sustained rate. When absent, one second worth of requestsPerSecond.'),
    maxConcurrent: z
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULT_MAX_CONCURRENT)
      .describe('Calls in flight at the same time.'),
  })
  .describe('Client-side rate limit for calls to this Kasm server (Kasm itself documents none).');

export const kasmConnectionSpec = z
  .object({
    baseUrl: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
        message: 'must be an http(s) URL without query or fragment, e.g. https://kasm.example.com',
      })
      .describe('Address of the Kasm server, e.g. https://kasm.example.com. API calls go to <baseUrl>/api/public/<call>.'),
    credentialsSecretRef: credentialsSecretRef,
    tls: tls.optional(),
    rateLimit: rateLimit.prefault({}),
    timeoutSeconds: z
      .int()
      .min(1)
      .max(600)
      .default(DEFAULT_TIMEOUT_SECONDS)
      .describe('How long one API call may take before it is abandoned and retried.'),
  })
  .describe('Which Kasm server to manage and with which credentials.');
export type KasmConnectionSpec = z.infer<typeof kasmConnectionSpec>;

const zone = z
  .object({
    zoneId: z.string().describe('Kasm id of the zone.'),
    name: z.string().describe('Name of the zone.'),
  })
  .describe('A Kasm deployment zone.');

export const kasmConnectionStatus = z
  .object({
    conditions: conditionsSchema.optional(),
    observedGeneration: z.int().min(0).optional().describe('metadata.generation the status was computed from.'),
    reachable: z.boolean().optional().describe('The server answered the last check over HTTP(S).'),
    authenticated: z.boolean().optional().describe('The server accepted the API key and secret at the last check.'),
    zones: z.array(zone).optional().describe('Zones the server reported at the last check.'),
    lastCheckedTime: timestamp.optional().describe('When the server was last checked.'),
  })
  .describe('What the operator found at the last check of the server.');
export type KasmConnectionStatus = z.infer<typeof kasmConnectionStatus>;

export const kasmConnectionKind = defineKind({
  kind: 'KasmConnection',
  plural: 'kasmconnections',
  shortNames: ['kconn'],
  description: 'A Kasm Workspaces server and the API credentials the operator uses to manage it.',
  managed: false,
  spec: kasmConnectionSpec,
  status: kasmConnectionStatus,
  printerColumns: [
    { name: 'URL', type: 'string', jsonPath: '.spec.baseUrl', description: 'Address of the Kasm server.' },
    { name: 'AUTHENTICATED', type: 'boolean', jsonPath: '.status.authenticated', description: 'The server accepted the API key.', priority: 1 },
  ],
});
export type KasmConnection = z.infer<typeof kasmConnectionKind.resource>;
