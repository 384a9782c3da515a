import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { normalizeKasmId } from '../ids.js';
import {
  jsonObjectOrString,
  jsonTextInput,
  kasmId,
  listOf,
  nullableBoolean,
  nullableInteger,
  nullableKasmId,
  nullableNumber,
  nullableString,
} from '../schema-primitives.js';
import { camelKeys, snakeKeys } from './key-case.js';
import { requireFound } from './not-found.js';

/**
 * Images (workspaces). `memory` is bytes, `cores` a float. run_config, exec_config, volume_mappings
 * and launch_config travel as JSON text; the client takes and returns objects.
 */

// ---- replies ----

const imageAttributeSchema = z
  .object({
    attr_id: nullableKasmId,
    name: nullableString,
    category: nullableString,
    value: z.unknown(),
  })
  .transform(camelKeys);

export const kasmImageSchema = z
  .object({
    image_id: kasmId,
    name: z.string(),
    friendly_name: nullableString,
    description: nullableString,
    image_type: nullableString,
    image_src: nullableString,
    docker_registry: nullableString,
    docker_user: nullableString,
    hash: nullableString,
    uncompressed_size_mb: nullableNumber,
    x_res: nullableInteger,
    y_res: nullableInteger,
    hidden: nullableBoolean,
    memory: nullableInteger,
    cores: nullableNumber,
    cpu_allocation_method: nullableString,
    require_gpu: nullableBoolean,
    gpu_count: nullableInteger,
    zone_id: nullableKasmId,
    zone_name: nullableString,
    restrict_to_zone: nullableBoolean,
    server_id: nullableKasmId,
    restrict_to_server: nullableBoolean,
    server_pool_id: nullableKasmId,
    restrict_to_network: nullableBoolean,
    restrict_network_names: listOf(z.string()),
    allow_network_selection: nullableBoolean,
    override_egress_gateways: nullableBoolean,
    enabled: nullableBoolean,
    available: nullableBoolean,
    session_time_limit: nullableInteger,
    persistent_profile_path: nullableString,
    enforce_workspace_persistence: nullableBoolean,
    is_remote_app: nullableBoolean,
    remote_app_name: nullableString,
    remote_app_args: nullableString,
    remote_app_icon: nullableString,
    remote_app_program: nullableString,
    link_url: nullableString,
    categories: listOf(z.string()),
    default_category: nullableString,
    notes: nullableString,
    filter_policy_id: nullableKasmId,
    filter_policy_name: nullableString,
    filter_policy_force_disabled: nullableBoolean,
    run_config: jsonObjectOrString,
    exec_config: jsonObjectOrString,
    volume_mappings: jsonObjectOrString,
    launch_config: jsonObjectOrString,
    // Kasm spells this one key in camelCase.
    imageAttributes: listOf(imageAttributeSchema),
  })
  .transform(camelKeys);
export type KasmImage = z.output<typeof kasmImageSchema>;

// ---- requests ----

const optionalText = z.string().nullable().optional();
const optionalId = kasmId.nullable().optional();

