import { kasmGroupImageSpec, type KasmGroupImageSpec } from '../../api/kasm-group-image.js';
import type { KasmGroupImage } from '../../kasm/areas/groups.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { PerObjectReads } from '../per-object-reads.js';
import { resolveManagedRef } from '../reference-resolver.js';
import { findGroup, findImage, requireInKasm } from './kasm-inventories.js';

/** A group's images have no list endpoint across groups: they are read per group, at this multiple of the poll interval. */
const GROUP_IMAGES_POLL_FACTOR = 5;

interface GrantResolved {
  groupId: string;
  imageId: string;
}

interface GrantObserved {
  row: KasmGroupImage;
}

const groupImagesReads = new PerObjectReads<KasmGroupImage[]>(
  (kasm, groupId, signal) => kasm.groups.listImages(groupId, { priority: 'background', signal }),
  GROUP_IMAGES_POLL_FACTOR,
);

/**
 * The grant's identity: the group id followed by the image id (64 hex digits, the most a status
 * externalId holds), so it can be revoked by id alone when its references are gone.
 */
const grantId = (g: GrantResolved): string => `${g.groupId}${g.imageId}`;

function parseGrantId(externalId: string): GrantResolved | undefined {
  if (!/^[0-9a-f]{64}$/.test(externalId)) return undefined;
  return { groupId: externalId.slice(0, 32), imageId: externalId.slice(32) };
}

async function findGrant(ctx: AdapterContext, grant: GrantResolved, force: boolean): Promise<Observation<GrantObserved> | undefined> {
  const rows = await groupImagesReads.get(ctx, grant.groupId, force);
  const row = rows.find((r) => r.imageId === grant.imageId);
  return row ? { observed: { row }, externalId: grantId(grant) } : undefined;
}

/**
 * KasmGroupImage has no Kasm object of its own beyond the grant row: it is found by the pair of
 * ids, and an existing grant is simply adopted.
 */
export const kasmGroupImageAdapter: ManagedKindAdapter<KasmGroupImageSpec, GrantResolved, GrantObserved> = {
  kind: 'KasmGroupImage',
  specSchema: kasmGroupImageSpec,
  adoptsExisting: true,

  async resolve(spec, ctx) {
    const groupId = spec.groupRef ? resolveManagedRef(ctx, 'KasmGroup', spec.groupRef.name) : normalizeKasmId(spec.groupId ?? '');
    const imageId = spec.imageRef ? resolveManagedRef(ctx, 'KasmImage', spec.imageRef.name) : normalizeKasmId(spec.imageId ?? '');
    requireInKasm(await findGroup(ctx, { groupId }), 'Kasm group', groupId);
    requireInKasm(await findImage(ctx, imageId), 'Kasm image', imageId);
    return { groupId, imageId };
  },

  naturalKey: grantId,

  observe(ctx, { resolved, refresh }) {
    return findGrant(ctx, resolved, refresh ?? false);
  },

  async create(ctx, resolved) {
    await ctx.kasm.groups.addImage(resolved.groupId, resolved.imageId, { signal: ctx.signal });
    // The add returns nothing: read the group's images once (the read also refreshes the shared cache).
    const found = await findGrant(ctx, resolved, true);
    // Should Kasm not list it yet, the next observation finds it missing and grants it again.
    return found ?? { observed: { row: { groupImageId: null, groupId: resolved.groupId, imageId: resolved.imageId, groupName: null, imageName: null, imageFriendlyName: null, imageSrc: null } }, externalId: grantId(resolved) };
  },

  async update(ctx, current) {
    // A grant has no fields of its own; diff is always empty, so this only refreshes.
    return (await findGrant(ctx, { groupId: current.observed.row.groupId, imageId: current.observed.row.imageId }, true)) ?? current;
  },

  async delete(ctx, current, resolved) {
    const grant = resolved ?? parseGrantId(current.externalId);
    if (!grant) return;
    await ctx.kasm.groups.removeImage(grant.groupId, grant.imageId, { signal: ctx.signal });
    await groupImagesReads.get(ctx, grant.groupId, true);
  },

  diff: () => [],

  atProvider({ row }) {
    return {
      groupId: row.groupId,
      groupName: row.groupName,
      imageId: row.imageId,
      imageName: row.imageName,
      imageFriendlyName: row.imageFriendlyName,
      groupImageId: row.groupImageId,
    };
  },
};
