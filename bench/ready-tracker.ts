/**
 * Counts Ready objects per kind as the API server reports them, through list+watch informers (the
 * operator's own runtime) rather than listing every kind every half second: at 10,000 objects a
 * full list per poll would load the machine the operator is measured on. The moment the last
 * object turns Ready is known to within one watch event.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { API_VERSION } from '../src/api/group-version.js';
import type { ManagedObject } from '../src/controllers/managed-kind.js';
import { createInformer, type ResourceInformer } from '../src/runtime/informer.js';
import { KubeJsonClient } from '../src/runtime/kube-json-client.js';
import { BENCH_KIND_DEFINITIONS, BENCH_KINDS, type BenchKind } from './kube-counts.js';

const isReady = (obj: ManagedObject): boolean => {
  const conditions = Array.isArray(obj.status?.conditions) ? (obj.status.conditions as { type?: unknown; status?: unknown }[]) : [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
};

export class ReadyTracker {
  private readonly informers = new Map<BenchKind, ResourceInformer<ManagedObject>>();
  private readonly ready = new Map<BenchKind, Set<string>>();
  /** When the count of Ready objects last reached `want` for every kind (undefined while it has not). */
  private allReadyAt: number | undefined;
  private waiters: (() => void)[] = [];
  /** When each kind first had all its objects Ready. */
  readonly kindReadyAt = new Map<BenchKind, number>();

  constructor(
    kubeConfig: KubeConfig,
    namespace: string,
    private readonly want: Record<BenchKind, number>,
  ) {
    const client = new KubeJsonClient(kubeConfig);
    for (const { kind, group, plural } of BENCH_KIND_DEFINITIONS) {
      const informer = createInformer<ManagedObject>({
        client,
        namespaces: [namespace],
        resource: { group, version: API_VERSION, plural, kind },
        // Only whether it is Ready matters here.
        transform: (obj) => ({ metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, resourceVersion: obj.metadata.resourceVersion }, status: { conditions: (obj as ManagedObject).status?.conditions } }),
      });
      const set = new Set<string>();
      this.ready.set(kind, set);
      const update = (obj: ManagedObject, gone = false): void => {
        if (!gone && isReady(obj)) set.add(obj.metadata.name);
        else set.delete(obj.metadata.name);
        this.check();
      };
      informer.addEventHandler({ onAdd: (o) => update(o), onUpdate: (_b, o) => update(o), onDelete: (o) => update(o, true) });
      this.informers.set(kind, informer);
    }
  }

  async start(): Promise<void> {
    for (const i of this.informers.values()) i.start();
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  counts(): Record<BenchKind, number> {
    return Object.fromEntries(BENCH_KINDS.map((k) => [k, this.ready.get(k)?.size ?? 0])) as Record<BenchKind, number>;
  }

  allReady(): boolean {
    return BENCH_KINDS.every((k) => (this.ready.get(k)?.size ?? 0) >= this.want[k]);
  }

  /** Resolves with the time every object was Ready, or undefined after `timeoutMs`. */
  waitAllReady(timeoutMs: number): Promise<number | undefined> {
    if (this.allReadyAt !== undefined) return Promise.resolve(this.allReadyAt);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(undefined);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.allReadyAt);
      };
      this.waiters.push(done);
    });
  }

  private check(): void {
    for (const k of BENCH_KINDS) if (!this.kindReadyAt.has(k) && (this.ready.get(k)?.size ?? 0) >= this.want[k]) this.kindReadyAt.set(k, Date.now());
    if (!this.allReady()) {
      this.allReadyAt = undefined;
      return;
    }
    this.allReadyAt ??= Date.now();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
