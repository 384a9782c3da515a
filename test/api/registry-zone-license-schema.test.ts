import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmLicenseKind } from '../../src/api/kasm-license.js';
import { kasmRegistryKind } from '../../src/api/kasm-registry.js';
import { kasmZoneKind } from '../../src/api/kasm-zone.js';
import { parseSpec } from '../../src/api/spec-issues.js';
import type { KindDefinition } from '../../src/api/kind-definition.js';
import { checkAgainstSchema } from './openapi-check.js';

const celRules = (kind: KindDefinition, field?: string): string[] => {
  const spec = toStructuralSchema(kind.spec, 'spec');
  const node = field === undefined ? spec : spec.properties?.[field];
  return (node?.['x-kubernetes-validations'] ?? []).map((r) => r.rule);
};

function rejects(kind: KindDefinition, spec: unknown, message: string | RegExp): void {
  const result = parseSpec(kind.spec, spec);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.message).toMatch(message);
}

describe.each([
  ['KasmRegistry', kasmRegistryKind, { url: 'https://registry.kasmweb.com/', channel: '1.16.0', schemaOverride: '1.0' }],
  ['KasmZone', kasmZoneKind, { name: 'default' }],
  ['KasmLicense', kasmLicenseKind, { activationKeySecretRef: { name: 'license', key: 'activationKey' }, seats: 10, issuedTo: 'Example Corp' }],
  ['KasmLicense under Observe', kasmLicenseKind, { issuedTo: 'Example Corp', deletionPolicy: 'Orphan', managementPolicies: ['Observe'] }],
] as const)('%s spec', (_name, kind, spec) => {
  it('accepts a valid spec, and the CRD schema does too', () => {
    expect(parseSpec(kind.spec, spec)).toMatchObject({ ok: true });
    expect(checkAgainstSchema(spec, toStructuralSchema(kind.spec, 'spec'), 'spec')).toEqual([]);
  });
});

describe('KasmRegistry spec', () => {
  it('wants an http(s) URL', () => {
    rejects(kasmRegistryKind, { url: 'registry.kasmweb.com' }, /^spec\.url: must be an http\(s\) URL/);
  });

  it('fixes the URL and the schema override with CEL', () => {
    expect(celRules(kasmRegistryKind, 'url')).toEqual(['self == oldSelf']);
    expect(celRules(kasmRegistryKind)).toEqual([expect.stringContaining('has(self.schemaOverride) == has(oldSelf.schemaOverride)') as unknown]);
  });
});

describe('KasmZone spec', () => {
  it('defaults to observing only', () => {
    expect(kasmZoneKind.spec.parse({ name: 'default' }).managementPolicies).toEqual(['Observe']);
  });

  it.each([
    ['"*"', { name: 'default', managementPolicies: ['*'] }],
    ['Observe and Create', { name: 'default', managementPolicies: ['Observe', 'Create'] }],
  ])('refuses %s: zones are observe-only', (_what, spec) => {
    rejects(kasmZoneKind, spec, /^spec\.managementPolicies: KasmZone is observe-only/);
  });

  it('states it as a CEL rule', () => {
    expect(celRules(kasmZoneKind)).toEqual(["!has(self.managementPolicies) || self.managementPolicies == ['Observe']"]);
  });
});

describe('KasmLicense spec', () => {
  const key = { name: 'license', key: 'activationKey' };

  it('defaults to Orphan and refuses Delete: Kasm cannot remove licences', () => {
    expect(kasmLicenseKind.spec.parse({ activationKeySecretRef: key }).deletionPolicy).toBe('Orphan');
    rejects(kasmLicenseKind, { activationKeySecretRef: key, deletionPolicy: 'Delete' }, /^spec\.deletionPolicy: .*set it to Orphan/);
  });

  it('needs the key unless it only observes', () => {
    rejects(kasmLicenseKind, { deletionPolicy: 'Orphan', managementPolicies: ['Observe', 'Create'] }, /^spec\.activationKeySecretRef: set activationKeySecretRef/);
  });

  it('refuses zero seats', () => {
    rejects(kasmLicenseKind, { activationKeySecretRef: key, deletionPolicy: 'Orphan', seats: 0 }, /^spec\.seats:/);
  });

  it('states both as CEL rules', () => {
    expect(celRules(kasmLicenseKind)).toEqual([
      "!has(self.deletionPolicy) || self.deletionPolicy == 'Orphan'",
      "has(self.activationKeySecretRef) || (has(self.managementPolicies) && self.managementPolicies == ['Observe'])",
    ]);
  });
});
