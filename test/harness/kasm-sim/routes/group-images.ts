import { z } from 'zod';
import { idField, parseWrapped } from '../payload.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import { groupImageView } from '../views/groups.js';
import { requireGroup, requireImage } from './lookups.js';

/** Which images a group's members may launch. Adding twice or removing an absent image is a no-op. */
const groupRef = z.object({ group_id: idField });
const imageRef = z.object({ image_id: idField });

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
  {
    name: 'add_images_group',
    path: publicPath('add_images_group'),
    permissions: ['Groups Modify', 'Images View'],
    write: true,
    handle({ payload, state }) {
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      const { image_id } = parseWrapped(payload, 'target_image', imageRef);
      requireGroup(state, group_id);
      requireImage(state, image_id);
      state.addGroupImage(group_id, image_id);
      return json({});
    },
  },
  {
    name: 'remove_images_group',
    path: publicPath('remove_images_group'),
    permissions: ['Groups Modify', 'Images View'],
    write: true,
    handle({ payload, state }) {
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      const { image_id } = parseWrapped(payload, 'target_image', imageRef);
      requireGroup(state, group_id);
      requireImage(state, image_id);
      state.removeGroupImage(group_id, image_id);
      return json({});
    },
  },
];
