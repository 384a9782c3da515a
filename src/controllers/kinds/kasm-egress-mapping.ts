import { kasmEgressMappingSpec, type KasmEgressMappingSpec } from '../../api/kasm-egress-mapping.js';
import type { CreateEgressMappingInput, KasmEgressMapping } from '../../kasm/areas/egress.js';
import { KasmNotFoundError } from '../../kasm/errors.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { resolveManagedRef } from '../reference-resolver.js';
import {
  EGRESS_MAPPINGS_INVENTORY,
  egressMappingsInventory,
  findEgressGateway,
  findEgressProvider,
  findEgressObject,
  mappingKey,
  subjectOf,
  subjectText,
  type EgressFinder,
  type MappingSubject,
} from './egress-inventories.js';
import { findGroup, findImage, findUser, forgetIn, rememberIn, requireInKasm } from './kasm-inventories.js';

interface MappingResolved {
  providerId: string;
  subject: MappingSubject;
  /** The pinned gateway; null lets users pick any gateway of the provider. */
  gatewayId: string | null;
}

interface MappingObserved {
  mapping: KasmEgressMapping;
}

const background = { priority: 'background' as const };

const SUBJECT_KINDS = { group: 'KasmGroup', user: 'KasmUser', image: 'KasmImage' } as const;

function finder(providerId: string, subject: MappingSubject): EgressFinder<KasmEgressMapping> {
  return {
    inventoryName: EGRESS_MAPPINGS_INVENTORY,
    inventory: egressMappingsInventory,
    id: (m) => m.egressProviderMappingId,
    readById: (ctx, id) => ctx.kasm.egress.mappings.get(id, { ...background, signal: ctx.signal }),
    listCandidates: (ctx) => ctx.kasm.egress.mappings.list({ egressProviderId: providerId, ...subjectIds(subject) }, { ...background, signal: ctx.signal }),
    matches: (m) => m.egressProviderId === providerId && subjectText(subjectOf(m)) === subjectText(subject),
    // The same pair mapped twice means the same routing: adopting either is right.
    duplicates: 'first',
  };
}

const subjectIds = (s: MappingSubject): { groupId: string } | { userId: string } | { imageId: string } =>
  s.type === 'group' ? { groupId: s.id } : s.type === 'user' ? { userId: s.id } : { imageId: s.id };

/** The subject the spec names: a Ready referenced object's Kasm id, or the id given. */
function specSubject(ctx: AdapterContext, spec: KasmEgressMappingSpec): MappingSubject {
  const pick = (type: MappingSubject['type'], ref: { name: string } | undefined, id: string | undefined): MappingSubject | undefined => {
    if (ref) return { type, id: resolveManagedRef(ctx, SUBJECT_KINDS[type], ref.name) };
    if (id !== undefined) return { type, id: normalizeKasmId(id, { field: `spec.${type}Id` }) };
    return undefined;
  };
  const subject = pick('group', spec.groupRef, spec.groupId) ?? pick('user', spec.userRef, spec.userId) ?? pick('image', spec.imageRef, spec.imageId);
  // The schema guarantees one; this only satisfies the type.
  if (!subject) throw new InvalidSpecError('spec: set exactly one of groupRef, groupId, userRef, userId, imageRef or imageId');
  return subject;
}

/** The subject as Kasm has it, from the shared users/groups/images inventories. */
function findSubject(ctx: AdapterContext, s: MappingSubject): Promise<unknown> {
  if (s.type === 'group') return findGroup(ctx, { groupId: s.id });
  if (s.type === 'user') return findUser(ctx, { userId: s.id });
  return findImage(ctx, s.id);
}

async function specGateway(ctx: AdapterContext, spec: KasmEgressMappingSpec, providerId: string): Promise<string | null> {
  const field = spec.gatewayRef ? 'spec.gatewayRef' : 'spec.gatewayId';
  const id = spec.gatewayRef
    ? resolveManagedRef(ctx, 'KasmEgressGateway', spec.gatewayRef.name)
    : spec.gatewayId !== undefined
      ? normalizeKasmId(spec.gatewayId, { field })
      : undefined;
  if (id === undefined) return null;
  const gateway = requireInKasm(await findEgressGateway(ctx, id), 'Kasm egress gateway', id);
  if (gateway.egressProviderId !== providerId) {
    throw new InvalidSpecError(`${field}: egress gateway ${id} belongs to egress provider ${gateway.egressProviderId}, not to this mapping's provider ${providerId}; pin a gateway of the mapping's provider`);
  }
  return id;
}

