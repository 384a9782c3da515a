import { z } from 'zod';
import { defineKind } from './kind-definition.js';
import { managedSpec, managedStatus } from './managed-resource.js';
import { byteQuantity } from './quantity.js';
import { kasmId, objectName, secretKey } from './references.js';
import { withCrdMeta } from './validation-rules.js';

/**
 * KasmImage: a Kasm workspace image (create/update/delete_image, get_images). Optional fields left
 * out are not managed: values set in the Kasm UI stay. Kasm image names are not unique, so the
 * name only adopts an existing image under ["Observe"] or after an interrupted create; otherwise
 * the kasm.io/external-id annotation says which image to manage.
 */

/** A JSON object passed to Kasm as it is written (Docker run/exec options, volume mappings). */
function jsonObjectField(description: string) {
  return withCrdMeta(z.record(z.string(), z.unknown()), { 'x-kubernetes-preserve-unknown-fields': true }).describe(description);
}

export const dockerCredentialsSecretRef = z
  .object({
    name: objectName.describe('Name of the Secret in the same namespace.'),
    usernameKey: secretKey.default('username').describe('Key holding the registry username.'),
    tokenKey: secretKey.default('token').describe('Key holding the registry password or access token.'),
  })
  .describe('Secret holding the credentials Kasm uses to pull the image from a private registry. A changed Secret is applied again.');
export type DockerCredentialsSecretRef = z.infer<typeof dockerCredentialsSecretRef>;

const restrictions = z
  .object({
    zoneId: kasmId.optional().describe('Kasm id of the deployment zone the image is tied to.'),
    restrictToZone: z.boolean().optional().describe('Start sessions of this image only in zoneId.'),
    serverId: kasmId.optional().describe('Kasm id of the agent or server the image is tied to.'),
    restrictToServer: z.boolean().optional().describe('Start sessions of this image only on serverId.'),
    restrictToNetwork: z.boolean().optional().describe('Attach sessions only to the Docker networks in restrictNetworkNames.'),
    restrictNetworkNames: z
      .array(z.string().min(1).max(255))
      .max(64)
      .optional()
      .describe('Docker network names sessions may use when restrictToNetwork is true.'),
  })
  .describe('Where sessions of the image may run. Only the fields listed are managed.');
export type KasmImageRestrictions = z.infer<typeof restrictions>;

export const kasmImageSpec = managedSpec({
  name: z
    .string()
    .min(1)
    .max(512)
    .regex(/^\S+$/, { message: 'must be a Docker image reference without spaces, e.g. kasmweb/chrome:1.16.0' })
    .describe('Docker image of the workspace, e.g. kasmweb/chrome:1.16.0. Not unique in Kasm: see the kasm.io/external-id annotation to manage an existing image.'),
  friendlyName: z.string().min(1).max(255).optional().describe('Name users see in the workspace list, e.g. Chrome.'),
  description: z.string().max(4096).optional().describe('Description users see.'),
  cores: z.number().positive().max(1024).optional().describe('CPU cores per session; fractions allowed, e.g. 1.5.'),
  memory: byteQuantity({ min: 1 })
    .optional()
    .describe('Memory per session as a Kubernetes quantity, e.g. 2Gi or 512Mi; sent to Kasm in bytes.'),
  gpuCount: z.int().min(0).max(64).optional().describe('GPUs per session.'),
  enabled: z.boolean().optional().describe('Users can launch the workspace.'),
  hidden: z.boolean().optional().describe('Leave the workspace out of the users\' workspace list.'),
  dockerRegistry: z.string().min(1).max(1024).optional().describe('Registry the image is pulled from, e.g. https://index.docker.io/v1/.'),
  dockerCredentialsSecretRef: dockerCredentialsSecretRef.optional(),
  imageSrc: z.string().min(1).max(4096).optional().describe('Icon of the workspace: a path on the Kasm server or a URL.'),
  categories: z.array(z.string().min(1).max(255)).max(64).optional().describe('Categories the workspace is listed under.'),
  runConfig: jsonObjectField('Docker run options Kasm applies to each session container, e.g. {"hostname": "kasm"}.').optional(),
  execConfig: jsonObjectField('Commands Kasm runs in the session, e.g. {"first_launch": {"user": "root", "cmd": "..."}}.').optional(),
  volumeMappings: jsonObjectField('Volumes mounted into sessions, keyed by host path, e.g. {"/data": {"bind": "/data", "mode": "rw"}}.').optional(),
  restrictions: restrictions.optional(),
  sessionTimeLimit: z.int().min(0).max(31_536_000).optional().describe('Maximum session length in seconds; 0 means no limit.'),
  persistentProfilePath: z.string().min(1).max(4096).optional().describe('Where persistent profiles are kept, e.g. /mnt/profiles/{username}.'),
}).describe('The Kasm workspace image to manage.');
export type KasmImageSpec = z.infer<typeof kasmImageSpec>;

