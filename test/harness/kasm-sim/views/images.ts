import type { ImageRecord } from '../records.js';
import type { SimState } from '../state.js';

/**
 * An image as get_images prints it. docker_token is a secret: replies carry a mask when one is set
 * and "" when none is. run_config / exec_config / volume_mappings / launch_config stay JSON strings.
 */
export const DOCKER_TOKEN_MASK = '**********';

export function imageView(state: SimState, image: ImageRecord): Record<string, unknown> {
  const zone = image.zone_id === null ? undefined : state.zones.get(image.zone_id);
  const { docker_token, ...rest } = image;
  return {
    ...rest,
    docker_token: docker_token === null || docker_token === '' ? '' : DOCKER_TOKEN_MASK,
    zone_name: zone?.zone_name ?? null,
    server: null,
    server_pool: null,
    imageAttributes: [],
  };
}
