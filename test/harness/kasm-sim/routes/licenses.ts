import { z } from 'zod';
import { newId } from '../ids.js';
import { parse } from '../payload.js';
import type { LicenseRecord } from '../records.js';
import { BusinessFailure } from '../route-errors.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import { naiveTimestamp } from '../timestamps.js';

/**
 * Licences. Any activation key of 16+ characters activates; activating the same key again returns
 * the licence it already made. The key itself is never printed.
 */
const MIN_ACTIVATION_KEY_LENGTH = 16;
const DEFAULT_SEATS = 5;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const activateSchema = z.object({
  activation_key: z.string(),
  seats: z.number().int().positive().nullish(),
  issued_to: z.string().nullish(),
});

function licenseView(license: LicenseRecord): Record<string, unknown> {
  return {
    license_id: license.license_id,
    expiration: naiveTimestamp(license.expiration),
    issued_at: naiveTimestamp(license.issued_at),
    issued_to: license.issued_to,
    limit: license.limit,
    is_verified: license.is_verified,
    license_type: license.license_type,
    features: { ...license.features },
    sku: license.sku,
  };
}

export const licenseRoutes: readonly SimRoute[] = [
  {
    name: 'activate',
    path: publicPath('activate'),
    permissions: ['Licenses Modify'],
    write: true,
    handle({ payload, state, now }) {
      const fields = parse(activateSchema, payload);
      if (fields.activation_key.trim().length < MIN_ACTIVATION_KEY_LENGTH) {
        throw new BusinessFailure('Invalid activation key');
      }
      const existing = state.findLicenseByActivationKey(fields.activation_key);
      if (existing !== undefined) {
        return json({ license: licenseView(existing) });
      }
      const license = state.addLicense({
        license_id: newId(),
        activation_key: fields.activation_key,
        expiration: now + YEAR_MS,
        issued_at: now,
        issued_to: fields.issued_to ?? 'kasm-sim',
        limit: fields.seats ?? DEFAULT_SEATS,
        is_verified: true,
        license_type: 'Per Concurrent Session',
        features: {
          auto_scaling: true,
          branding: true,
          session_staging: true,
          session_casting: true,
          log_forwarding: true,
          developer_api: true,
          inject_ssh_keys: true,
          saml: true,
          ldap: true,
          session_sharing: true,
          login_banner: true,
          url_categorization: true,
          usage_limit: true,
        },
        sku: 'ENT',
      });
      return json({ license: licenseView(license) });
    },
  },
  {
    name: 'get_licenses',
    path: publicPath('get_licenses'),
    permissions: ['Licenses View'],
    write: false,
    handle({ state }) {
      return json({ licenses: [...state.licenses.values()].map(licenseView) });
    },
  },
];
