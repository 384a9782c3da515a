import { z } from 'zod';
import { newId } from '../ids.js';
import { idField, parse, parseWrapped } from '../payload.js';
import type { RegistryRecord } from '../records.js';
import { REGISTRY_WORKSPACES } from '../registry-catalogue.js';
import { BusinessFailure } from '../route-errors.js';
import { adminPath, json } from '../route.js';
import type { SimRoute } from '../route.js';
import { requireRecord } from './lookups.js';

/** Workspace registries on the admin API. There is no update: a changed URL is delete + create. */
const createRegistrySchema = z.object({
  registry: z.url(),
  channel: z.string().nullish(),
  override_schema: z.union([z.string(), z.boolean()]).nullish(),
});
const registryRef = z.object({ registry_id: idField });

function registryView(registry: RegistryRecord): Record<string, unknown> {
  return {
    registry_id: registry.registry_id,
    registry_url: registry.registry_url,
    channel: registry.channel,
    do_auto_update: registry.do_auto_update,
    schema_version: registry.schema_version,
    is_verified: registry.is_verified,
    workspaces: REGISTRY_WORKSPACES,
  };
}

export const registryRoutes: readonly SimRoute[] = [
  {
    name: 'get_registries',
    path: adminPath('get_registries'),
    permissions: ['Registries View'],
    write: false,
    handle({ state }) {
      return json({ registries: [...state.registries.values()].map(registryView) });
    },
  },
  {
    name: 'create_registry',
    path: adminPath('create_registry'),
    permissions: ['Registries Modify'],
    write: true,
    handle({ payload, state }) {
      const fields = parse(createRegistrySchema, payload);
      if (state.findRegistryByUrl(fields.registry) !== undefined) {
        throw new BusinessFailure('Registry already exists');
      }
      const registry = state.addRegistry({
        registry_id: newId(),
        registry_url: fields.registry,
        channel: fields.channel ?? null,
        override_schema: fields.override_schema ?? null,
        do_auto_update: true,
        schema_version: '1.1',
        is_verified: true,
      });
      return json({ registry: registryView(registry) });
    },
  },
  {
    name: 'delete_registry',
    path: adminPath('delete_registry'),
    permissions: ['Registries Modify'],
    write: true,
    handle({ payload, state }) {
      const { registry_id } = parseWrapped(payload, 'target_registry', registryRef);
      requireRecord(state.registries, registry_id, 'Registry');
      state.deleteRegistry(registry_id);
      return json({});
    },
  },
];
