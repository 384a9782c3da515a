import { kasmEgressProviderSpec, type KasmEgressProviderSpec } from '../../api/kasm-egress-provider.js';
import type { KasmEgressProvider, UpdateEgressProviderChanges } from '../../kasm/areas/egress.js';
import type { FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { configAtProvider, configToSend, diffConfig, resolveConfig, scrubbingSecrets, secretVersionsStatus, touchesConfig, type ResolvedConfig } from './egress-config.js';
import { EGRESS_PROVIDERS_INVENTORY, egressProvidersInventory, findEgressObject, type EgressFinder } from './egress-inventories.js';
import { forgetIn, rememberIn } from './kasm-inventories.js';

interface ProviderResolved {
  spec: KasmEgressProviderSpec;
  config: ResolvedConfig;
}

interface ProviderObserved {
  provider: KasmEgressProvider;
  /** spec.config keys: the only config values status shows. */
  declaredConfig: ResolvedConfig;
}

const background = { priority: 'background' as const };

function finder(name: string): EgressFinder<KasmEgressProvider> {
  return {
    inventoryName: EGRESS_PROVIDERS_INVENTORY,
    inventory: egressProvidersInventory,
    id: (p) => p.egressProviderId,
    readById: (ctx, id) => ctx.kasm.egress.providers.get(id, { ...background, signal: ctx.signal }),
    listCandidates: (ctx) => ctx.kasm.egress.providers.list({ ...background, signal: ctx.signal }),
    matches: (p) => p.name === name,
    duplicates: { refuse: `spec.name: Kasm egress providers named "${name}"` },
  };
}

const observation = (provider: KasmEgressProvider, resolved: ProviderResolved): Observation<ProviderObserved> => ({
  observed: { provider, declaredConfig: resolved.config },
  externalId: provider.egressProviderId,
});

/** The spec's fields as provider changes: all of them, or those in `fields`. */
function changesFor(resolved: ProviderResolved, fields: ReadonlySet<string> | undefined): UpdateEgressProviderChanges {
  const { spec } = resolved;
  const wants = (f: string): boolean => fields === undefined || fields.has(f);
  const changes: UpdateEgressProviderChanges = {};
  if (wants('name')) changes.name = spec.name;
  if (wants('egressProviderType')) changes.egressProviderType = spec.egressProviderType;
  if (spec.enabled !== undefined && wants('enabled')) changes.enabled = spec.enabled;
  const config = configToSend(resolved.config);
  if (config !== undefined && (fields === undefined || touchesConfig(fields))) changes.config = config;
  return changes;
}

export const kasmEgressProviderAdapter: ManagedKindAdapter<KasmEgressProviderSpec, ProviderResolved, ProviderObserved> = {
  kind: 'KasmEgressProvider',
  specSchema: kasmEgressProviderSpec,

  resolve(spec, ctx) {
    return Promise.resolve({ spec, config: resolveConfig(ctx, spec) });
  },

  naturalKey: (resolved) => resolved.spec.name,

  async observe(ctx, lookup) {
    const provider = await findEgressObject(ctx, finder(lookup.resolved.spec.name), lookup);
    return provider ? observation(provider, lookup.resolved) : undefined;
  },

  async create(ctx, resolved) {
    const input = { ...changesFor(resolved, undefined), name: resolved.spec.name, egressProviderType: resolved.spec.egressProviderType };
    const provider = await scrubbingSecrets(resolved.config.secrets, () => ctx.kasm.egress.providers.create(input, { signal: ctx.signal }));
    await rememberIn(ctx, egressProvidersInventory, provider);
    return observation(provider, resolved);
  },

  async update(ctx, current, resolved, diff) {
    const changes = changesFor(resolved, new Set(diff.map((d) => d.field)));
    const provider = await scrubbingSecrets(resolved.config.secrets, () => ctx.kasm.egress.providers.update(current.externalId, changes, { signal: ctx.signal }));
    await rememberIn(ctx, egressProvidersInventory, provider);
    return observation(provider, resolved);
  },

  async delete(ctx, current) {
    // Kasm removes the provider's gateways, their credentials and its mappings with it.
    await ctx.kasm.egress.providers.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, egressProvidersInventory, current.externalId);
  },

  diff(resolved, { provider }, status) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    if (provider.name !== spec.name) diff.push({ field: 'name', desired: spec.name, observed: provider.name });
    if (provider.egressProviderType !== spec.egressProviderType) {
      diff.push({ field: 'egressProviderType', desired: spec.egressProviderType, observed: provider.egressProviderType ?? '' });
    }
    if (spec.enabled !== undefined && provider.enabled !== spec.enabled) diff.push({ field: 'enabled', desired: String(spec.enabled), observed: String(provider.enabled ?? '') });
    return [...diff, ...diffConfig(resolved.config, provider.config, status)];
  },

  atProvider({ provider, declaredConfig }) {
    return {
      egressProviderId: provider.egressProviderId,
      name: provider.name,
      egressProviderType: provider.egressProviderType,
      enabled: provider.enabled,
      ...configAtProvider(declaredConfig, provider.config),
    };
  },

  extraStatus(resolved) {
    return secretVersionsStatus(resolved.config.secrets);
  },
};
