import type { EgressSecretConfigEntry } from '../../api/kasm-egress-config.js';
import type { SecretKeyRef } from '../../api/references.js';
import type { AdapterContext, FieldDiff } from '../managed-kind.js';
import { SecretNotFoundError } from '../reconcile-errors.js';
import { canonicalJson } from './canonical-json.js';

/**
 * Secret inputs and the `config` object of egress providers, gateways and credentials. Secret
 * values live only in the resolved spec and the request that sends them: status keeps the Secret,
 * key and resourceVersion they came from, and diffs and status name secret fields without values.
 */

/** A value read from a Secret, with the version that says whether Kasm already has it. */
export interface SecretInput {
  /** Spec field it is sent for, e.g. `password` or `secretConfig.private_key`. */
  field: string;
  value: string;
  /** `<secret>/<key>@<resourceVersion>`: changes when the Secret or the reference changes. */
  version: string;
}

/** Reads a Secret key for `field`; a missing Secret or key names the spec field (`specPath`) and the fix. */
export function readSecretInput(ctx: AdapterContext, field: string, ref: SecretKeyRef, specPath: string): SecretInput {
  ctx.deps.dependOnSecret(ctx.namespace, ref.name);
  let value: string;
  try {
    value = ctx.cluster.readSecretKey(ctx.namespace, ref.name, ref.key);
  } catch (err) {
    if (err instanceof SecretNotFoundError) throw new SecretNotFoundError(`${specPath}: ${err.message}`);
    throw err;
  }
  return { field, value, version: `${ref.name}/${ref.key}@${ctx.cluster.secretVersion(ctx.namespace, ref.name) ?? ''}` };
}

/** status.secretVersions for the inputs sent; nothing when there are none. */
export function secretVersionsStatus(inputs: readonly SecretInput[]): { secretVersions?: Record<string, string> } {
  return inputs.length > 0 ? { secretVersions: Object.fromEntries(inputs.map((i) => [i.field, i.version])) } : {};
}

/** A diff entry (no values) when the input's Secret changed since it was last sent. */
export function changedSecretInput(input: SecretInput, status: Record<string, unknown> | undefined): FieldDiff | undefined {
  const sent = status?.secretVersions;
  const version = typeof sent === 'object' && sent !== null ? (sent as Record<string, unknown>)[input.field] : undefined;
  return version === input.version ? undefined : { field: input.field, fromInput: true };
}

export interface ResolvedConfig {
  /** spec.config: keys the user declared not secret. */
  plain: Record<string, unknown> | undefined;
  /** spec.secretConfig, read. */
  secrets: (SecretInput & { key: string })[];
}

export function resolveConfig(ctx: AdapterContext, spec: { config?: Record<string, unknown> | undefined; secretConfig?: EgressSecretConfigEntry[] | undefined }): ResolvedConfig {
  return {
    plain: spec.config,
    secrets: (spec.secretConfig ?? []).map((entry) => ({ key: entry.key, ...readSecretInput(ctx, `secretConfig.${entry.key}`, entry.secretKeyRef, `spec.secretConfig[key=${entry.key}].secretKeyRef`) })),
  };
}

const managesConfig = (rc: ResolvedConfig): boolean => rc.plain !== undefined || rc.secrets.length > 0;

/** The whole config to send (Kasm replaces it as a whole), or undefined when the spec does not manage it. */
export function configToSend(rc: ResolvedConfig): Record<string, unknown> | undefined {
  if (!managesConfig(rc)) return undefined;
  return { ...rc.plain, ...Object.fromEntries(rc.secrets.map((s) => [s.key, s.value])) };
}

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : canonicalJson(v));

/**
 * Config fields that differ: plain keys with their values; keys Kasm has beyond the spec, and secret
 * keys Kasm lacks, without values (they may be secret); secret keys whose Secret changed. A secret
 * value Kasm reports is not compared: Kasm may mask it.
 */
export function diffConfig(rc: ResolvedConfig, observed: Record<string, unknown>, status: Record<string, unknown> | undefined): FieldDiff[] {
  if (!managesConfig(rc)) return [];
  const diff: FieldDiff[] = [];
  const plain = rc.plain ?? {};
  for (const [key, wanted] of Object.entries(plain)) {
    if (!(key in observed) || canonicalJson(observed[key]) !== canonicalJson(wanted)) diff.push({ field: `config.${key}`, desired: show(wanted), observed: show(observed[key]) });
  }
  const secretKeys = new Set(rc.secrets.map((s) => s.key));
  for (const key of Object.keys(observed).sort()) {
    if (!(key in plain) && !secretKeys.has(key)) diff.push({ field: `config.${key}` });
  }
  for (const secret of rc.secrets) {
    const changed = changedSecretInput(secret, status);
    if (changed) diff.push(changed);
    else if (!(secret.key in observed)) diff.push({ field: secret.field });
  }
  return diff;
}

export const touchesConfig = (fields: ReadonlySet<string>): boolean => [...fields].some((f) => f.startsWith('config.') || f.startsWith('secretConfig.'));

/** What status shows of the config: values only for the keys spec.config declares, and every key name. */
export function configAtProvider(rc: ResolvedConfig | undefined, observed: Record<string, unknown>): { config: Record<string, unknown>; configKeys: string[] } {
  const declared = Object.keys(rc?.plain ?? {});
  return {
    config: Object.fromEntries(declared.filter((k) => k in observed).map((k) => [k, observed[k]])),
    configKeys: Object.keys(observed).sort(),
  };
}

/**
 * Runs a write that carries secret values. Kasm may echo a request in its error text, and the
 * client scrubs only values under secret-looking keys (a config key such as `ovpn` is not one), so
 * the values sent are removed from the error before it reaches a condition, event or log.
 */
export async function scrubbingSecrets<T>(inputs: readonly SecretInput[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error) {
      for (const { value } of inputs) if (value.length >= 4) err.message = err.message.replaceAll(value, '[REDACTED]');
    }
    throw err;
  }
}
