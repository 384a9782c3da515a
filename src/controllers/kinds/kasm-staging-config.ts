import { CLIENT_SETTING_FIELDS } from '../../api/kasm-client-settings.js';
import { expirationHours, kasmStagingConfigSpec, type KasmStagingConfigSpec } from '../../api/kasm-staging-config.js';
import type { KasmStagingConfig, UpdateStagingConfigChanges } from '../../kasm/areas/staging-configs.js';
import type { KasmZone } from '../../kasm/areas/zones.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { InvalidSpecError, ReferenceNotReadyError } from '../reconcile-errors.js';
import { resolveManagedRef } from '../reference-resolver.js';
import {
  absentWhenNotFound,
  findImage,
  forgetIn,
  inventoryOf,
  observesPerObject,
  rememberIn,
  requireInKasm,
  ZONES_INVENTORY,
  zonesInventory,
} from './kasm-inventories.js';

/** Every staging config of a connection (get_staging_configs), keyed by zone + image. */
const STAGING_CONFIGS_INVENTORY = 'staging-configs';

/** Hours Kasm stores as a float: values this close are the same expiration. */
const HOURS_TOLERANCE = 1e-6;

interface StagingResolved {
  spec: KasmStagingConfigSpec;
  zoneId: string;
  imageId: string;
  expirationHours: number;
}

interface StagingObserved {
  staging: KasmStagingConfig;
}

/** The natural key: Kasm gives a staging config no name, so one pool per zone and image. */
const poolKey = (zoneId: string, imageId: string): string => `${zoneId}/${imageId}`;
const keyOf = (s: KasmStagingConfig): string | undefined => (s.zoneId !== null && s.imageId !== null ? poolKey(s.zoneId, s.imageId) : undefined);

const show = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined ? '' : String(v));

const stagingConfigsInventory = inventoryOf<KasmStagingConfig>(STAGING_CONFIGS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.stagingConfigs.list({ priority: 'background' }),
  id: (s) => s.stagingConfigId,
  naturalKeys: (s) => [keyOf(s)].filter((k): k is string => k !== undefined),
  // The count of staged sessions moves on its own; it is reported, not compared.
  fingerprint: (s) => JSON.stringify({ ...s, numCurrentSessions: undefined }),
}));

async function listZones(ctx: AdapterContext): Promise<readonly KasmZone[]> {
  if (observesPerObject(ctx)) return ctx.kasm.zones.list({}, { priority: 'background', signal: ctx.signal });
  return [...(await zonesInventory(ctx)).all()];
}

/** The zone's Kasm id; a zone Kasm does not have (yet) makes the object wait. */
async function resolveZone(ctx: AdapterContext, spec: KasmStagingConfigSpec): Promise<string> {
  const zones = await listZones(ctx);
  if (spec.zoneName !== undefined) {
    ctx.deps.dependOnKasm(ZONES_INVENTORY, spec.zoneName);
    const zone = zones.find((z) => z.zoneName === spec.zoneName);
    if (!zone) throw new ReferenceNotReadyError('Kasm zone', spec.zoneName, `does not exist in Kasm (zones: ${zones.map((z) => z.zoneName).join(', ') || 'none'})`);
    return zone.zoneId;
  }
  const zoneId = normalizeKasmId(spec.zoneId ?? '', { field: 'spec.zoneId' });
  ctx.deps.dependOnKasm(ZONES_INVENTORY, zoneId);
  if (!zones.some((z) => z.zoneId === zoneId)) throw new ReferenceNotReadyError('Kasm zone', zoneId, 'does not exist in Kasm');
  return zoneId;
}

/** An explicit image id must exist (checked from the shared images inventory; per object, Kasm's check on write reports it). */
async function resolveImage(ctx: AdapterContext, spec: KasmStagingConfigSpec): Promise<string> {
  if (spec.imageRef) return resolveManagedRef(ctx, 'KasmImage', spec.imageRef.name);
  const imageId = normalizeKasmId(spec.imageId ?? '', { field: 'spec.imageId' });
  if (!observesPerObject(ctx)) requireInKasm(await findImage(ctx, imageId), 'Kasm image', imageId);
  return imageId;
}

function observeStaging(ctx: AdapterContext, staging: KasmStagingConfig): Observation<StagingObserved> {
  ctx.deps.dependOnKasm(STAGING_CONFIGS_INVENTORY, staging.stagingConfigId);
  return { observed: { staging }, externalId: staging.stagingConfigId };
}

/** The one staging config of this zone and image; several mean the id annotation must say which. */
function onlyOne(all: Iterable<KasmStagingConfig>, key: string): KasmStagingConfig | undefined {
  const candidates = [...all].filter((s) => keyOf(s) === key);
  if (candidates.length > 1) {
    throw new InvalidSpecError(
      `Kasm has ${candidates.length} staging configs for this zone and image (ids ${candidates.map((s) => s.stagingConfigId).join(', ')}); set the annotation kasm.io/external-id to the id of the one this resource manages`,
    );
  }
  return candidates[0];
}

