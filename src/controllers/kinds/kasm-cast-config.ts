import { kasmCastConfigSpec, type KasmCastConfigSpec } from '../../api/kasm-cast-config.js';
import type { KasmCastConfig, UpdateCastConfigChanges } from '../../kasm/areas/cast-configs.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation } from '../managed-kind.js';
import { resolveManagedRef } from '../reference-resolver.js';
import { absentWhenNotFound, findGroup, findImage, findIn, forgetIn, inventoryOf, observesPerObject, rememberIn, requireInKasm } from './kasm-inventories.js';

/** Every cast config of a connection (get_cast_configs), keyed by the unique cast key. */
const CAST_CONFIGS_INVENTORY = 'cast-configs';

interface CastResolved {
  spec: KasmCastConfigSpec;
  imageId: string;
  groupId: string | undefined;
  validUntil: Date | undefined;
}

interface CastObserved {
  cast: KasmCastConfig;
}

/** Fields sent and compared as they are: the client's camelCase name equals the reply's. */
type ScalarField = Exclude<keyof UpdateCastConfigChanges & keyof KasmCastConfig, 'imageId' | 'groupId' | 'allowedReferrers' | 'validUntil'>;

const TOP_LEVEL = [
  'allowAnonymous', 'requireRecaptcha', 'allowResume', 'enableSharing', 'disableControlPanel', 'disableTips', 'disableFixedRes',
  'errorUrl', 'kasmUrl', 'dynamicKasmUrl', 'dynamicDockerNetwork', 'enforceClientSettings',
] as const satisfies readonly ScalarField[];
const LIMITS = ['limitSessions', 'limitIps', 'ipRequestLimit', 'ipRequestSeconds'] as const satisfies readonly ScalarField[];
const CLIENT_SETTINGS = [
  'allowKasmAudio', 'allowKasmUploads', 'allowKasmDownloads', 'allowKasmClipboardDown', 'allowKasmClipboardUp', 'allowKasmMicrophone',
  'allowKasmSharing', 'kasmAudioDefaultOn', 'kasmImeModeDefaultOn',
] as const satisfies readonly ScalarField[];

/**
 * status field recording the sessionsRemaining last sent. Kasm counts the value down as the link is
 * used; that is not drift, so it is sent again only when the spec's value changes.
 */
const SESSIONS_APPLIED = 'sessionsRemainingApplied';

interface Wanted {
  /** Spec path, as drift and events name it. */
  field: string;
  client: ScalarField;
  value: string | number | boolean;
}

/** The scalar fields the spec sets, with the Kasm field each maps to. */
function wantedScalars(spec: KasmCastConfigSpec): Wanted[] {
  const wanted: Wanted[] = [
    { field: 'name', client: 'castingConfigName', value: spec.name },
    { field: 'key', client: 'key', value: spec.key },
  ];
  const add = (field: string, client: ScalarField, value: string | number | boolean | undefined): void => {
    if (value !== undefined) wanted.push({ field, client, value });
  };
  for (const f of TOP_LEVEL) add(f, f, spec[f]);
  for (const f of LIMITS) add(`limits.${f}`, f, spec.limits?.[f]);
  for (const f of CLIENT_SETTINGS) add(`clientSettings.${f}`, f, spec.clientSettings?.[f]);
  return wanted;
}

const sameSecond = (a: Date | null, b: Date): boolean => a !== null && Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
const sortedReferrers = (list: readonly string[]): string => [...list].sort().join(',');
const show = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined ? '' : String(v));

const castConfigsInventory = inventoryOf<KasmCastConfig>(CAST_CONFIGS_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.castConfigs.list({ priority: 'background' }),
  id: (c) => c.castConfigId,
  naturalKeys: (c) => [c.key],
}));

function observeCast(ctx: AdapterContext, cast: KasmCastConfig): Observation<CastObserved> {
  ctx.deps.dependOnKasm(CAST_CONFIGS_INVENTORY, cast.castConfigId);
  return { observed: { cast }, externalId: cast.castConfigId };
}

