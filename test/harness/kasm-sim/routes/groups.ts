import { z } from 'zod';
import { newId } from '../ids.js';
import { idField, parseWrapped } from '../payload.js';
import { groupFieldsSchema } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import { groupView } from '../views/groups.js';
import { requireGroup } from './lookups.js';

/** Groups: list, create, update, delete. System groups cannot be deleted. */
const DEFAULT_PRIORITY = 100;

const createGroupSchema = groupFieldsSchema.partial().required({ name: true });
const updateGroupSchema = groupFieldsSchema.partial().extend({ group_id: idField });
const groupRef = z.object({ group_id: idField });

export const groupRoutes: readonly SimRoute[] = [
  {
    name: 'get_groups',
    path: publicPath('get_groups'),
    permissions: ['Groups View'],
    write: false,
    handle({ state }) {
      return json({ groups: [...state.groups.values()].map((group) => groupView(state, group)) });
    },
  },
  {
    name: 'create_group',
    path: publicPath('create_group'),
    permissions: ['Groups Create'],
    write: true,
    handle({ payload, state }) {
      const fields = parseWrapped(payload, 'target_group', createGroupSchema);
      if (state.findGroupByName(fields.name) !== undefined) {
        throw new BusinessFailure('Group name already exists');
      }
      const group = state.addGroup({
        group_id: newId(),
        name: fields.name,
        description: fields.description ?? '',
        priority: fields.priority ?? DEFAULT_PRIORITY,
        is_system: false,
        group_metadata: fields.group_metadata ?? [],
        group_mappings: [],
      });
      return json({ group: groupView(state, group) });
    },
  },
  {
    name: 'update_group',
    path: publicPath('update_group'),
    permissions: ['Groups Modify'],
    write: true,
    handle(context) {
      const { payload, state } = context;
      const { group_id, name, description, priority, group_metadata } = parseWrapped(payload, 'target_group', updateGroupSchema);
      const group = requireGroup(state, group_id);
      if (group.is_system) context.demand('Groups Modify System');
      if (name !== undefined && name !== group.name && state.findGroupByName(name) !== undefined) {
        throw new BusinessFailure('Group name already exists');
      }
      if (description !== undefined) group.description = description;
      if (priority !== undefined) group.priority = priority;
      if (group_metadata !== undefined) group.group_metadata = group_metadata;
      if (name !== undefined) state.renameGroup(group_id, name);
      return json({ group: groupView(state, group) });
    },
  },
  {
    name: 'delete_group',
    path: publicPath('delete_group'),
    permissions: ['Groups Delete'],
    write: true,
    handle({ payload, state }) {
      const { group_id } = parseWrapped(payload, 'target_group', groupRef);
      if (requireGroup(state, group_id).is_system) {
        throw new BusinessFailure('Cannot delete a system group');
      }
      state.deleteGroup(group_id);
      return json({});
    },
  },
];
