import { createHash } from 'node:crypto';
import { API_GROUP_VERSION } from '../api/group-version.js';
import { isAlreadyExists, isNotFound, type KubeRequester } from '../runtime/kube-json-client.js';
import { collectionPath, coreResources, objectPath, type KubeResource } from '../runtime/kube-resource.js';
import type { KubeObject } from '../runtime/kube-object.js';
import type { ManagedObject } from './managed-kind.js';
import { ReconcileError } from './reconcile-errors.js';

/**
 * A Secret or ConfigMap the operator writes for a resource (session connection details, login
 * URLs, screenshots). It carries a controller ownerReference to the resource, so Kubernetes
 * deletes it with the resource, and its whole content is replaced on each change.
 */
export interface OwnedOutput {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** Text values. */
  data?: Record<string, string>;
  /** Binary values (a screenshot), sent base64 encoded. */
  binaryData?: Record<string, Uint8Array>;
}

export interface OutputSink {
  /** Creates or replaces each output when its content differs; returns how many were written. */
  write(owner: ManagedObject, ownerKind: string, outputs: readonly OwnedOutput[]): Promise<number>;
}

/** The output's name is taken by an object this resource does not own; the operator will not overwrite it. */
export class OutputConflictError extends ReconcileError {
  readonly retryable = false;
  readonly reason = 'OutputConflict';
}

type StoredOutput = KubeObject & {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  type?: string;
};

interface Written {
  hash: string;
  resourceVersion: string | undefined;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kasm-operator' };

const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64');

/** The content as the API server stores it: Secret values all base64 in `data`; ConfigMap text in `data`, bytes in `binaryData`. */
function storedContent(output: OwnedOutput): Pick<StoredOutput, 'data' | 'binaryData'> {
  const binary = Object.fromEntries(Object.entries(output.binaryData ?? {}).map(([k, v]) => [k, b64(v)]));
  if (output.kind === 'Secret') {
    return { data: { ...Object.fromEntries(Object.entries(output.data ?? {}).map(([k, v]) => [k, b64(v)])), ...binary } };
  }
  return { data: { ...(output.data ?? {}) }, ...(Object.keys(binary).length > 0 ? { binaryData: binary } : {}) };
}

function contentHash(content: Pick<StoredOutput, 'data' | 'binaryData'>): string {
  const sorted = (r: Record<string, string> | undefined): [string, string][] => Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([sorted(content.data), sorted(content.binaryData)]))
    .digest('hex');
}

/**
 * Writes owned Secrets and ConfigMaps. It remembers the content hash and resourceVersion of what
 * it last wrote, so an unchanged output costs no request; anything else (first sight after a
 * restart, a change made by someone else) is read from the API server before deciding.
 */
export class KubeOutputWriter implements OutputSink {
  private readonly written = new Map<string, Written>();
  private writes = 0;

  constructor(private readonly client: KubeRequester) {}

  /** Writes made so far (the benchmark counts Kubernetes writes). */
  get count(): number {
    return this.writes;
  }

  /** Forgets what was written to a Secret or ConfigMap that changed to another version or was deleted (informer events). */
  invalidate(kind: OwnedOutput['kind'], namespace: string, name: string, resourceVersion?: string): void {
    const key = `${kind}/${namespace}/${name}`;
    const known = this.written.get(key);
    if (known && (resourceVersion === undefined || known.resourceVersion !== resourceVersion)) this.written.delete(key);
  }

  async write(owner: ManagedObject, ownerKind: string, outputs: readonly OwnedOutput[]): Promise<number> {
    let count = 0;
    for (const output of outputs) if (await this.writeOne(owner, ownerKind, output)) count += 1;
    return count;
  }

  private async writeOne(owner: ManagedObject, ownerKind: string, output: OwnedOutput): Promise<boolean> {
    const namespace = owner.metadata.namespace ?? 'default';
    const key = `${output.kind}/${namespace}/${output.name}`;
    const resource: KubeResource = output.kind === 'Secret' ? coreResources.secrets : coreResources.configMaps;
    const content = storedContent(output);
    const hash = contentHash(content);
    const ownerUid = owner.metadata.uid;
    if (this.written.get(key)?.hash === hash) return false;

    const ownerRef = {
      apiVersion: API_GROUP_VERSION,
      kind: ownerKind,
      name: owner.metadata.name,
      uid: ownerUid,
      controller: true,
      blockOwnerDeletion: true,
    };
    const path = objectPath(resource, namespace, output.name);
    let current: StoredOutput | undefined;
    try {
      current = (await this.client.request({ method: 'GET', path })) as StoredOutput;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (current !== undefined) {
      const owned = (current.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.controller === true);
      if (!owned) {
        throw new OutputConflictError(
          `${output.kind} "${output.name}" already exists in namespace "${namespace}" and is not owned by ${ownerKind} "${owner.metadata.name}"; ` +
            `delete it, or name another ${output.kind} in the spec`,
        );
      }
      if (contentHash(current) === hash) {
        this.written.set(key, { hash, resourceVersion: current.metadata.resourceVersion });
        return false;
      }
      const { binaryData: _b, data: _d, ...rest } = current;
      const replaced = (await this.client.request({
        method: 'PUT',
        path,
        body: { ...rest, ...content },
      })) as StoredOutput;
      this.writes += 1;
      this.written.set(key, { hash, resourceVersion: replaced.metadata.resourceVersion });
      return true;
    }
    const body = {
      apiVersion: 'v1',
      kind: output.kind,
      metadata: { name: output.name, namespace, labels: MANAGED_BY, ownerReferences: [ownerRef] },
      ...(output.kind === 'Secret' ? { type: 'Opaque' } : {}),
      ...content,
    };
    try {
      const created = (await this.client.request({ method: 'POST', path: collectionPath(resource, namespace), body })) as StoredOutput;
      this.writes += 1;
      this.written.set(key, { hash, resourceVersion: created.metadata.resourceVersion });
      return true;
    } catch (err) {
      // Created meanwhile by someone else: the next reconcile reads it and decides.
      if (isAlreadyExists(err)) this.written.delete(key);
      throw err;
    }
  }
}