/** Per-object observation: get_cast_config by id, or the list when only the key is known. */
function readPerObject(ctx: AdapterContext, by: { id: string } | { key: string }): Promise<KasmCastConfig | undefined> {
  const options = { priority: 'background' as const, signal: ctx.signal };
  return absentWhenNotFound('id' in by ? ctx.kasm.castConfigs.get(by.id, options) : ctx.kasm.castConfigs.getByKey(by.key, options));
}

/**
 * An explicit Kasm id must name an existing object, else the object waits (a typo shows as
 * ReferenceNotReady, not as a failing write). Checked from the shared inventories, so it is free in
 * bulk observation; per object, Kasm's own check on write reports it.
 */
async function requireExisting(ctx: AdapterContext, what: 'image' | 'group', id: string): Promise<void> {
  if (observesPerObject(ctx)) return;
  requireInKasm(what === 'image' ? await findImage(ctx, id) : await findGroup(ctx, { groupId: id }), `Kasm ${what}`, id);
}

/** The changes that bring Kasm to the spec: every managed field when `fields` is undefined. */
function changesFor(resolved: CastResolved, fields: ReadonlySet<string> | undefined): UpdateCastConfigChanges {
  const { spec } = resolved;
  const wants = (f: string): boolean => fields === undefined || fields.has(f);
  const changes: Record<string, unknown> = {};
  for (const w of wantedScalars(spec)) if (wants(w.field)) changes[w.client] = w.value;
  if (wants('imageId')) changes.imageId = resolved.imageId;
  if (resolved.groupId !== undefined && wants('groupId')) changes.groupId = resolved.groupId;
  if (spec.allowedReferrers !== undefined && wants('allowedReferrers')) changes.allowedReferrers = spec.allowedReferrers;
  if (spec.limits?.sessionsRemaining !== undefined && wants('limits.sessionsRemaining')) changes.sessionRemaining = spec.limits.sessionsRemaining;
  if (resolved.validUntil !== undefined && wants('validUntil')) changes.validUntil = resolved.validUntil;
  return changes;
}