const imageFields = {
  name: z.string().trim().min(1, 'must not be empty (the Docker image, e.g. kasmweb/chrome:1.16.0)'),
  friendlyName: optionalText,
  description: optionalText,
  imageType: z.string().min(1).optional(),
  imageSrc: optionalText,
  dockerRegistry: optionalText,
  dockerUser: optionalText,
  dockerToken: optionalText,
  uncompressedSizeMb: z.number().nonnegative().optional(),
  xRes: z.number().int().positive().optional(),
  yRes: z.number().int().positive().optional(),
  hidden: z.boolean().optional(),
  memory: z.number().int('must be whole bytes').nonnegative().optional(),
  cores: z.number().nonnegative().optional(),
  cpuAllocationMethod: z.enum(['Inherit', 'Quotas', 'Shares']).optional(),
  requireGpu: z.boolean().optional(),
  gpuCount: z.number().int().nonnegative().optional(),
  zoneId: optionalId,
  restrictToZone: z.boolean().optional(),
  serverId: optionalId,
  restrictToServer: z.boolean().optional(),
  serverPoolId: optionalId,
  restrictToNetwork: z.boolean().optional(),
  restrictNetworkNames: z.array(z.string()).optional(),
  allowNetworkSelection: z.boolean().optional(),
  overrideEgressGateways: z.boolean().optional(),
  enabled: z.boolean().optional(),
  sessionTimeLimit: z.number().int().nonnegative().nullable().optional(),
  persistentProfilePath: optionalText,
  isRemoteApp: z.boolean().optional(),
  remoteAppName: optionalText,
  remoteAppArgs: optionalText,
  remoteAppIcon: optionalText,
  remoteAppProgram: optionalText,
  linkUrl: optionalText,
  categories: z.array(z.string()).optional(),
  defaultCategory: optionalText,
  notes: optionalText,
  filterPolicyId: optionalId,
  filterPolicyForceDisabled: z.boolean().optional(),
  runConfig: jsonTextInput.optional(),
  execConfig: jsonTextInput.optional(),
  volumeMappings: jsonTextInput.optional(),
  launchConfig: jsonTextInput.optional(),
};

const createImageRequest = z.object(imageFields).transform((image) => ({ target_image: snakeKeys(image) }));
export type CreateImageInput = z.input<typeof createImageRequest>;

const updateImageRequest = z
  .object({ imageId: kasmId, ...imageFields, name: imageFields.name.optional() })
  .transform((image) => ({ target_image: snakeKeys(image) }));
export type UpdateImageChanges = Omit<z.input<typeof updateImageRequest>, 'imageId'>;

const deleteImageRequest = z.object({ imageId: kasmId }).transform(({ imageId }) => ({ target_image: { image_id: imageId } }));

// ---- endpoints ----

export const imagesEndpoints = {
  getImages: defineEndpoint({
    name: 'get_images',
    path: '/api/public/get_images',
    kind: 'read',
    permissions: ['Images View'],
    request: z.object({}),
    response: z.object({ images: listOf(kasmImageSchema) }),
  }),
  createImage: defineEndpoint({
    name: 'create_image',
    path: '/api/public/create_image',
    kind: 'write',
    permissions: ['Images Create'],
    request: createImageRequest,
    response: z.object({ image: kasmImageSchema }),
  }),
  updateImage: defineEndpoint({
    name: 'update_image',
    path: '/api/public/update_image',
    kind: 'write',
    permissions: ['Images Modify'],
    request: updateImageRequest,
    response: z.object({ image: kasmImageSchema.optional() }),
  }),
  deleteImage: defineEndpoint({
    name: 'delete_image',
    path: '/api/public/delete_image',
    kind: 'write',
    permissions: ['Images Delete'],
    request: deleteImageRequest,
    response: z.object({}),
  }),
};

// ---- API ----

export class ImagesApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** Image names (Docker references) are not unique in Kasm: creating the same name twice makes two images. */
  async create(input: CreateImageInput, options?: CallOptions): Promise<KasmImage> {
    return (await this.#caller.call(imagesEndpoints.createImage, input, options)).image;
  }

  async list(options?: CallOptions): Promise<KasmImage[]> {
    return (await this.#caller.call(imagesEndpoints.getImages, {}, options)).images;
  }

  /** Kasm has no single-image read: this lists and picks. */
  async get(imageId: string, options?: CallOptions): Promise<KasmImage> {
    const id = normalizeKasmId(imageId, { field: 'imageId', endpoint: imagesEndpoints.getImages.name });
    const images = await this.list(options);
    return requireFound(images.find((image) => image.imageId === id), 'Image', imagesEndpoints.getImages.name);
  }

  /** Changes only the fields given. */
  async update(imageId: string, changes: UpdateImageChanges, options?: CallOptions): Promise<KasmImage> {
    const reply = await this.#caller.call(imagesEndpoints.updateImage, { ...changes, imageId }, options);
    return reply.image ?? this.get(imageId, options);
  }

  async delete(imageId: string, options?: CallOptions): Promise<void> {
    await this.#caller.call(imagesEndpoints.deleteImage, { imageId }, options);
  }
}
