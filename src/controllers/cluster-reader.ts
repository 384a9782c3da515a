import type { CachedSecret } from '../runtime/cache-compaction.js';
import type { ResourceInformer } from '../runtime/informer.js';
import type { ClusterReader, ManagedObject } from './managed-kind.js';
import { SecretNotFoundError } from './reconcile-errors.js';

/** A Secret as the Secrets cache holds it (runtime/cache-compaction: secretForCache). */
export type SecretObject = CachedSecret;

/** Reads Secrets and referenced objects from the informer caches: no API call per reconcile. */
export class InformerClusterReader implements ClusterReader {
  constructor(
    private readonly secrets: ResourceInformer<SecretObject>,
    private readonly kinds: ReadonlyMap<string, ResourceInformer>,
  ) {}

  getObject(kind: string, namespace: string, name: string): ManagedObject | undefined {
    return this.kinds.get(kind)?.get(namespace, name);
  }

  readSecretKey(namespace: string, name: string, key: string): string {
    const secret = this.secrets.get(namespace, name);
    if (!secret) {
      throw new SecretNotFoundError(`Secret "${name}" not found in namespace "${namespace}"; create it with the key "${key}"`);
    }
    const encoded = secret.data?.[key];
    if (encoded === undefined) {
      const keys = Object.keys(secret.data ?? {});
      throw new SecretNotFoundError(
        `Secret "${name}" in namespace "${namespace}" has no key "${key}" (it has: ${keys.length ? keys.join(', ') : 'no keys'}); add the key or correct the reference`,
      );
    }
    return Buffer.from(encoded, 'base64').toString('utf8');
  }

  secretVersion(namespace: string, name: string): string | undefined {
    return this.secrets.get(namespace, name)?.metadata.resourceVersion;
  }
}
