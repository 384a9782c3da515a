import { kasmImageSpec, type KasmImageSpec } from '../../api/kasm-image.js';
import { parseByteQuantity } from '../../api/quantity.js';
import type { KasmImage, UpdateImageChanges } from '../../kasm/areas/images.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { canonicalJson } from './canonical-json.js';
import { forgetIn, IMAGES_INVENTORY, imagesInventory, observesPerObject, rememberIn } from './kasm-inventories.js';

interface ImageResolved {
  spec: KasmImageSpec;
  /** spec.memory in bytes. */
  memoryBytes: number | undefined;
  /** Registry credentials and the Secret version they came from; the token never leaves this object. */
  docker?: { user: string; token: string; version: string };
}

interface ImageObserved {
  image: KasmImage;
}

/** Spec fields sent to Kasm as they are and compared with the same-named field Kasm reports. */
const PLAIN_FIELDS = ['friendlyName', 'description', 'cores', 'gpuCount', 'enabled', 'hidden', 'dockerRegistry', 'imageSrc', 'sessionTimeLimit', 'persistentProfilePath'] as const;
const JSON_FIELDS = ['runConfig', 'execConfig', 'volumeMappings'] as const;
const RESTRICTION_FLAGS = ['restrictToZone', 'restrictToServer', 'restrictToNetwork'] as const;
const RESTRICTION_IDS = ['zoneId', 'serverId'] as const;

const show = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return canonicalJson(v);
};

/** Images named `name`; several when the name was created more than once in Kasm. */
function named(images: Iterable<KasmImage>, name: string): KasmImage[] {
  return [...images].filter((i) => i.name === name);
}

function onlyOne(candidates: readonly KasmImage[], name: string): KasmImage | undefined {
  if (candidates.length > 1) {
    const ids = candidates.map((i) => i.imageId).join(', ');
    throw new InvalidSpecError(
      `spec.name: Kasm has ${candidates.length} images named "${name}" (ids ${ids}); set the annotation kasm.io/external-id to the id of the one this resource manages`,
    );
  }
  return candidates[0];
}

function observeImage(ctx: AdapterContext, image: KasmImage): Observation<ImageObserved> {
  ctx.deps.dependOnKasm(IMAGES_INVENTORY, image.imageId);
  return { observed: { image }, externalId: image.imageId };
}

/** The fields of `spec` that differ, as update_image changes (all managed fields when `fields` is undefined). */
function changesFor(resolved: ImageResolved, fields: ReadonlySet<string> | undefined): UpdateImageChanges {
  const { spec } = resolved;
  const wants = (f: string): boolean => fields === undefined || fields.has(f);
  const changes: Record<string, unknown> = {};
  if (wants('name')) changes.name = spec.name;
  for (const f of PLAIN_FIELDS) if (spec[f] !== undefined && wants(f)) changes[f] = spec[f];
  for (const f of JSON_FIELDS) if (spec[f] !== undefined && wants(f)) changes[f] = spec[f];
  if (resolved.memoryBytes !== undefined && wants('memory')) changes.memory = resolved.memoryBytes;
  if (spec.categories !== undefined && wants('categories')) changes.categories = spec.categories;
  const r = spec.restrictions;
  if (r) {
    for (const f of RESTRICTION_FLAGS) if (r[f] !== undefined && wants(`restrictions.${f}`)) changes[f] = r[f];
    for (const f of RESTRICTION_IDS) {
      const id = r[f];
      if (id !== undefined && wants(`restrictions.${f}`)) changes[f] = normalizeKasmId(id);
    }
    if (r.restrictNetworkNames !== undefined && wants('restrictions.restrictNetworkNames')) changes.restrictNetworkNames = r.restrictNetworkNames;
  }
  if (resolved.docker && (wants('dockerCredentials') || wants('dockerUser'))) {
    changes.dockerUser = resolved.docker.user;
    changes.dockerToken = resolved.docker.token;
  }
  return changes;
}

