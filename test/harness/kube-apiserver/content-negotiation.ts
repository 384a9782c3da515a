/**
 * Reads the Accept header the way kube-apiserver negotiates: JSON by default, a meta.k8s.io Table when
 * asked with `as=Table` (kubectl get), PartialObjectMetadata(List) for metadata-only clients. Protobuf is
 * not spoken: a client offering only protobuf gets 406, one offering JSON as an alternative gets JSON.
 */
import { notAcceptable } from './status-errors.js';

export type OutputFormat = 'json' | 'table' | 'partial-metadata';

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

export function parseMediaType(value: string): MediaRange {
  const [type = '', ...rawParams] = value.split(';').map((p) => p.trim());
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  return { type: type.toLowerCase(), params };
}

const JSON_LIKE = new Set(['application/json', 'application/*', '*/*']);

export function negotiateOutput(accept: string | undefined): OutputFormat {
  if (!accept || accept.trim() === '') return 'json';
  const ranges = accept.split(',').map((r) => parseMediaType(r));
  for (const range of ranges) {
    if (!JSON_LIKE.has(range.type)) continue;
    const as = range.params.get('as');
    if (!as) return 'json';
    const g = range.params.get('g');
    const v = range.params.get('v');
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table') return 'table';
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return 'partial-metadata';
  }
  throw notAcceptable(['application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io']);
}

/** Discovery: whether the client asked for aggregated discovery (apidiscovery.k8s.io/v2) first. */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const r of accept.split(',').map((x) => parseMediaType(x))) {
    if (!JSON_LIKE.has(r.type)) continue;
    if (r.params.get('g') === 'apidiscovery.k8s.io' && r.params.get('v') === 'v2' && r.params.get('as') === 'APIGroupDiscoveryList') {
      return true;
    }
    if (!r.params.get('as')) return false;
  }
  return false;
}
