/**
 * Records which objects the operator reconciled successfully, by wrapping the managed kinds'
 * reconcilers in this process before a Manager builds its controllers. It lets the benchmark say
 * when every object has been reconciled again by a restarted operator: its status is already
 * Ready=True, so the Kubernetes API shows nothing new.
 */
import { managedKinds } from '../src/controllers/kinds/index.js';

export class ReconcileProbe {
  /** kind/namespace/name of every object with a successful reconcile seen by this probe. */
  readonly reconciled = new Set<string>();
  /** When the last of them had its first successful reconcile (kept here: the parent asks every 100 ms). */
  lastFirstSuccessAt: number | undefined;

  succeeded(kind: string, namespace: string | undefined, name: string | undefined): void {
    const key = `${kind}/${namespace ?? ''}/${name ?? ''}`;
    if (this.reconciled.has(key)) return;
    this.reconciled.add(key);
    this.lastFirstSuccessAt = Date.now();
  }
}

let current: ReconcileProbe | undefined;
let installed = false;

/** Routes every later reconcile in this process to `probe` (undefined: to none). */
export function useReconcileProbe(probe: ReconcileProbe | undefined): void {
  current = probe;
  if (installed) return;
  installed = true;
  for (const entry of managedKinds) {
    const original = entry.reconciler;
    entry.reconciler = (deps) => {
      const reconcile = original(deps);
      return async (obj, tracker, signal) => {
        const result = await reconcile(obj, tracker, signal);
        current?.succeeded(entry.kind, obj.metadata?.namespace, obj.metadata?.name);
        return result;
      };
    };
  }
}