const observation = (mapping: KasmEgressMapping): Observation<MappingObserved> => ({ observed: { mapping }, externalId: mapping.egressProviderMappingId });

async function createMapping(ctx: AdapterContext, resolved: MappingResolved): Promise<Observation<MappingObserved>> {
  const input: CreateEgressMappingInput = {
    egressProviderId: resolved.providerId,
    ...subjectIds(resolved.subject),
    ...(resolved.gatewayId !== null ? { egressGatewayId: resolved.gatewayId } : {}),
  };
  const mapping = await ctx.kasm.egress.mappings.create(input, { signal: ctx.signal });
  await rememberIn(ctx, egressMappingsInventory, mapping);
  return observation(mapping);
}

export const kasmEgressMappingAdapter: ManagedKindAdapter<KasmEgressMappingSpec, MappingResolved, MappingObserved> = {
  kind: 'KasmEgressMapping',
  specSchema: kasmEgressMappingSpec,
  // A mapping has no identity beyond its provider and subject: an existing one is the same routing.
  adoptsExisting: true,

  async resolve(spec, ctx) {
    const providerId = spec.providerRef
      ? resolveManagedRef(ctx, 'KasmEgressProvider', spec.providerRef.name)
      : normalizeKasmId(spec.providerId ?? '', { field: 'spec.providerId' });
    const subject = specSubject(ctx, spec);
    requireInKasm(await findEgressProvider(ctx, providerId), 'Kasm egress provider', providerId);
    requireInKasm(await findSubject(ctx, subject), `Kasm ${subject.type}`, subject.id);
    return { providerId, subject, gatewayId: await specGateway(ctx, spec, providerId) };
  },

  naturalKey: (resolved) => mappingKey(resolved.providerId, resolved.subject),

  async observe(ctx, lookup) {
    const mapping = await findEgressObject(ctx, finder(lookup.resolved.providerId, lookup.resolved.subject), lookup);
    return mapping ? observation(mapping) : undefined;
  },

  create: createMapping,

  async update(ctx, current, resolved, diff) {
    const fields = new Set(diff.map((d) => d.field));
    if (fields.has('provider') || fields.has('subject')) {
      // Kasm changes only the gateway of a mapping: one that now routes something else is replaced.
      await ctx.kasm.egress.mappings.delete(current.externalId, { signal: ctx.signal }).catch((err: unknown) => {
        if (!(err instanceof KasmNotFoundError)) throw err;
      });
      await forgetIn(ctx, egressMappingsInventory, current.externalId);
      return createMapping(ctx, resolved);
    }
    const mapping = await ctx.kasm.egress.mappings.update(current.externalId, { egressGatewayId: resolved.gatewayId }, { signal: ctx.signal });
    await rememberIn(ctx, egressMappingsInventory, mapping);
    return observation(mapping);
  },

  async delete(ctx, current) {
    await ctx.kasm.egress.mappings.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, egressMappingsInventory, current.externalId);
  },

  diff(resolved, { mapping }) {
    const diff: FieldDiff[] = [];
    if (mapping.egressProviderId !== resolved.providerId) diff.push({ field: 'provider', desired: resolved.providerId, observed: mapping.egressProviderId });
    const observedSubject = subjectText(subjectOf(mapping));
    if (observedSubject !== subjectText(resolved.subject)) diff.push({ field: 'subject', desired: subjectText(resolved.subject), observed: observedSubject });
    // Without a pinned gateway the mapping must name none: users pick any gateway of the provider.
    if (mapping.egressGatewayId !== resolved.gatewayId) diff.push({ field: 'gateway', desired: resolved.gatewayId ?? '', observed: mapping.egressGatewayId ?? '' });
    return diff;
  },

  atProvider({ mapping }) {
    return {
      egressProviderMappingId: mapping.egressProviderMappingId,
      egressProviderId: mapping.egressProviderId,
      egressGatewayId: mapping.egressGatewayId,
      groupId: mapping.groupId,
      userId: mapping.userId,
      imageId: mapping.imageId,
      subject: subjectText(subjectOf(mapping)),
    };
  },
};
