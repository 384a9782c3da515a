import { z } from 'zod';
import { idField, parseWrapped } from '../payload.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { groupImageView } from '../views/groups.js';
import { requireGroup, requireImage } from './lookups.js';

/** Which images a group's members may launch. Adding twice or removing an absent image is a no-op. */
const groupRef = z.object({ group_id: idField });
const imageRef = z.object({ image_id: idField });

/** add_images_group and remove_images_group: the same checks, then `apply`. */
function assignmentRoute(name: string, apply: (state: SimState, groupId: string, imageId: string) => void): SimRoute {
  return {
    name,
    path: publicPath(name),
    permissions: ['Groups Modify', 'Images View'],
    write: true,
    handle({ payload, state }) {
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      const { image_id } = parseWrapped(payload, 'target_image', imageRef);
      requireGroup(state, group_id);
      requireImage(state, image_id);
      apply(state, group_id, image_id);
      return json({});
    },
  };
}

export const groupImageRoutes: readonly SimRoute[] = [
  {
    name: 'get_images_group',
    path: publicPath('get_images_group'),
    permissions: ['Groups View', 'Images View'],
    write: false,
    handle({ payload, state }) {
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      requireGroup(state, group_id);
      const images = [...state.groupImages(group_id).values()].map((row) =>
        groupImageView(state, row.group_id, row.image_id, row.group_image_id),
      );
      return json({ images });
    },
  },
  assignmentRoute('add_images_group', (state, groupId, imageId) => void state.addGroupImage(groupId, imageId)),
  assignmentRoute('remove_images_group', (state, groupId, imageId) => void state.removeGroupImage(groupId, imageId)),
];
