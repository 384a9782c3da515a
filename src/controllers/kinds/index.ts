import type { ManagedKindAdapter } from '../managed-kind.js';
import { reconcileManaged, type ManagedReconcilerDeps } from '../managed-reconciler.js';
import type { ReconcileFn } from '../kind-controller.js';
import { kasmGroupMembershipAdapter } from './kasm-group-membership.js';
import { kasmGroupImageAdapter } from './kasm-group-image.js';
import { kasmGroupAdapter } from './kasm-group.js';
import { kasmImageAdapter } from './kasm-image.js';
import { kasmUserAdapter } from './kasm-user.js';
import { kasmRegistryAdapter } from './kasm-registry.js';
import { kasmZoneAdapter } from './kasm-zone.js';
import { kasmLicenseAdapter } from './kasm-license.js';
import { kasmCastConfigAdapter } from './kasm-cast-config.js';
import { kasmStagingConfigAdapter } from './kasm-staging-config.js';
import { kasmSessionPermissionAdapter } from './kasm-session-permission.js';
import { kasmSessionJoinAdapter } from './kasm-session-join.js';
import { kasmExecAdapter } from './kasm-exec.js';
import { kasmLoginAdapter } from './kasm-login.js';
import { kasmSessionAdapter } from './kasm-session.js';
import { kasmEgressProviderAdapter } from './kasm-egress-provider.js';
import { kasmEgressGatewayAdapter } from './kasm-egress-gateway.js';
import { kasmEgressCredentialAdapter } from './kasm-egress-credential.js';
import { kasmEgressMappingAdapter } from './kasm-egress-mapping.js';

/** Binds an adapter to the generic managed reconciler, hiding its type parameters from the manager. */
function managed<TSpec, TResolved, TObserved>(adapter: ManagedKindAdapter<TSpec, TResolved, TObserved>) {
  return {
    kind: adapter.kind,
    reconciler: (deps: ManagedReconcilerDeps): ReconcileFn => (obj, tracker, signal) => reconcileManaged(adapter, obj, deps, tracker, signal),
  };
}

/** Every managed kind the operator reconciles. KasmConnection has its own reconciler. */
export const managedKinds = [managed(kasmUserAdapter), managed(kasmGroupAdapter), managed(kasmGroupMembershipAdapter), managed(kasmImageAdapter), managed(kasmGroupImageAdapter), managed(kasmRegistryAdapter), managed(kasmZoneAdapter), managed(kasmLicenseAdapter), managed(kasmCastConfigAdapter), managed(kasmStagingConfigAdapter), managed(kasmSessionAdapter), managed(kasmSessionPermissionAdapter), managed(kasmSessionJoinAdapter), managed(kasmExecAdapter), managed(kasmLoginAdapter), managed(kasmEgressProviderAdapter), managed(kasmEgressGatewayAdapter), managed(kasmEgressCredentialAdapter), managed(kasmEgressMappingAdapter)];