// Status mirrors whatever Kasm holds, so it carries no spec constraints.
export const kasmImageAtProvider = z
  .object({
    imageId: z.string().describe('Kasm id of the image.'),
    name: z.string().describe('Docker image.'),
    friendlyName: z.string().nullable().optional().describe('Name users see.'),
    description: z.string().nullable().optional().describe('Description.'),
    enabled: z.boolean().nullable().optional().describe('Whether users can launch it.'),
    hidden: z.boolean().nullable().optional().describe('Whether it is hidden from the workspace list.'),
    available: z.boolean().nullable().optional().describe('Whether an agent has the image ready.'),
    cores: z.number().nullable().optional().describe('CPU cores per session.'),
    memory: z.int().nullable().optional().describe('Memory per session in bytes.'),
    gpuCount: z.int().nullable().optional().describe('GPUs per session.'),
    dockerRegistry: z.string().nullable().optional().describe('Registry.'),
    dockerUser: z.string().nullable().optional().describe('Registry username (the token is never shown).'),
    imageSrc: z.string().nullable().optional().describe('Icon.'),
    categories: z.array(z.string()).optional().describe('Categories.'),
    zoneId: z.string().nullable().optional().describe('Zone the image is tied to.'),
    restrictToZone: z.boolean().nullable().optional().describe('Sessions only in that zone.'),
    serverId: z.string().nullable().optional().describe('Server the image is tied to.'),
    restrictToServer: z.boolean().nullable().optional().describe('Sessions only on that server.'),
    restrictToNetwork: z.boolean().nullable().optional().describe('Sessions only on the listed networks.'),
    restrictNetworkNames: z.array(z.string()).optional().describe('Allowed Docker networks.'),
    sessionTimeLimit: z.int().nullable().optional().describe('Maximum session length in seconds.'),
    persistentProfilePath: z.string().nullable().optional().describe('Persistent profile path.'),
  })
  .describe('The image as Kasm reports it.');
export type KasmImageAtProvider = z.infer<typeof kasmImageAtProvider>;

export const kasmImageStatus = managedStatus(kasmImageAtProvider, {
  dockerCredentialsSecretVersion: z
    .string()
    .max(64)
    .optional()
    .describe('resourceVersion of the docker credentials Secret last applied to Kasm; a different version means the credentials are sent again.'),
});
export type KasmImageStatus = z.infer<typeof kasmImageStatus>;

export const kasmImageKind = defineKind({
  kind: 'KasmImage',
  plural: 'kasmimages',
  shortNames: ['kimage'],
  description: 'A Kasm Workspaces workspace image.',
  managed: true,
  spec: kasmImageSpec,
  status: kasmImageStatus,
  printerColumns: [
    { name: 'IMAGE', type: 'string', jsonPath: '.spec.name', description: 'Docker image.' },
    { name: 'ENABLED', type: 'boolean', jsonPath: '.status.atProvider.enabled', description: 'Whether users can launch it, as Kasm reports.' },
  ],
});
export type KasmImage = z.infer<typeof kasmImageKind.resource>;
