/**
 * Work-queue and cache keys: `namespace/name` for namespaced objects, `name` for cluster-scoped
 * ones (the client-go convention, so keys read the same in logs as in kubectl).
 */
export interface ObjectName {
  /** Empty string for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The key of an object with metadata (name required; namespace optional). */
export function keyOfObject(obj: { metadata: { name: string; namespace?: string | undefined } }): string {
  return objectKey(obj.metadata.namespace, obj.metadata.name);
}

export class InvalidObjectKeyError extends Error {
  readonly retryable = false;
  constructor(readonly key: string) {
    super(`invalid object key "${key}": expected "namespace/name" or "name" with non-empty parts and at most one "/"`);
    this.name = 'InvalidObjectKeyError';
  }
}

export function parseObjectKey(key: string): ObjectName {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: '', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new InvalidObjectKeyError(key);
}
