import { kasmGroupImageSpec, type KasmGroupImageSpec } from '../../api/kasm-group-image.js';
import type { KasmGroupImage } from '../../kasm/areas/groups.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { PerObjectReads, type ReadHint } from '../per-object-reads.js';
import { resolveManagedRef } from '../reference-resolver.js';
import { findGroup, findImage, groupsInventory, observesPerObject, requireInKasm } from './kasm-inventories.js';

/** Without get_groups' workspace names, a group's images are read again at this multiple of the poll interval. */
const GROUP_IMAGES_POLL_FACTOR = 5;
/** Grants get_groups keeps confirming are still read about hourly: two images may share a name. */
const CONFIRMED_GRANTS_RECHECK_MS = 60 * 60_000;

interface GrantResolved {
  groupId: string;
  imageId: string;
}

interface GrantObserved {
  row: KasmGroupImage;
}

/** Whether a group's rows name the same images as `names`, by friendly name or by Docker image name. */
function sameImageNames(names: readonly string[], rows: readonly KasmGroupImage[]): boolean {
  if (names.length !== rows.length) return false;
  const sorted = (list: readonly string[]): string => JSON.stringify([...list].sort());
  const expected = sorted(names);
  return (
    expected === sorted(rows.map((r) => r.imageFriendlyName ?? r.imageName ?? '')) ||
    expected === sorted(rows.map((r) => r.imageName ?? ''))
  );
}

/** get_groups' workspace_names for the group, from the shared groups list (bulk observation only). */
async function workspaceNamesHint(ctx: AdapterContext, groupId: string): Promise<ReadHint<KasmGroupImage[]> | undefined> {
  if (observesPerObject(ctx)) return undefined;
  const groups = await groupsInventory(ctx);
  const names = groups.get(groupId)?.workspaceNames;
  const listedAt = groups.listedAt;
  if (names == null || listedAt === undefined) return undefined;
  return { agrees: (rows) => sameImageNames(names, rows), listedAt };
}

/**
 * A group's grants (get_images_group; Kasm lists no grants across groups). get_groups, listed each
 * poll anyway, names every group's images: while those names match the grants last read, nothing
 * is read; when they change, the group is read at the next look.
 */
const groupImagesReads = new PerObjectReads<KasmGroupImage[]>(
  (kasm, groupId, signal) => kasm.groups.listImages(groupId, { priority: 'background', signal }),
  GROUP_IMAGES_POLL_FACTOR,
  {
    what: 'group grants (get_groups workspace_names against get_images_group)',
    hint: workspaceNamesHint,
    confirmedRecheckMs: CONFIRMED_GRANTS_RECHECK_MS,
  },
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
