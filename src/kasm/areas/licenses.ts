import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { kasmId, kasmTimestamp, nullableBoolean, nullableInteger, nullableString } from '../schema-primitives.js';
import { camelKeys } from './key-case.js';

/** Licences: activation and the installed licences. */

export const kasmLicenseSchema = z
  .object({
    license_id: kasmId,
    expiration: kasmTimestamp,
    issued_at: kasmTimestamp,
    issued_to: nullableString,
    limit: nullableInteger,
    is_verified: nullableBoolean,
    license_type: nullableString,
    features: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((features) => {
        // Feature flags are booleans; anything else is dropped rather than guessed at.
        const out: Record<string, boolean> = {};
        for (const [name, enabled] of Object.entries(features ?? {})) {
          if (typeof enabled === 'boolean') out[name] = enabled;
        }
        return out;
      }),
    sku: nullableString,
  })
  .transform(camelKeys);
export type KasmLicense = z.output<typeof kasmLicenseSchema>;

/**
 * `{"licenses": [...]}`, or the `{"success", "code", "message", "data": [...]}` shape one client
 * expects; the second is rewritten into the first before it is checked, so errors name real paths.
 */
const licensesReply = z.preprocess(
  (body) =>
    typeof body === 'object' && body !== null && !('licenses' in body) && 'data' in body
      ? { licenses: body.data }
      : body,
  z.object({ licenses: z.array(kasmLicenseSchema) }),
);

const activateRequest = z
  .object({
    activationKey: z.string().trim().min(1, 'must not be empty'),
    seats: z.number().int('must be a whole number').positive('must be > 0').optional(),
    issuedTo: z.string().min(1).optional(),
  })
  .transform(({ activationKey, seats, issuedTo }) => ({
    activation_key: activationKey,
    ...(seats === undefined ? {} : { seats }),
    ...(issuedTo === undefined ? {} : { issued_to: issuedTo }),
  }));
export type ActivateLicenseInput = z.input<typeof activateRequest>;

export const licensesEndpoints = {
  activate: defineEndpoint({
    name: 'activate',
    path: '/api/public/activate',
    kind: 'write',
    permissions: ['Licenses Modify'],
    request: activateRequest,
    response: z.object({ license: kasmLicenseSchema }),
  }),
  getLicenses: defineEndpoint({
    name: 'get_licenses',
    path: '/api/public/get_licenses',
    kind: 'read',
    permissions: ['Licenses View'],
    request: z.object({}),
    response: licensesReply,
  }),
};

export class LicensesApi {
  readonly #caller: KasmCaller;

  constructor(caller: KasmCaller) {
    this.#caller = caller;
  }

  /** Activates a licence with Kasm's licence server; the key itself never appears in replies. */
  async activate(input: ActivateLicenseInput, options?: CallOptions): Promise<KasmLicense> {
    return (await this.#caller.call(licensesEndpoints.activate, input, options)).license;
  }

  async list(options?: CallOptions): Promise<KasmLicense[]> {
    return (await this.#caller.call(licensesEndpoints.getLicenses, {}, options)).licenses;
  }
}