/** Per-object observation: get_staging_config by id, or the list when only zone + image are known. */
async function readPerObject(ctx: AdapterContext, id: string | undefined, key: string | undefined): Promise<KasmStagingConfig | undefined> {
  const options = { priority: 'background' as const, signal: ctx.signal };
  if (id !== undefined) return absentWhenNotFound(ctx.kasm.stagingConfigs.get(id, options));
  if (key === undefined) return undefined;
  const all = await absentWhenNotFound(ctx.kasm.stagingConfigs.list(options));
  return all && onlyOne(all, key);
}

/** The changes that bring Kasm to the spec: every managed field when `fields` is undefined. */
function changesFor(resolved: StagingResolved, fields: ReadonlySet<string> | undefined): UpdateStagingConfigChanges {
  const { spec } = resolved;
  const wants = (f: string): boolean => fields === undefined || fields.has(f);
  const changes: UpdateStagingConfigChanges = {};
  if (wants('zoneId')) changes.zoneId = resolved.zoneId;
  if (wants('imageId')) changes.imageId = resolved.imageId;
  if (wants('numSessions')) changes.numSessions = spec.numSessions;
  if (wants('expiration')) changes.expiration = resolved.expirationHours;
  for (const f of CLIENT_SETTING_FIELDS) {
    const value = spec.clientSettings?.[f];
    if (value !== undefined && wants(`clientSettings.${f}`)) changes[f] = value;
  }
  return changes;
}

export const kasmStagingConfigAdapter: ManagedKindAdapter<KasmStagingConfigSpec, StagingResolved, StagingObserved> = {
  kind: 'KasmStagingConfig',
  specSchema: kasmStagingConfigSpec,

  async resolve(spec, ctx) {
    const zoneId = await resolveZone(ctx, spec);
    const imageId = await resolveImage(ctx, spec);
    return { spec, zoneId, imageId, expirationHours: expirationHours(spec.expiration) };
  },

  naturalKey: (resolved) => poolKey(resolved.zoneId, resolved.imageId),

  async observe(ctx, { externalId: id, naturalKey, byNaturalKey, refresh }) {
    if (observesPerObject(ctx)) {
      const staging = await readPerObject(ctx, id, byNaturalKey ? naturalKey : undefined);
      return staging ? observeStaging(ctx, staging) : undefined;
    }
    const inv = await stagingConfigsInventory(ctx, refresh);
    ctx.deps.dependOnKasm(STAGING_CONFIGS_INVENTORY, naturalKey);
    const staging = id !== undefined ? inv.get(id) : byNaturalKey ? onlyOne(inv.all(), naturalKey) : undefined;
    return staging ? observeStaging(ctx, staging) : undefined;
  },

  async create(ctx, resolved) {
    const staging = await ctx.kasm.stagingConfigs.create(
      { ...changesFor(resolved, undefined), zoneId: resolved.zoneId, imageId: resolved.imageId, numSessions: resolved.spec.numSessions, expiration: resolved.expirationHours },
      { signal: ctx.signal },
    );
    await rememberIn(ctx, stagingConfigsInventory, staging);
    return observeStaging(ctx, staging);
  },

  async update(ctx, current, resolved, diff) {
    const changes = changesFor(resolved, new Set(diff.map((d) => d.field)));
    const staging = await ctx.kasm.stagingConfigs.update(current.externalId, changes, { signal: ctx.signal });
    await rememberIn(ctx, stagingConfigsInventory, staging);
    return observeStaging(ctx, staging);
  },

  async delete(ctx, current) {
    await ctx.kasm.stagingConfigs.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, stagingConfigsInventory, current.externalId);
  },

  diff(resolved, { staging }) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    // Compared as Kasm ids, whichever of name, id or reference the spec uses.
    if (staging.zoneId !== resolved.zoneId) diff.push({ field: 'zoneId', desired: resolved.zoneId, observed: show(staging.zoneId) });
    if (staging.imageId !== resolved.imageId) diff.push({ field: 'imageId', desired: resolved.imageId, observed: show(staging.imageId) });
    if (staging.numSessions !== spec.numSessions) diff.push({ field: 'numSessions', desired: String(spec.numSessions), observed: show(staging.numSessions) });
    if (staging.expiration === null || Math.abs(staging.expiration - resolved.expirationHours) > HOURS_TOLERANCE) {
      diff.push({ field: 'expiration', desired: spec.expiration, observed: staging.expiration === null ? '' : `${staging.expiration}h` });
    }
    for (const f of CLIENT_SETTING_FIELDS) {
      const wanted = spec.clientSettings?.[f];
      if (wanted !== undefined && staging[f] !== wanted) diff.push({ field: `clientSettings.${f}`, desired: String(wanted), observed: show(staging[f]) });
    }
    return diff;
  },

  atProvider({ staging }) {
    return {
      stagingConfigId: staging.stagingConfigId,
      zoneId: staging.zoneId,
      zoneName: staging.zoneName,
      imageId: staging.imageId,
      imageFriendlyName: staging.imageFriendlyName,
      numSessions: staging.numSessions,
      numCurrentSessions: staging.numCurrentSessions,
      expirationHours: staging.expiration,
      ...Object.fromEntries(CLIENT_SETTING_FIELDS.map((f) => [f, staging[f]])),
    };
  },
};
