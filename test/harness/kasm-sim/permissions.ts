/**
 * API-key permission names as the Kasm admin UI spells them. Keys start with none; "Global Admin"
 * grants every other one.
 */
export const GLOBAL_ADMIN = 'Global Admin';

export const KNOWN_PERMISSIONS = [
  GLOBAL_ADMIN,
  'User',
  'Users View',
  'Users Modify',
  'Users Create',
  'Users Delete',
  'Users Modify Admin',
  'Users Auth Session',
  'Groups View',
  'Groups Modify',
  'Groups Create',
  'Groups Delete',
  'Groups Modify System',
  'Sessions View',
  'Sessions Modify',
  'Images View',
  'Images Modify',
  'Images Create',
  'Images Delete',
  'Registries View',
  'Registries Modify',
  'Servers View',
  'Servers Modify',
  'System View',
  'Agents View',
  'Licenses View',
  'Licenses Modify',
  'Casting View',
  'Casting Modify',
  'Staging View',
  'Staging Modify',
  'Egress View',
  'Egress Modify',
] as const;

export type Permission = (typeof KNOWN_PERMISSIONS)[number];

const KNOWN: ReadonlySet<string> = new Set(KNOWN_PERMISSIONS);

export function isKnownPermission(name: string): name is Permission {
  return KNOWN.has(name);
}