export const kasmCastConfigAdapter: ManagedKindAdapter<KasmCastConfigSpec, CastResolved, CastObserved> = {
  kind: 'KasmCastConfig',
  specSchema: kasmCastConfigSpec,

  async resolve(spec, ctx) {
    const imageId = spec.imageRef ? resolveManagedRef(ctx, 'KasmImage', spec.imageRef.name) : normalizeKasmId(spec.imageId ?? '', { field: 'spec.imageId' });
    if (!spec.imageRef) await requireExisting(ctx, 'image', imageId);
    let groupId: string | undefined;
    if (spec.groupRef) groupId = resolveManagedRef(ctx, 'KasmGroup', spec.groupRef.name);
    else if (spec.groupId !== undefined) {
      groupId = normalizeKasmId(spec.groupId, { field: 'spec.groupId' });
      await requireExisting(ctx, 'group', groupId);
    }
    return { spec, imageId, groupId, validUntil: spec.validUntil === undefined ? undefined : new Date(spec.validUntil) };
  },

  naturalKey: (resolved) => resolved.spec.key,

  async observe(ctx, { externalId, naturalKey, byNaturalKey, refresh }) {
    ctx.deps.dependOnKasm(CAST_CONFIGS_INVENTORY, naturalKey);
    const by = externalId !== undefined ? { id: externalId } : byNaturalKey ? { key: naturalKey } : undefined;
    const cast = by && (await findIn(ctx, CAST_CONFIGS_INVENTORY, castConfigsInventory, by, () => readPerObject(ctx, by), refresh));
    return cast ? observeCast(ctx, cast) : undefined;
  },

  async create(ctx, resolved) {
    const changes = changesFor(resolved, undefined);
    const cast = await ctx.kasm.castConfigs.create(
      { ...changes, castingConfigName: resolved.spec.name, key: resolved.spec.key },
      { signal: ctx.signal },
    );
    await rememberIn(ctx, castConfigsInventory, cast);
    return observeCast(ctx, cast);
  },

  async update(ctx, current, resolved, diff) {
    const changes = changesFor(resolved, new Set(diff.map((d) => d.field)));
    const cast = await ctx.kasm.castConfigs.update(current.externalId, changes, { signal: ctx.signal });
    await rememberIn(ctx, castConfigsInventory, cast);
    return observeCast(ctx, cast);
  },

  async delete(ctx, current) {
    await ctx.kasm.castConfigs.delete(current.externalId, { signal: ctx.signal });
    await forgetIn(ctx, castConfigsInventory, current.externalId);
  },

  diff(resolved, { cast }, status) {
    const { spec } = resolved;
    const diff: FieldDiff[] = [];
    for (const w of wantedScalars(spec)) {
      const have = cast[w.client];
      // Kasm reports an unset text as null; the spec writes it as "".
      const same = typeof w.value === 'string' ? (have ?? '') === w.value : have === w.value;
      if (!same) diff.push({ field: w.field, desired: show(w.value), observed: show(have) });
    }
    if (cast.imageId !== resolved.imageId) diff.push({ field: 'imageId', desired: resolved.imageId, observed: show(cast.imageId) });
    if (resolved.groupId !== undefined && cast.groupId !== resolved.groupId) diff.push({ field: 'groupId', desired: resolved.groupId, observed: show(cast.groupId) });
    if (spec.allowedReferrers !== undefined && sortedReferrers(cast.allowedReferrers) !== sortedReferrers(spec.allowedReferrers)) {
      diff.push({ field: 'allowedReferrers', desired: spec.allowedReferrers.join(','), observed: cast.allowedReferrers.join(',') });
    }
    const remaining = spec.limits?.sessionsRemaining;
    if (remaining !== undefined) {
      const applied = status?.[SESSIONS_APPLIED];
      if (typeof applied !== 'number') {
        if (cast.sessionRemaining !== remaining) diff.push({ field: 'limits.sessionsRemaining', desired: String(remaining), observed: show(cast.sessionRemaining) });
      } else if (applied !== remaining) {
        diff.push({ field: 'limits.sessionsRemaining', desired: String(remaining), observed: show(cast.sessionRemaining), fromInput: true });
      }
    }
    if (resolved.validUntil !== undefined && !sameSecond(cast.validUntil, resolved.validUntil)) {
      diff.push({ field: 'validUntil', desired: resolved.validUntil.toISOString(), observed: cast.validUntil?.toISOString() ?? '' });
    }
    return diff;
  },

  atProvider({ cast }) {
    return {
      castConfigId: cast.castConfigId,
      name: cast.castingConfigName,
      key: cast.key,
      imageId: cast.imageId,
      imageFriendlyName: cast.imageFriendlyName,
      groupId: cast.groupId,
      groupName: cast.groupName,
      allowedReferrers: cast.allowedReferrers,
      ...Object.fromEntries(TOP_LEVEL.map((f) => [f, cast[f]])),
      ...Object.fromEntries(LIMITS.map((f) => [f, cast[f]])),
      sessionsRemaining: cast.sessionRemaining,
      ...Object.fromEntries(CLIENT_SETTINGS.map((f) => [f, cast[f]])),
      validUntil: cast.validUntil?.toISOString() ?? null,
    };
  },

  extraStatus(resolved, { cast }) {
    // Recorded once Kasm holds the spec's value; while Kasm counts down, the recorded value stays.
    const remaining = resolved.spec.limits?.sessionsRemaining;
    if (remaining === undefined) return { [SESSIONS_APPLIED]: undefined };
    return cast.sessionRemaining === remaining ? { [SESSIONS_APPLIED]: remaining } : {};
  },

  afterSync(ctx, { current }) {
    const base = ctx.kasm.baseUrl;
    // The link as the Kasm UI shows it; the key carries only URL-safe characters.
    return Promise.resolve(base === undefined ? {} : { status: { castUrl: `${base}/#/cast/${current.observed.cast.key}` } });
  },
};
