/**
 * Records which objects the operator reconciled successfully, by wrapping the managed kinds'
 * reconcilers in this process before a Manager builds its controllers. It lets the benchmark say
 * when every object has been reconciled again by a restarted operator: its status is already
 * Ready=True, so the Kubernetes API shows nothing new.
 */
import { managedKinds } from '../src/controllers/kinds/index.js';

export class ReconcileProbe {
  /** kind/namespace/name → time of the first successful reconcile seen by this probe. */
  readonly firstSuccess = new Map<string, number>();
  successes = 0;
  failures = 0;

  record(kind: string, namespace: string | undefined, name: string | undefined, ok: boolean): void {
    if (!ok) {
      this.failures++;
      return;
    }
    this.successes++;
    const key = `${kind}/${namespace ?? ''}/${name ?? ''}`;
    if (!this.firstSuccess.has(key)) this.firstSuccess.set(key, Date.now());
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
        try {
          const result = await reconcile(obj, tracker, signal);
          current?.record(entry.kind, obj.metadata?.namespace, obj.metadata?.name, true);
          return result;
        } catch (err) {
          current?.record(entry.kind, obj.metadata?.namespace, obj.metadata?.name, false);
          throw err;
        }
      };
    };
  }
}
