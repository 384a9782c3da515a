import type { KindDefinition } from './kind-definition.js';
import { kasmConnectionKind } from './kasm-connection.js';
import { kasmGroupMembershipKind } from './kasm-group-membership.js';
import { kasmGroupImageKind } from './kasm-group-image.js';
import { kasmGroupKind } from './kasm-group.js';
import { kasmImageKind } from './kasm-image.js';
import { kasmUserKind } from './kasm-user.js';
import { kasmRegistryKind } from './kasm-registry.js';
import { kasmZoneKind } from './kasm-zone.js';
import { kasmLicenseKind } from './kasm-license.js';
import { kasmCastConfigKind } from './kasm-cast-config.js';
import { kasmStagingConfigKind } from './kasm-staging-config.js';
import { kasmSessionPermissionKind } from './kasm-session-permission.js';
import { kasmSessionJoinKind } from './kasm-session-join.js';
import { kasmExecKind } from './kasm-exec.js';
import { kasmLoginKind } from './kasm-login.js';
import { kasmSessionKind } from './kasm-session.js';
import { kasmEgressProviderKind } from './kasm-egress-provider.js';
import { kasmEgressGatewayKind } from './kasm-egress-gateway.js';
import { kasmEgressCredentialKind } from './kasm-egress-credential.js';
import { kasmEgressMappingKind } from './kasm-egress-mapping.js';

/** Every custom resource kind. A new kind is one file with a defineKind(...) and one line here. */
export const kinds = [kasmConnectionKind, kasmUserKind, kasmGroupKind, kasmGroupMembershipKind, kasmImageKind, kasmGroupImageKind, kasmRegistryKind, kasmZoneKind, kasmLicenseKind, kasmCastConfigKind, kasmStagingConfigKind, kasmSessionKind, kasmSessionPermissionKind, kasmSessionJoinKind, kasmExecKind, kasmLoginKind, kasmEgressProviderKind, kasmEgressGatewayKind, kasmEgressCredentialKind, kasmEgressMappingKind] as const;

export type KindName = (typeof kinds)[number]['kind'];

const byName = new Map<string, KindDefinition>(kinds.map((k) => [k.kind, k]));

export function kindByName(kind: string): KindDefinition | undefined {
  return byName.get(kind);
}
