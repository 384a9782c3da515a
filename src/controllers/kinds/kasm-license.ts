import { kasmLicenseActivation, kasmLicenseSpec, type KasmLicenseActivation, type KasmLicenseSpec } from '../../api/kasm-license.js';
import type { KasmLicense } from '../../kasm/areas/licenses.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation, SyncOutcome } from '../managed-kind.js';
import { allows } from '../policies.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { inventoryOf, observesPerObject, rememberIn } from './kasm-inventories.js';

/**
 * KasmLicense over activate, observed in bulk with get_licenses. Kasm has no licence update or
 * delete and never reports the activation key, so what was last activated (the key Secret's
 * resourceVersion, seats, issuedTo) is kept in status.activation, and a spec or Secret that differs
 * from it activates again. The key lives in the resolved value for one reconcile and reaches only
 * the activate request.
 */

const LICENSES_INVENTORY = 'licenses';

interface LicenseResolved {
  spec: KasmLicenseSpec;
  /** The activation key and the Secret version it came from; only when the operator may activate. */
  key?: { value: string; version: string };
}

interface LicenseObserved {
  license: KasmLicense;
  /** Set by an activation in this reconcile: what was sent (no key). */
  activated?: KasmLicenseActivation;
}

const licensesInventory = inventoryOf<KasmLicense>(LICENSES_INVENTORY, (ctx) => ({
  list: () => ctx.kasm.licenses.list({ priority: 'background' }),
  id: (l) => l.licenseId,
  naturalKeys: (l) => (l.issuedTo ? [l.issuedTo] : []),
}));

/** Creating and updating both mean activating: allowed unless the policies are observe-only. */
function mayActivate(spec: KasmLicenseSpec): boolean {
  return allows(spec.managementPolicies, 'Create') || allows(spec.managementPolicies, 'Update');
}

const rfc3339 = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function observeLicense(ctx: AdapterContext, license: KasmLicense, activated?: KasmLicenseActivation): Observation<LicenseObserved> {
  ctx.deps.dependOnKasm(LICENSES_INVENTORY, license.licenseId);
  return { observed: activated ? { license, activated } : { license }, externalId: license.licenseId };
}

async function activate(ctx: AdapterContext, { spec, key }: LicenseResolved): Promise<Observation<LicenseObserved>> {
  if (key === undefined) {
    throw new InvalidSpecError('spec.activationKeySecretRef: activating a licence needs the activation key; name the Secret key that holds it');
  }
  const license = await ctx.kasm.licenses.activate(
    { activationKey: key.value, ...(spec.seats !== undefined ? { seats: spec.seats } : {}), ...(spec.issuedTo !== undefined ? { issuedTo: spec.issuedTo } : {}) },
    { signal: ctx.signal },
  );
  await rememberIn(ctx, licensesInventory, license);
  const activated: KasmLicenseActivation = {
    secretVersion: key.version,
    ...(spec.seats !== undefined ? { seats: spec.seats } : {}),
    ...(spec.issuedTo !== undefined ? { issuedTo: spec.issuedTo } : {}),
    activatedAt: rfc3339(new Date()),
  };
  return observeLicense(ctx, license, activated);
}

/**
 * Under Observe the licence is found by issuedTo, or is the only one Kasm has when issuedTo is not
 * given. Several candidates need the kasm.io/external-id annotation.
 */
function licenseToObserve(licenses: Iterable<KasmLicense>, issuedTo: string | undefined): KasmLicense | undefined {
  const candidates = [...licenses].filter((l) => issuedTo === undefined || l.issuedTo === issuedTo);
  if (candidates.length > 1) {
    const ids = candidates.map((l) => l.licenseId).join(', ');
    const which = issuedTo === undefined ? '' : ` issued to "${issuedTo}"`;
    throw new InvalidSpecError(
      `Kasm has ${candidates.length} licences${which} (ids ${ids}); set the annotation kasm.io/external-id to the one to observe${issuedTo === undefined ? ', or set spec.issuedTo' : ''}`,
    );
  }
  return candidates[0];
}

const recordedActivation = kasmLicenseActivation.partial();

/** What status says was last activated; anything unreadable counts as never activated. */
function statusActivation(status: Record<string, unknown> | undefined): Partial<KasmLicenseActivation> | undefined {
  const parsed = recordedActivation.safeParse(status?.activation);
  return parsed.success ? parsed.data : undefined;
}

const show = (v: string | number | null | undefined): string => (v === undefined || v === null ? '' : String(v));

