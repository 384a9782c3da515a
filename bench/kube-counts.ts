/** Kubernetes API requests per kind, from the test server's request counter, as snapshots to subtract. */
import type { KubeApiServer } from '../test/harness/kube-apiserver/index.js';

export const PLURALS = {
  KasmUser: 'kasmusers',
  KasmGroup: 'kasmgroups',
  KasmGroupMembership: 'kasmgroupmemberships',
  KasmImage: 'kasmimages',
  KasmGroupImage: 'kasmgroupimages',
} as const;
export type BenchKind = keyof typeof PLURALS;
export const BENCH_KINDS = Object.keys(PLURALS) as BenchKind[];

export interface KindRequests {
  /** update or patch of the status subresource. */
  statusWrites: number;
  /** patch or update of the object itself (finalizer, annotations). */
  metadataWrites: number;
}

export interface KubeSnapshot {
  perKind: Record<BenchKind, KindRequests>;
  /** Every request the server received (including the benchmark's own). */
  total: number;
}

export function snapshotKube(server: KubeApiServer): KubeSnapshot {
  const writes = (resource: string): number =>
    server.requests.count({ verb: 'patch', resource }) + server.requests.count({ verb: 'update', resource });
  const perKind = Object.fromEntries(
    (Object.entries(PLURALS) as [BenchKind, string][]).map(([kind, plural]) => [kind, { statusWrites: writes(`${plural}/status`), metadataWrites: writes(plural) }]),
  ) as Record<BenchKind, KindRequests>;
  return { perKind, total: server.requests.count() };
}

export function diffKube(after: KubeSnapshot, before: KubeSnapshot): KubeSnapshot {
  const perKind = Object.fromEntries(
    (Object.keys(PLURALS) as BenchKind[]).map((kind) => [
      kind,
      {
        statusWrites: after.perKind[kind].statusWrites - before.perKind[kind].statusWrites,
        metadataWrites: after.perKind[kind].metadataWrites - before.perKind[kind].metadataWrites,
      },
    ]),
  ) as Record<BenchKind, KindRequests>;
  return { perKind, total: after.total - before.total };
}
