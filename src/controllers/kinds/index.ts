import type { ManagedKindAdapter } from '../managed-kind.js';
import { reconcileManaged, type ManagedReconcilerDeps } from '../managed-reconciler.js';
import type { ReconcileFn } from '../kind-controller.js';
import { kasmGroupMembershipAdapter } from './kasm-group-membership.js';
import { kasmGroupImageAdapter } from './kasm-group-image.js';
import { kasmGroupAdapter } from './kasm-group.js';
import { kasmImageAdapter } from './kasm-image.js';
import { kasmUserAdapter } from './kasm-user.js';

/** Binds an adapter to the generic managed reconciler, hiding its type parameters from the manager. */
function managed<TSpec, TResolved, TObserved>(adapter: ManagedKindAdapter<TSpec, TResolved, TObserved>) {
  return {
    kind: adapter.kind,
    reconciler: (deps: ManagedReconcilerDeps): ReconcileFn => (obj, tracker, signal) => reconcileManaged(adapter, obj, deps, tracker, signal),
  };
}

/** Every managed kind the operator reconciles. KasmConnection has its own reconciler. */
export const managedKinds = [managed(kasmUserAdapter), managed(kasmGroupAdapter), managed(kasmGroupMembershipAdapter), managed(kasmImageAdapter), managed(kasmGroupImageAdapter)];
