import { kasmEgressGatewaySpec, type KasmEgressGatewaySpec } from '../../api/kasm-egress-gateway.js';
import type { KasmEgressGateway, UpdateEgressGatewayChanges } from '../../kasm/areas/egress.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { resolveManagedRef } from '../reference-resolver.js';
import { configAtProvider, configToSend, diffConfig, resolveConfig, scrubbingSecrets, secretVersionsStatus, touchesConfig, type ResolvedConfig } from './egress-config.js';
import {
  EGRESS_GATEWAYS_INVENTORY,
  egressGatewaysInventory,
  findEgressProvider,
  findEgressObject,
  gatewayKey,
  type EgressFinder,
} from './egress-inventories.js';
import { forgetIn, rememberIn, requireInKasm } from './kasm-inventories.js';

interface GatewayResolved {
  spec: KasmEgressGatewaySpec;
  providerId: string;
  config: ResolvedConfig;
}

interface GatewayObserved {
  gateway: KasmEgressGateway;
  declaredConfig: ResolvedConfig;
}

const background = { priority: 'background' as const };
const PLAIN_FIELDS = ['country', 'city'] as const;

function finder(providerId: string, name: string): EgressFinder<KasmEgressGateway> {
  return {
    inventoryName: EGRESS_GATEWAYS_INVENTORY,
    inventory: egressGatewaysInventory,
    id: (g) => g.egressGatewayId,
    readById: (ctx, id) => ctx.kasm.egress.gateways.get(id, { ...background, signal: ctx.signal }),
    listCandidates: (ctx) => ctx.kasm.egress.gateways.list({ egressProviderId: providerId }, { ...background, signal: ctx.signal }),
    matches: (g) => g.egressProviderId === providerId && g.name === name,
    duplicates: { refuse: `spec.name: Kasm gateways named "${name}" in egress provider ${providerId}` },
  };
}

const observation = (gateway: KasmEgressGateway, resolved: GatewayResolved): Observation<GatewayObserved> => ({
  observed: { gateway, declaredConfig: resolved.config },
  externalId: gateway.egressGatewayId,
});

function changesFor(resolved: GatewayResolved, fields: ReadonlySet<string> | undefined): UpdateEgressGatewayChanges {
  const { spec } = resolved;
  const wants = (f: string): boolean => fields === undefined || fields.has(f);
  const changes: UpdateEgressGatewayChanges = {};
  if (wants('provider')) changes.egressProviderId = resolved.providerId;
  if (wants('name')) changes.name = spec.name;
  for (const f of PLAIN_FIELDS) if (spec[f] !== undefined && wants(f)) changes[f] = spec[f];
  if (spec.enabled !== undefined && wants('enabled')) changes.enabled = spec.enabled;
  const config = configToSend(resolved.config);
  if (config !== undefined && (fields === undefined || touchesConfig(fields))) changes.config = config;
  return changes;
}

export const kasmEgressGatewayAdapter: ManagedKindAdapter<KasmEgressGatewaySpec, GatewayResolved, GatewayObserved> = {
  kind: 'KasmEgressGateway',
  specSchema: kasmEgressGatewaySpec,

  async resolve(spec, ctx) {
    const providerId = spec.providerRef
      ? resolveManagedRef(ctx, 'KasmEgressProvider', spec.providerRef.name)
      : normalizeKasmId(spec.providerId ?? '', { field: 'spec.providerId' });
    requireInKasm(await findEgressProvider(ctx, providerId), 'Kasm egress provider', providerId);
    return { spec, providerId, config: resolveConfig(ctx, spec) };
  },

  naturalKey: (resolved) => gatewayKey(resolved.providerId, resolved.spec.name),

  async observe(ctx, lookup) {
    const gateway = await findEgressObject(ctx, finder(lookup.resolved.providerId, lookup.resolved.spec.name), lookup);
    return gateway ? observation(gateway, lookup.resolved) : undefined;
  },

  async create(ctx, resolved) {
    const input = { ...changesFor(resolved, undefined), egressProviderId: resolved.providerId, name: resolved.spec.name };
    const gateway = await scrubbingSecrets(resolved.config.secrets, () => ctx.kasm.egress.gateways.create(input, { signal: ctx.signal }));
    await rememberIn(ctx, egressGatewaysInventory, gateway);
    return observation(gateway, resolved);
  },

  async update(ctx, current, resolved, diff) {
    const changes = changesFor(resolved, new Set(diff.map((d) => d.field)));
    const gateway = await scrubbingSecrets(resolved.config.secrets, () => ctx.kasm.egress.gateways.update(current.externalId, changes, { signal: ctx.signal }));
    await rememberIn(ctx, egressGatewaysInventory, gateway);
    return observation(gateway, resolved);
  },

  async delete(ctx, current) {
    // Kasm removes the gateway's credentials with it and unpins mappings that named it.
    await ctx.kasm.egress.gateways.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, egressGatewaysInventory, current.externalId);
  },

  diff(resolved, { gateway }, status) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    if (gateway.egressProviderId !== resolved.providerId) diff.push({ field: 'provider', desired: resolved.providerId, observed: gateway.egressProviderId });
    if (gateway.name !== spec.name) diff.push({ field: 'name', desired: spec.name, observed: gateway.name });
    for (const f of PLAIN_FIELDS) {
      const wanted = spec[f];
      // Kasm reports an unset text as null or "".
      if (wanted !== undefined && (gateway[f] ?? '') !== wanted) diff.push({ field: f, desired: wanted, observed: gateway[f] ?? '' });
    }
    if (spec.enabled !== undefined && gateway.enabled !== spec.enabled) diff.push({ field: 'enabled', desired: String(spec.enabled), observed: String(gateway.enabled ?? '') });
    return [...diff, ...diffConfig(resolved.config, gateway.config, status)];
  },

  atProvider({ gateway, declaredConfig }) {
    return {
      egressGatewayId: gateway.egressGatewayId,
      egressProviderId: gateway.egressProviderId,
      name: gateway.name,
      country: gateway.country,
      city: gateway.city,
      enabled: gateway.enabled,
      ...configAtProvider(declaredConfig, gateway.config),
    };
  },

  extraStatus(resolved) {
    return secretVersionsStatus(resolved.config.secrets);
  },
};
