import type { KasmEgressCredential, KasmEgressGateway, KasmEgressMapping, KasmEgressProvider } from '../../kasm/areas/egress.js';
import type { AdapterContext } from '../managed-kind.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { absentWhenNotFound, findIn, inventoryOf, observesPerObject, type InventoryOf } from './kasm-inventories.js';

/**
 * Bulk observation of the egress kinds: one get_egress_providers, get_egress_gateways,
 * get_egress_credentials and get_egress_provider_mappings call per connection and poll interval
 * serves every object of the four kinds (and the reference checks between them).
 */
export const EGRESS_PROVIDERS_INVENTORY = 'egress-providers';
export const EGRESS_GATEWAYS_INVENTORY = 'egress-gateways';
export const EGRESS_CREDENTIALS_INVENTORY = 'egress-credentials';
export const EGRESS_MAPPINGS_INVENTORY = 'egress-mappings';

/** Natural keys: a gateway is named within its provider, a credential by username within its gateway. */
export const gatewayKey = (providerId: string, name: string): string => `${providerId}/${name}`;
export const credentialKey = (gatewayId: string, username: string): string => `${gatewayId}/${username}`;

export type MappingSubject = { type: 'group' | 'user' | 'image'; id: string };

export function subjectOf(m: KasmEgressMapping): MappingSubject | undefined {
  if (m.groupId !== null) return { type: 'group', id: m.groupId };
  if (m.userId !== null) return { type: 'user', id: m.userId };
  if (m.imageId !== null) return { type: 'image', id: m.imageId };
  return undefined;
}

export const subjectText = (s: MappingSubject | undefined): string => (s ? `${s.type}/${s.id}` : '');
export const mappingKey = (providerId: string, subject: MappingSubject): string => `${providerId}/${subjectText(subject)}`;

const background = { priority: 'background' as const };

export const egressProvidersInventory = inventoryOf<KasmEgressProvider>(EGRESS_PROVIDERS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.egress.providers.list(background),
  id: (p) => p.egressProviderId,
  naturalKeys: (p) => [p.name],
}));

export const egressGatewaysInventory = inventoryOf<KasmEgressGateway>(EGRESS_GATEWAYS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.egress.gateways.list({}, background),
  id: (g) => g.egressGatewayId,
  naturalKeys: (g) => [gatewayKey(g.egressProviderId, g.name)],
}));

export const egressCredentialsInventory = inventoryOf<KasmEgressCredential>(EGRESS_CREDENTIALS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.egress.credentials.list({}, background),
  id: (c) => c.egressCredentialId,
  naturalKeys: (c) => [credentialKey(c.egressGatewayId, c.username)],
}));

export const egressMappingsInventory = inventoryOf<KasmEgressMapping>(EGRESS_MAPPINGS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.egress.mappings.list({}, background),
  id: (m) => m.egressProviderMappingId,
  naturalKeys: (m) => {
    const subject = subjectOf(m);
    return subject ? [mappingKey(m.egressProviderId, subject)] : [];
  },
}));

/** How one egress kind is found in Kasm, in bulk (its inventory) or per object (a get or a filtered list). */
export interface EgressFinder<T> {
  inventoryName: string;
  inventory: InventoryOf<T>;
  id(item: T): string;
  /** Per-object: one get by id. */
  readById(ctx: AdapterContext, id: string): Promise<T>;
  /** Per-object: the fewest items a list call can return that include every natural-key match. */
  listCandidates(ctx: AdapterContext): Promise<T[]>;
  matches(item: T): boolean;
  /** Several Kasm objects share the natural key: refuse (say which ids) or take the first by id. */
  duplicates: { refuse: string } | 'first';
}

/** The Kasm object by id when known, else by natural key when asked; records what was read. */
export async function findEgressObject<T>(
  ctx: AdapterContext,
  finder: EgressFinder<T>,
  lookup: { externalId: string | undefined; naturalKey: string; byNaturalKey: boolean; refresh?: boolean },
): Promise<T | undefined> {
  const found = await find(ctx, finder, lookup);
  if (found !== undefined) ctx.deps.dependOnKasm(finder.inventoryName, finder.id(found));
  return found;
}

async function find<T>(
  ctx: AdapterContext,
  finder: EgressFinder<T>,
  { externalId, naturalKey, byNaturalKey, refresh }: { externalId: string | undefined; naturalKey: string; byNaturalKey: boolean; refresh?: boolean },
): Promise<T | undefined> {
  if (observesPerObject(ctx)) {
    if (externalId !== undefined) return absentWhenNotFound(finder.readById(ctx, externalId));
    return byNaturalKey ? onlyOne(finder, (await finder.listCandidates(ctx)).filter((i) => finder.matches(i))) : undefined;
  }
  const inv = await finder.inventory(ctx, refresh);
  ctx.deps.dependOnKasm(finder.inventoryName, naturalKey);
  if (externalId !== undefined) return inv.get(externalId);
  return byNaturalKey ? onlyOne(finder, [...inv.all()].filter((i) => finder.matches(i))) : undefined;
}

function onlyOne<T>(finder: EgressFinder<T>, candidates: T[]): T | undefined {
  const sorted = candidates.sort((a, b) => (finder.id(a) < finder.id(b) ? -1 : 1));
  if (sorted.length > 1 && finder.duplicates !== 'first') {
    throw new InvalidSpecError(
      `${finder.duplicates.refuse}: Kasm has ${sorted.length} of them (ids ${sorted.map((i) => finder.id(i)).join(', ')}); set the annotation kasm.io/external-id to the id of the one this resource manages`,
    );
  }
  return sorted[0];
}

/** The provider as Kasm has it (a reference given by id, or a KasmEgressProvider's recorded id), or undefined. */
export function findEgressProvider(ctx: AdapterContext, providerId: string): Promise<KasmEgressProvider | undefined> {
  return findIn(ctx, EGRESS_PROVIDERS_INVENTORY, egressProvidersInventory, { id: providerId }, () =>
    absentWhenNotFound(ctx.kasm.egress.providers.get(providerId, { ...background, signal: ctx.signal })),
  );
}

/** The gateway as Kasm has it, or undefined. */
export function findEgressGateway(ctx: AdapterContext, gatewayId: string): Promise<KasmEgressGateway | undefined> {
  return findIn(ctx, EGRESS_GATEWAYS_INVENTORY, egressGatewaysInventory, { id: gatewayId }, () =>
    absentWhenNotFound(ctx.kasm.egress.gateways.get(gatewayId, { ...background, signal: ctx.signal })),
  );
}
