import { randomAlphanumeric } from './ids.js';
import { GLOBAL_ADMIN, isKnownPermission, KNOWN_PERMISSIONS } from './permissions.js';

export interface ApiKeyPair {
  apiKey: string;
  apiSecret: string;
}

/** One API key as Kasm stores it: permissions, the read-only flag and an optional expiry. */
export interface ApiKeyRecord {
  readonly apiKey: string;
  apiSecret: string;
  permissions: Set<string>;
  readOnly: boolean;
  /** Epoch ms on the simulator's clock after which the key is refused with 401; null = never. */
  expiresAt: number | null;
}

export interface ApiKeyOptions {
  permissions: readonly string[];
  readOnly?: boolean;
}

export class ApiKeyStore {
  readonly #keys = new Map<string, ApiKeyRecord>();

  /** Mints a key with Kasm's shapes: 12-character key, 32-character secret. */
  create(options: ApiKeyOptions): ApiKeyPair {
    for (const name of options.permissions) {
      if (!isKnownPermission(name)) {
        throw new Error(
          `createApiKey: unknown permission "${name}"; use one of: ${KNOWN_PERMISSIONS.join(', ')}`,
        );
      }
    }
    let apiKey = randomAlphanumeric(12);
    while (this.#keys.has(apiKey)) {
      apiKey = randomAlphanumeric(12);
    }
    const record: ApiKeyRecord = {
      apiKey,
      apiSecret: randomAlphanumeric(32),
      permissions: new Set(options.permissions),
      readOnly: options.readOnly ?? false,
      expiresAt: null,
    };
    this.#keys.set(apiKey, record);
    return { apiKey: record.apiKey, apiSecret: record.apiSecret };
  }

  /** The key record when key and secret match and it has not expired. */
  authenticate(apiKey: unknown, apiSecret: unknown, now: number): ApiKeyRecord | undefined {
    if (typeof apiKey !== 'string' || typeof apiSecret !== 'string') {
      return undefined;
    }
    const record = this.#keys.get(apiKey);
    if (record === undefined || record.apiSecret !== apiSecret) {
      return undefined;
    }
    if (record.expiresAt !== null && now >= record.expiresAt) {
      return undefined;
    }
    return record;
  }

  get(apiKey: string): ApiKeyRecord | undefined {
    return this.#keys.get(apiKey);
  }

  revoke(apiKey: string): boolean {
    return this.#keys.delete(apiKey);
  }
}

export function hasPermission(key: ApiKeyRecord, permission: string): boolean {
  return key.permissions.has(GLOBAL_ADMIN) || key.permissions.has(permission);
}

/** Which of `required` the key lacks (empty when it may call). */
export function missingPermissions(key: ApiKeyRecord, required: readonly string[]): string[] {
  return required.filter((permission) => !hasPermission(key, permission));
}
