import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { normalizeKasmId } from '../ids.js';
import { kasmId, listOf, nullableBoolean, nullableInteger, nullableString } from '../schema-primitives.js';
import { camelKeys } from './key-case.js';
import { requireFound } from './not-found.js';

/** Deployment zones; read-only through the API. */

export const kasmZoneSchema = z
  .object({
    zone_id: kasmId,
    zone_name: z.string(),
    allow_origin_domain: nullableString,
    upstream_auth_address: nullableString,
    load_balancing_strategy: nullableString,
    search_alternate_zones: nullableBoolean,
    prioritize_static_agents: nullableBoolean,
    proxy_connections: nullableBoolean,
    proxy_hostname: nullableString,
    proxy_path: nullableString,
    proxy_port: nullableInteger,
  })
  .transform(camelKeys);
export type KasmZone = z.output<typeof kasmZoneSchema>;

export const zonesEndpoints = {
  getZones: defineEndpoint({
    name: 'get_zones',
    path: '/api/public/get_zones',
    kind: 'read',
    permissions: ['System View'],
    request: z.object({ brief: z.boolean().optional() }),
    response: z.object({ zones: listOf(kasmZoneSchema) }),
  }),
};

export class ZonesApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** `brief` asks Kasm for fewer fields per zone. */
  async list(input: { brief?: boolean } = {}, options?: CallOptions): Promise<KasmZone[]> {
    return (await this.#caller.call(zonesEndpoints.getZones, input, options)).zones;
  }

  async get(zoneId: string, options?: CallOptions): Promise<KasmZone> {
    const id = normalizeKasmId(zoneId, { field: 'zoneId', endpoint: zonesEndpoints.getZones.name });
    const zones = await this.list({}, options);
    return requireFound(zones.find((zone) => zone.zoneId === id), 'Zone', zonesEndpoints.getZones.name);
  }

  async getByName(zoneName: string, options?: CallOptions): Promise<KasmZone> {
    const zones = await this.list({}, options);
    return requireFound(zones.find((zone) => zone.zoneName === zoneName), 'Zone', zonesEndpoints.getZones.name);
  }
}
