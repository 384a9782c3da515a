import { kasmRegistrySpec, MAX_LISTED_WORKSPACES, type KasmRegistrySpec } from '../../api/kasm-registry.js';
import type { KasmRegistry } from '../../kasm/areas/registries.js';
import { KasmNotFoundError } from '../../kasm/errors.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { allows } from '../policies.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { findIn, forgetIn, inventoryOf, rememberIn } from './kasm-inventories.js';

/**
 * KasmRegistry over create_registry / delete_registry, observed in bulk with get_registries. Kasm
 * has no registry update, so a changed channel (in the spec, or in Kasm behind the operator's back)
 * replaces the registry: delete, then create (the URL is unique, so the order cannot be reversed).
 */

const REGISTRIES_INVENTORY = 'registries';

interface RegistryResolved {
  spec: KasmRegistrySpec;
}

interface RegistryObserved {
  registry: KasmRegistry;
  /** Set by a replacement: the Kasm id of the registry it deleted. */
  replaced?: string;
}

/** Kasm and people write registry URLs with and without a trailing slash, in any case. */
function registryUrlKey(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

const registriesInventory = inventoryOf<KasmRegistry>(REGISTRIES_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.registries.list({ priority: 'background' }),
  id: (r) => r.registryId,
  naturalKeys: (r) => [registryUrlKey(r.registryUrl)],
}));

function observeRegistry(ctx: AdapterContext, registry: KasmRegistry): Observation<RegistryObserved> {
  ctx.deps.dependOnKasm(REGISTRIES_INVENTORY, registry.registryId);
  return { observed: { registry }, externalId: registry.registryId };
}

async function createRegistry(ctx: AdapterContext, spec: KasmRegistrySpec): Promise<Observation<RegistryObserved>> {
  const registry = await ctx.kasm.registries.create(
    {
      registryUrl: spec.url,
      ...(spec.channel !== undefined ? { channel: spec.channel } : {}),
      ...(spec.schemaOverride !== undefined ? { overrideSchema: spec.schemaOverride } : {}),
    },
    { signal: ctx.signal },
  );
  await rememberIn(ctx, registriesInventory, registry);
  return observeRegistry(ctx, registry);
}

async function deleteRegistry(ctx: AdapterContext, registryId: string): Promise<void> {
  try {
    await ctx.kasm.registries.delete(registryId, { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof KasmNotFoundError)) throw err;
  }
  await forgetIn(ctx, registriesInventory, registryId);
}

/** Replacing deletes and creates: both must be allowed by the management policies. */
function mayReplace(spec: KasmRegistrySpec): boolean {
  return allows(spec.managementPolicies, 'Create') && allows(spec.managementPolicies, 'Delete');
}

export const kasmRegistryAdapter: ManagedKindAdapter<KasmRegistrySpec, RegistryResolved, RegistryObserved> = {
  kind: 'KasmRegistry',
  specSchema: kasmRegistrySpec,

  resolve: (spec) => Promise.resolve({ spec }),

  naturalKey: (resolved) => resolved.spec.url,

  async observe(ctx, { externalId, naturalKey, byNaturalKey, refresh }) {
    const key = registryUrlKey(naturalKey);
    ctx.deps.dependOnKasm(REGISTRIES_INVENTORY, key);
    const by = externalId !== undefined ? { id: externalId } : byNaturalKey ? { key } : undefined;
    if (by === undefined) return undefined;
    const matches = (r: KasmRegistry): boolean => ('id' in by ? r.registryId === by.id : registryUrlKey(r.registryUrl) === key);
    // Per object: Kasm has no single-registry read, so one get_registries.
    const readOne = async (): Promise<KasmRegistry | undefined> => (await ctx.kasm.registries.list({ priority: 'background', signal: ctx.signal })).find(matches);
    const found = await findIn(ctx, REGISTRIES_INVENTORY, registriesInventory, by, readOne, refresh);
    return found ? observeRegistry(ctx, found) : undefined;
  },

  create: (ctx, resolved) => createRegistry(ctx, resolved.spec),

  async update(ctx, current, { spec }, diff) {
    if (diff.some((d) => d.field === 'url')) {
      throw new InvalidSpecError(
        `spec.url: the registry this resource tracks (${current.externalId}) is ${current.observed.registry.registryUrl}, not ${spec.url}; correct the kasm.io/external-id annotation or spec.url`,
      );
    }
    if (!mayReplace(spec)) {
      throw new InvalidSpecError(
        `spec.channel: Kasm cannot change a registry in place; applying channel ${spec.channel ?? ''} replaces the registry (delete_registry, then create_registry), which needs Create and Delete in spec.managementPolicies (or "*")`,
      );
    }
    await deleteRegistry(ctx, current.externalId);
    const replacement = await createRegistry(ctx, spec);
    return { ...replacement, observed: { ...replacement.observed, replaced: current.externalId } };
  },

  async delete(ctx, current) {
    await deleteRegistry(ctx, current.externalId);
  },

  diff({ spec }, { registry }) {
    const diff: FieldDiff[] = [];
    if (registryUrlKey(registry.registryUrl) !== registryUrlKey(spec.url)) diff.push({ field: 'url', desired: spec.url, observed: registry.registryUrl });
    if (spec.channel !== undefined && (registry.channel ?? '') !== spec.channel) diff.push({ field: 'channel', desired: spec.channel, observed: registry.channel ?? '' });
    return diff;
  },

  atProvider({ registry }) {
    return {
      registryId: registry.registryId,
      url: registry.registryUrl,
      channel: registry.channel,
      doAutoUpdate: registry.doAutoUpdate,
      schemaVersion: registry.schemaVersion,
      isVerified: registry.isVerified,
      workspaceCount: registry.workspaces.length,
      workspaces: registry.workspaces.slice(0, MAX_LISTED_WORKSPACES).map((w) => ({
        name: w.name,
        friendlyName: w.friendlyName,
        description: w.description,
        dockerRegistry: w.dockerRegistry,
        compatibility: w.compatibility.map((c) => ({ image: c.image, version: c.version, availableTags: c.availableTags })),
      })),
    };
  },

  // A replaced registry has a new Kasm id: say so, since anything holding the old id must follow.
  afterSync(_ctx, { current }) {
    const { registry, replaced } = current.observed;
    if (replaced === undefined) return Promise.resolve({});
    const note = `Replaced registry ${registry.registryUrl}, as Kasm has no registry update: its Kasm id is now ${current.externalId} (was ${replaced})`;
    return Promise.resolve({ events: [{ type: 'Normal' as const, reason: 'Replaced', note }] });
  },
};
