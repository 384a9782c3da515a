import { z } from 'zod';
import { definedFields } from '../defined-fields.js';
import { newId } from '../ids.js';
import { idField, parseWrapped } from '../payload.js';
import { imageFieldsSchema } from '../records.js';
import type { ImageFields, ImageRecord } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { DOCKER_TOKEN_MASK, imageView } from '../views/images.js';
import { requireImage } from './lookups.js';

/** Workspaces (images). Names are not unique in Kasm, so there is no conflict on create. */
const IMAGE_DEFAULTS: Omit<ImageFields, 'name'> = {
  friendly_name: null,
  description: '',
  image_type: 'Container',
  image_src: '',
  docker_registry: 'https://index.docker.io/v1/',
  docker_user: '',
  docker_token: '',
  uncompressed_size_mb: 0,
  x_res: 0,
  y_res: 0,
  hidden: false,
  memory: 2_768_000_000,
  cores: 2,
  cpu_allocation_method: 'Inherit',
  require_gpu: false,
  gpu_count: 0,
  zone_id: null,
  restrict_to_zone: false,
  server_id: null,
  restrict_to_server: false,
  server_pool_id: null,
  restrict_to_network: false,
  restrict_network_names: [],
  allow_network_selection: false,
  override_egress_gateways: false,
  enabled: true,
  session_time_limit: null,
  persistent_profile_path: '',
  is_remote_app: false,
  remote_app_name: null,
  remote_app_args: null,
  remote_app_icon: null,
  remote_app_program: null,
  link_url: null,
  categories: [],
  default_category: null,
  notes: null,
  filter_policy_id: null,
  filter_policy_force_disabled: false,
  run_config: '{}',
  exec_config: '{}',
  volume_mappings: '{}',
  launch_config: '{}',
};

const createImageSchema = imageFieldsSchema.partial().required({ name: true });
const updateImageSchema = imageFieldsSchema.partial().extend({ image_id: idField });
const imageRef = z.object({ image_id: idField });

function checkZone(state: SimState, zoneId: string | null | undefined): void {
  if (typeof zoneId === 'string' && !state.zones.has(zoneId)) {
    throw new BusinessFailure('Zone not found');
  }
}

export const imageRoutes: readonly SimRoute[] = [
  {
    name: 'get_images',
    path: publicPath('get_images'),
    permissions: ['Images View'],
    write: false,
    handle({ state }) {
      return json({ images: [...state.images.values()].map((image) => imageView(state, image)) });
    },
  },
  {
    name: 'create_image',
    path: publicPath('create_image'),
    permissions: ['Images Create'],
    write: true,
    handle({ payload, state }) {
      const fields = parseWrapped(payload, 'target_image', createImageSchema);
      checkZone(state, fields.zone_id);
      const image: ImageRecord = {
        ...IMAGE_DEFAULTS,
        friendly_name: fields.name,
        ...definedFields(fields),
        name: fields.name,
        image_id: newId(),
        available: true,
        hash: null,
      };
      state.addImage(image);
      return json({ image: imageView(state, image) });
    },
  },
  {
    name: 'update_image',
    path: publicPath('update_image'),
    permissions: ['Images Modify'],
    write: true,
    handle({ payload, state }) {
      const { image_id, ...fields } = parseWrapped(payload, 'target_image', updateImageSchema);
      const image = requireImage(state, image_id);
      checkZone(state, fields.zone_id);
      // A client that sends back the mask it read means "unchanged", not a new token.
      if (fields.docker_token === DOCKER_TOKEN_MASK) delete fields.docker_token;
      Object.assign(image, definedFields(fields));
      return json({ image: imageView(state, image) });
    },
  },
  {
    name: 'delete_image',
    path: publicPath('delete_image'),
    permissions: ['Images Delete'],
    write: true,
    handle({ payload, state }) {
      const { image_id } = parseWrapped(payload, 'target_image', imageRef);
      requireImage(state, image_id);
      state.deleteImage(image_id);
      return json({});
    },
  },
];
