import { z } from 'zod';
import { secretKeyRef } from './references.js';
import { withCelRules, withCrdMeta } from './validation-rules.js';

/**
 * The `config` object Kasm keeps on egress providers, gateways and credentials, split in two: plain
 * settings written in the spec (`config`) and settings read from Secrets (`secretConfig`: VPN
 * configuration files, WireGuard private keys, proxy passwords). The operator sends their union.
 */

/** A config key as Kasm names it, e.g. mtu, private_key, ovpn. */
const configKey = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][-._A-Za-z0-9]*$/, { message: 'must be a config key: letters, digits, "-", "_" and ".", starting with a letter or digit' });

// Values are any JSON; each one is kept as written (no pruning below the key).
const configValue = withCrdMeta(z.unknown(), { 'x-kubernetes-preserve-unknown-fields': true }).describe('Any JSON value.');

const MAX_CONFIG_KEYS = 128;

export const egressConfig = withCrdMeta(
  z.record(configKey, configValue).refine((config) => Object.keys(config).length <= MAX_CONFIG_KEYS, { message: `must have at most ${MAX_CONFIG_KEYS} keys` }),
  { maxProperties: MAX_CONFIG_KEYS },
).describe(
    'Settings Kasm keeps in the object\'s config that are not secret, e.g. {"mtu": 1420}. When config or secretConfig is set, the operator manages the whole config: keys set in Kasm outside the spec are removed. Never put keys or passwords here: use secretConfig.',
  );

export const egressSecretConfigEntry = z
  .object({
    key: configKey.describe('Config key the value is sent under, e.g. private_key or ovpn.'),
    secretKeyRef: secretKeyRef.describe('Secret key (same namespace) holding the value. A changed Secret is sent to Kasm again.'),
  })
  .describe('A config value read from a Secret.');
export type EgressSecretConfigEntry = z.infer<typeof egressSecretConfigEntry>;

export const egressSecretConfig = withCrdMeta(
  z
    .array(egressSecretConfigEntry)
    .max(32)
    .superRefine((list, ctx) => {
      // The list map already makes kube-apiserver refuse a repeated key, with its own message.
      const seen = new Set<string>();
      for (const [i, entry] of list.entries()) {
        if (seen.has(entry.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `config key "${entry.key}" is listed twice; list each key once` });
        seen.add(entry.key);
      }
    }),
  { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['key'] },
).describe(
  'Config values read from Secrets (VPN configuration files, private keys, passwords). Never shown in status or logs; sent again when their Secret changes.',
);

/** The spec fields an egress object with a config has. */
export const egressConfigShape = {
  config: egressConfig.optional(),
  secretConfig: egressSecretConfig.optional(),
};

const OVERLAP_MESSAGE = 'a config key is either in config or in secretConfig, not both; remove it from config';

/**
 * A key is plain or secret, never both: the CEL rule and the matching zod check on the spec object.
 * Not a SharedRule: the zod issue names the key and sits at its entry, which a fixed CEL message
 * and fieldPath cannot do.
 */
export function withConfigRules<T extends z.ZodObject>(schema: T): T {
  const checked = schema.superRefine((value: Record<string, unknown>, ctx) => {
    const config = value.config as Record<string, unknown> | undefined;
    const secret = value.secretConfig as EgressSecretConfigEntry[] | undefined;
    for (const [i, entry] of (secret ?? []).entries()) {
      // Own keys only, as CEL's `in` reads them: JS `in` would also find "constructor" and the like.
      if (config && Object.hasOwn(config, entry.key)) ctx.addIssue({ code: 'custom', path: ['secretConfig', i, 'key'], message: `"${entry.key}": ${OVERLAP_MESSAGE}` });
    }
  });
  return withCelRules(checked, [
    { rule: '!has(self.config) || !has(self.secretConfig) || self.secretConfig.all(e, !(e.key in self.config))', message: OVERLAP_MESSAGE },
  ]);
}

/** Status fields every egress kind with a config reports. */
export const egressConfigAtProviderShape = {
  config: z
    .record(z.string(), configValue)
    .optional()
    .describe('The values Kasm holds for the keys spec.config names (other keys are not shown: they may be secret).'),
  configKeys: z.array(z.string()).optional().describe('Every key of the config Kasm holds.'),
};

export const secretVersions = z
  .record(z.string(), z.string().max(600))
  .optional()
  .describe(
    'For each secret input (password, secretConfig.<key>): the Secret, key and resourceVersion last sent to Kasm, as <secret>/<key>@<resourceVersion>. A different one means the value is sent again. Never the value.',
  );