export const kasmImageAdapter: ManagedKindAdapter<KasmImageSpec, ImageResolved, ImageObserved> = {
  kind: 'KasmImage',
  specSchema: kasmImageSpec,

  resolve(spec, ctx) {
    const resolved: ImageResolved = { spec, memoryBytes: spec.memory === undefined ? undefined : parseByteQuantity(spec.memory, 'spec.memory') };
    const ref = spec.dockerCredentialsSecretRef;
    if (ref) {
      ctx.deps.dependOnSecret(ctx.namespace, ref.name);
      resolved.docker = {
        user: ctx.cluster.readSecretKey(ctx.namespace, ref.name, ref.usernameKey),
        token: ctx.cluster.readSecretKey(ctx.namespace, ref.name, ref.tokenKey),
        version: ctx.cluster.secretVersion(ctx.namespace, ref.name) ?? '',
      };
    }
    return Promise.resolve(resolved);
  },

  naturalKey: (resolved) => resolved.spec.name,

  async observe(ctx, { externalId: id, naturalKey, byNaturalKey, refresh }) {
    if (observesPerObject(ctx)) {
      // Kasm has no single-image read: one get_images per object.
      const images = await ctx.kasm.images.list({ priority: 'background', signal: ctx.signal });
      const image = id !== undefined ? images.find((i) => i.imageId === id) : byNaturalKey ? onlyOne(named(images, naturalKey), naturalKey) : undefined;
      return image ? observeImage(ctx, image) : undefined;
    }
    const inv = await imagesInventory(ctx, refresh);
    ctx.deps.dependOnKasm(IMAGES_INVENTORY, naturalKey);
    const image = id !== undefined ? inv.get(id) : byNaturalKey ? onlyOne(named(inv.all(), naturalKey), naturalKey) : undefined;
    return image ? observeImage(ctx, image) : undefined;
  },

  async create(ctx, resolved) {
    const image = await ctx.kasm.images.create({ imageType: 'Container', ...changesFor(resolved, undefined), name: resolved.spec.name }, { signal: ctx.signal });
    await rememberIn(ctx, imagesInventory, image);
    return observeImage(ctx, image);
  },

  async update(ctx, current, resolved, diff) {
    const changes = changesFor(resolved, new Set(diff.map((d) => d.field)));
    const image = await ctx.kasm.images.update(current.externalId, changes, { signal: ctx.signal });
    await rememberIn(ctx, imagesInventory, image);
    return observeImage(ctx, image);
  },

  async delete(ctx, current) {
    await ctx.kasm.images.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, imagesInventory, current.externalId);
  },

  diff(resolved, { image }, status) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    const compare = (field: string, wanted: unknown, have: unknown, same: boolean): void => {
      if (!same) diff.push({ field, desired: show(wanted), observed: show(have) });
    };
    compare('name', spec.name, image.name, image.name === spec.name);
    for (const f of PLAIN_FIELDS) {
      const wanted = spec[f];
      if (wanted === undefined) continue;
      const have = image[f];
      // Kasm reports an unset text as null and the UI clears it to "".
      compare(f, wanted, have, typeof wanted === 'string' ? (have ?? '') === wanted : have === wanted);
    }
    if (resolved.memoryBytes !== undefined) compare('memory', resolved.memoryBytes, image.memory, image.memory === resolved.memoryBytes);
    if (spec.categories !== undefined) compare('categories', spec.categories.join(','), image.categories.join(','), canonicalJson(image.categories) === canonicalJson(spec.categories));
    for (const f of JSON_FIELDS) {
      const wanted = spec[f];
      if (wanted !== undefined) compare(f, wanted, image[f], canonicalJson(image[f] ?? {}) === canonicalJson(wanted));
    }
    const r = spec.restrictions;
    if (r) {
      for (const f of RESTRICTION_FLAGS) if (r[f] !== undefined) compare(`restrictions.${f}`, r[f], image[f], image[f] === r[f]);
      for (const f of RESTRICTION_IDS) {
        const wanted = r[f];
        if (wanted !== undefined) compare(`restrictions.${f}`, wanted, image[f], image[f] === normalizeKasmId(wanted));
      }
      if (r.restrictNetworkNames !== undefined) {
        compare('restrictions.restrictNetworkNames', r.restrictNetworkNames.join(','), image.restrictNetworkNames.join(','), canonicalJson(image.restrictNetworkNames) === canonicalJson(r.restrictNetworkNames));
      }
    }
    if (resolved.docker) {
      // The token cannot be read back: the credentials are sent again whenever their Secret changes.
      if (status?.dockerCredentialsSecretVersion !== resolved.docker.version) diff.push({ field: 'dockerCredentials', fromInput: true });
      else compare('dockerUser', resolved.docker.user, image.dockerUser, (image.dockerUser ?? '') === resolved.docker.user);
    }
    return diff;
  },

  atProvider({ image }) {
    return {
      imageId: image.imageId,
      name: image.name,
      friendlyName: image.friendlyName,
      description: image.description,
      enabled: image.enabled,
      hidden: image.hidden,
      available: image.available,
      cores: image.cores,
      memory: image.memory,
      gpuCount: image.gpuCount,
      dockerRegistry: image.dockerRegistry,
      dockerUser: image.dockerUser,
      imageSrc: image.imageSrc,
      categories: image.categories,
      zoneId: image.zoneId,
      restrictToZone: image.restrictToZone,
      serverId: image.serverId,
      restrictToServer: image.restrictToServer,
      restrictToNetwork: image.restrictToNetwork,
      restrictNetworkNames: image.restrictNetworkNames,
      sessionTimeLimit: image.sessionTimeLimit,
      persistentProfilePath: image.persistentProfilePath,
    };
  },

  extraStatus(resolved) {
    return resolved.docker ? { dockerCredentialsSecretVersion: resolved.docker.version } : {};
  },
};
