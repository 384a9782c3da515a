import { z } from 'zod';
import { parse } from '../payload.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';

/** Deployment zones: read-only, seeded with one zone named "default". */
export const zoneRoutes: readonly SimRoute[] = [
  {
    name: 'get_zones',
    path: publicPath('get_zones'),
    permissions: ['System View'],
    write: false,
    handle({ payload, state }) {
      const { brief } = parse(z.object({ brief: z.boolean().nullish() }), payload);
      const zones = [...state.zones.values()].map((zone) =>
        brief === true ? { zone_id: zone.zone_id, zone_name: zone.zone_name } : { ...zone },
      );
      return json({ zones });
    },
  },
];