export const kasmLicenseAdapter: ManagedKindAdapter<KasmLicenseSpec, LicenseResolved, LicenseObserved> = {
  kind: 'KasmLicense',
  specSchema: kasmLicenseSpec,
  policyDefaults: { deletionPolicy: 'Orphan' },

  resolve(spec, ctx) {
    const ref = spec.activationKeySecretRef;
    // Under Observe the key is never used, so it is not read.
    if (ref === undefined || !mayActivate(spec)) return Promise.resolve({ spec });
    ctx.deps.dependOnSecret(ctx.namespace, ref.name);
    const value = ctx.cluster.readSecretKey(ctx.namespace, ref.name, ref.key);
    return Promise.resolve({ spec, key: { value, version: ctx.cluster.secretVersion(ctx.namespace, ref.name) ?? '' } });
  },

  // Names the licence in messages and events without the key.
  naturalKey: ({ spec }) =>
    spec.issuedTo !== undefined
      ? `issued to ${spec.issuedTo}`
      : spec.activationKeySecretRef
        ? `key from Secret ${spec.activationKeySecretRef.name}`
        : 'any licence',

  async observe(ctx, { externalId: id, byNaturalKey, resolved, refresh }) {
    // When it may activate, the key decides which licence it is: activating a key again returns its licence.
    const lookUp = id === undefined && byNaturalKey && !mayActivate(resolved.spec);
    if (id === undefined && !lookUp) return undefined;
    if (resolved.spec.issuedTo !== undefined) ctx.deps.dependOnKasm(LICENSES_INVENTORY, resolved.spec.issuedTo);
    const licenses = observesPerObject(ctx)
      ? await ctx.kasm.licenses.list({ priority: 'background', signal: ctx.signal })
      : [...(await licensesInventory(ctx, refresh)).all()];
    const license = id !== undefined ? licenses.find((l) => l.licenseId === id) : licenseToObserve(licenses, resolved.spec.issuedTo);
    return license ? observeLicense(ctx, license) : undefined;
  },

  create: (ctx, resolved) => activate(ctx, resolved),

  update: (ctx, _current, resolved) => activate(ctx, resolved),

  // Unreachable: the spec requires deletionPolicy Orphan, since Kasm's API cannot remove a licence.
  delete: () => Promise.resolve(),

  diff(resolved, { license }, status) {
    const { spec, key } = resolved;
    const diff: FieldDiff[] = [];
    if (key !== undefined) {
      // What was activated, not what Kasm made of it (its licence server may grant other seats).
      const last = statusActivation(status);
      if (last?.secretVersion !== key.version) return [{ field: 'activationKey', fromInput: true }];
      if (last.seats !== spec.seats) diff.push({ field: 'seats', desired: show(spec.seats), observed: show(last.seats), fromInput: true });
      if (last.issuedTo !== spec.issuedTo) diff.push({ field: 'issuedTo', desired: show(spec.issuedTo), observed: show(last.issuedTo), fromInput: true });
      return diff;
    }
    // Observe only: the licence Kasm has is compared with the one the spec describes.
    if (spec.seats !== undefined && license.limit !== spec.seats) diff.push({ field: 'seats', desired: show(spec.seats), observed: show(license.limit) });
    if (spec.issuedTo !== undefined && license.issuedTo !== spec.issuedTo) diff.push({ field: 'issuedTo', desired: spec.issuedTo, observed: show(license.issuedTo) });
    return diff;
  },

  atProvider({ license }) {
    return {
      licenseId: license.licenseId,
      licenseType: license.licenseType,
      sku: license.sku,
      issuedTo: license.issuedTo,
      issuedAt: license.issuedAt ? rfc3339(license.issuedAt) : null,
      expiration: license.expiration ? rfc3339(license.expiration) : null,
      limit: license.limit,
      isVerified: license.isVerified,
      features: license.features,
    };
  },

  extraStatus(_resolved, { activated }) {
    return activated ? { activation: activated } : {};
  },

  afterSync(ctx, { resolved, current, status, created }) {
    const { license, activated } = current.observed;
    const outcome: SyncOutcome = {};
    const before = typeof status.externalId === 'string' ? status.externalId : undefined;
    const events: NonNullable<SyncOutcome['events']>[number][] = [];
    if (activated && !created) {
      const note =
        before !== undefined && before !== current.externalId
          ? `Activated licence ${current.externalId}; the previous licence ${before} stays in Kasm (Kasm's API cannot remove licences)`
          : `Activated licence ${current.externalId} again`;
      events.push({ type: 'Normal', reason: 'Activated', note });
    }
    const secret = resolved.spec.activationKeySecretRef?.name;
    const renew = secret === undefined ? 'activate a renewed licence' : `put a renewed activation key in Secret ${secret}`;
    const expiration = license.expiration;
    const expiresIn = expiration ? expiration.getTime() - Date.now() : undefined;
    if (expiration && expiresIn !== undefined && expiresIn <= 0) {
      outcome.notReady = { reason: 'LicenseExpired', message: `The licence expired at ${rfc3339(expiration)}; ${renew}` };
    } else if (license.isVerified === false) {
      outcome.notReady = { reason: 'LicenseNotVerified', message: `Kasm could not verify the licence; check it in the Kasm admin UI, or ${renew}` };
    } else if (expiresIn !== undefined && expiresIn < ctx.pollIntervalMs) {
      // Report the expiry when it happens, not up to a poll interval later.
      outcome.requeueAfterMs = expiresIn + 1000;
    }
    if (events.length > 0) outcome.events = events;
    return Promise.resolve(outcome);
  },
};
