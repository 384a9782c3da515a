import { kasmZoneSpec, type KasmZoneSpec } from '../../api/kasm-zone.js';
import type { KasmZone } from '../../kasm/areas/zones.js';
import type { ManagedKindAdapter, Observation } from '../managed-kind.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { observesPerObject, ZONES_INVENTORY, zonesInventory } from './kasm-inventories.js';

/**
 * KasmZone: reads one zone by name from get_zones (one call per connection and poll interval for
 * every KasmZone). Nothing is ever written: the spec only allows managementPolicies ["Observe"],
 * so the generic reconciler neither creates, updates nor deletes; the write methods below are
 * never reached and refuse if they were.
 */

interface ZoneResolved {
  spec: KasmZoneSpec;
}

interface ZoneObserved {
  zone: KasmZone;
}

/** The zone named `name`; the name is the spec's only handle on a zone, so it must be unambiguous. */
function zoneNamed(zones: Iterable<KasmZone>, name: string): KasmZone | undefined {
  const candidates = [...zones].filter((z) => z.zoneName === name);
  if (candidates.length > 1) {
    throw new InvalidSpecError(`spec.name: Kasm has ${candidates.length} zones named "${name}" (ids ${candidates.map((z) => z.zoneId).join(', ')}); rename one in the Kasm admin UI`);
  }
  return candidates[0];
}

const readOnly = (what: string): InvalidSpecError =>
  new InvalidSpecError(`KasmZone is observe-only: Kasm's API cannot ${what} zones; set spec.managementPolicies: ["Observe"]`);

export const kasmZoneAdapter: ManagedKindAdapter<KasmZoneSpec, ZoneResolved, ZoneObserved> = {
  kind: 'KasmZone',
  specSchema: kasmZoneSpec,
  policyDefaults: { managementPolicies: ['Observe'] },

  resolve: (spec) => Promise.resolve({ spec }),

  naturalKey: (resolved) => resolved.spec.name,

  // Always by name, whatever id was recorded: a zone re-made under the same name is the one the spec means.
  async observe(ctx, { naturalKey, refresh }): Promise<Observation<ZoneObserved> | undefined> {
    ctx.deps.dependOnKasm(ZONES_INVENTORY, naturalKey);
    const zones = observesPerObject(ctx) ? await ctx.kasm.zones.list({}, { priority: 'background', signal: ctx.signal }) : (await zonesInventory(ctx, refresh)).all();
    const zone = zoneNamed(zones, naturalKey);
    if (zone === undefined) return undefined;
    ctx.deps.dependOnKasm(ZONES_INVENTORY, zone.zoneId);
    return { observed: { zone }, externalId: zone.zoneId };
  },

  create: () => Promise.reject(readOnly('create')),
  update: () => Promise.reject(readOnly('change')),
  // Unreachable under ["Observe"]; the zone is left alone whatever the deletionPolicy says.
  delete: () => Promise.resolve(),

  // No field is managed: the zone is reported as it is.
  diff: () => [],

  atProvider({ zone }) {
    return {
      zoneId: zone.zoneId,
      zoneName: zone.zoneName,
      allowOriginDomain: zone.allowOriginDomain,
      upstreamAuthAddress: zone.upstreamAuthAddress,
      loadBalancingStrategy: zone.loadBalancingStrategy,
      searchAlternateZones: zone.searchAlternateZones,
      prioritizeStaticAgents: zone.prioritizeStaticAgents,
      proxyConnections: zone.proxyConnections,
      proxyHostname: zone.proxyHostname,
      proxyPath: zone.proxyPath,
      proxyPort: zone.proxyPort,
    };
  },

  // A zone seen before and gone now cannot be brought back by the operator: report it once.
  whenGone({ spec }, status) {
    const id = typeof status.externalId === 'string' ? ` (it had id ${status.externalId})` : '';
    return {
      reason: 'NotFound',
      message: `Kasm has no zone named "${spec.name}" any more${id}; the operator cannot create zones: create it in the Kasm admin UI, or change spec.name`,
    };
  },
};
