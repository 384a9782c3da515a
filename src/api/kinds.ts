import type { KindDefinition } from './kind-definition.js';
import { kasmConnectionKind } from './kasm-connection.js';
import { kasmGroupMembershipKind } from './kasm-group-membership.js';
import { kasmGroupImageKind } from './kasm-group-image.js';
import { kasmGroupKind } from './kasm-group.js';
import { kasmImageKind } from './kasm-image.js';
import { kasmUserKind } from './kasm-user.js';

/** Every custom resource kind. A new kind is one file with a defineKind(...) and one line here. */
export const kinds = [kasmConnectionKind, kasmUserKind, kasmGroupKind, kasmGroupMembershipKind, kasmImageKind, kasmGroupImageKind] as const;

export type KindName = (typeof kinds)[number]['kind'];

const byName = new Map<string, KindDefinition>(kinds.map((k) => [k.kind, k]));

export function kindByName(kind: string): KindDefinition | undefined {
  return byName.get(kind);
}
