import type { GroupRecord, ImageRecord, UserRecord } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import type { SimState } from '../state.js';

/** Finding the objects a request names, with Kasm's "not found" wording when they are missing. */
export function requireUser(state: SimState, userId: string): UserRecord {
  const user = state.users.get(userId);
  if (user === undefined) throw new BusinessFailure('User not found');
  return user;
}

export function requireGroup(state: SimState, groupId: string): GroupRecord {
  const group = state.groups.get(groupId);
  if (group === undefined) throw new BusinessFailure('Group not found');
  return group;
}

export function requireImage(state: SimState, imageId: string): ImageRecord {
  const image = state.images.get(imageId);
  if (image === undefined) throw new BusinessFailure('Image not found');
  return image;
}

/** The value of `map[id]`, or a "<thing> not found" failure. */
export function requireRecord<T>(map: ReadonlyMap<string, T>, id: string, thing: string): T {
  const record = map.get(id);
  if (record === undefined) throw new BusinessFailure(`${thing} not found`);
  return record;
}
