import type { KubeObject } from './kube-object.js';

/** core/v1 ObjectReference, the `regarding` of an Event and the subject of log lines. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** The reference to an object as it was seen; apiVersion/kind default to the caller's knowledge. */
export function objectRefOf(obj: KubeObject, fallback?: { apiVersion?: string; kind?: string }): ObjectReference {
  const ref: ObjectReference = { name: obj.metadata.name };
  const apiVersion = obj.apiVersion ?? fallback?.apiVersion;
  const kind = obj.kind ?? fallback?.kind;
  if (apiVersion) ref.apiVersion = apiVersion;
  if (kind) ref.kind = kind;
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid) ref.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}

/** A stable identity for aggregation: uid when known, else kind + namespace + name. */
export function refIdentity(ref: ObjectReference): string {
  return ref.uid ?? `${ref.apiVersion ?? ''}|${ref.kind ?? ''}|${ref.namespace ?? ''}|${ref.name}`;
}
