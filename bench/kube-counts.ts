/** Kubernetes API requests per kind, from the test server's request counter, as snapshots to subtract. */
import { kasmGroupImageKind } from '../src/api/kasm-group-image.js';
import { kasmGroupMembershipKind } from '../src/api/kasm-group-membership.js';
import { kasmGroupKind } from '../src/api/kasm-group.js';
import { kasmImageKind } from '../src/api/kasm-image.js';
import { kasmUserKind } from '../src/api/kasm-user.js';
import type { KubeApiServer } from '../test/harness/kube-apiserver/index.js';

/** The kinds a benchmark applies, in the order results list them. */
export const BENCH_KIND_DEFINITIONS = [kasmUserKind, kasmGroupKind, kasmGroupMembershipKind, kasmImageKind, kasmGroupImageKind] as const;
export type BenchKind = (typeof BENCH_KIND_DEFINITIONS)[number]['kind'];
export const BENCH_KINDS: BenchKind[] = BENCH_KIND_DEFINITIONS.map((d) => d.kind);

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
    BENCH_KIND_DEFINITIONS.map(({ kind, plural }) => [kind, { statusWrites: writes(`${plural}/status`), metadataWrites: writes(plural) }]),
  ) as Record<BenchKind, KindRequests>;
  return { perKind, total: server.requests.count() };
}

export function diffKube(after: KubeSnapshot, before: KubeSnapshot): KubeSnapshot {
  const perKind = Object.fromEntries(
    BENCH_KINDS.map((kind) => [
      kind,
      {
        statusWrites: after.perKind[kind].statusWrites - before.perKind[kind].statusWrites,
        metadataWrites: after.perKind[kind].metadataWrites - before.perKind[kind].metadataWrites,
      },
    ]),
  ) as Record<BenchKind, KindRequests>;
  return { perKind, total: after.total - before.total };
}
