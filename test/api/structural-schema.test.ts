import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFileName } from '../../src/api/crd-generator.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../src/api/crd-types.js';
import { kinds } from '../../src/api/kinds.js';

// The committed files are what a cluster gets, so the checks read them (crd-files.test.ts keeps them current).
const crds = kinds.map((k) => {
  const crd = parse(readFileSync(new URL(`../../deploy/crds/${crdFileName(k)}`, import.meta.url), 'utf8')) as CustomResourceDefinition;
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`${k.kind}: no version`);
  return { def: k, crd, version, schema: version.schema.openAPIV3Schema };
});

interface Visit {
  path: string;
  node: JSONSchemaProps;
  isProperty: boolean;
}

function walk(node: JSONSchemaProps, path: string, isProperty: boolean, out: Visit[] = []): Visit[] {
  out.push({ path, node, isProperty });
  for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`, true, out);
  if (node.items) walk(node.items, `${path}[*]`, false, out);
  if (node.additionalProperties) walk(node.additionalProperties, `${path}.*`, false, out);
  return out;
}

const ALLOWED_KEYS = new Set([
  'description', 'type', 'format', 'nullable', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'minProperties', 'maxProperties',
  'required', 'properties', 'additionalProperties', 'items', 'x-kubernetes-validations', 'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields',
]);

function structuralProblems(root: JSONSchemaProps): string[] {
  const problems: string[] = [];
  for (const { path, node, isProperty } of walk(root, '', false)) {
    const at = path || '<root>';
    for (const key of Object.keys(node)) if (!ALLOWED_KEYS.has(key)) problems.push(`${at}: keyword ${key} is not allowed`);
    const typed = node.type !== undefined || node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
    if (!typed) problems.push(`${at}: no type`);
    if (node.properties && node.additionalProperties) problems.push(`${at}: properties and additionalProperties together`);
    if (node.type === 'array' && !node.items) problems.push(`${at}: array without items`);
    const keepsUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
    if (node.type === 'object' && !node.properties && !node.additionalProperties && !keepsUnknown && path !== '.metadata') problems.push(`${at}: object without fields would be pruned empty`);
    if (path.startsWith('.metadata') && path !== '.metadata') problems.push(`${at}: metadata may only be described by Kubernetes`);
    if (isProperty && path !== '.metadata' && !node.description) problems.push(`${at}: no description for kubectl explain`);
    for (const name of node.required ?? []) if (!node.properties?.[name]) problems.push(`${at}: required field ${name} is not a property`);
    if (node.pattern && /\(\?<?[=!]|\\[1-9]/.test(node.pattern)) problems.push(`${at}: pattern is not RE2`);
    if (node['x-kubernetes-list-type'] === 'map') {
      for (const k of node['x-kubernetes-list-map-keys'] ?? []) if (!node.items?.required?.includes(k)) problems.push(`${at}: map key ${k} not required`);
    }
  }
  return problems;
}

describe.each(crds)('$def.kind CRD', ({ def, crd, version, schema }) => {
  it('is a structural schema kube-apiserver accepts', () => {
    expect(structuralProblems(schema)).toEqual([]);
  });

  it('carries no server-side defaults (the operator applies them, so Argo CD sees no diff)', () => {
    expect(JSON.stringify(schema)).not.toContain('"default"');
  });

  it('has the names, scope, category and status subresource', () => {
    expect(crd.metadata.name).toBe(`${def.plural}.kasm.io`);
    expect(crd.spec.group).toBe('kasm.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.kind.toLowerCase() });
    expect(crd.spec.names.categories).toEqual(['kasm']);
    expect(crd.spec.names.shortNames.length).toBeGreaterThan(0);
    expect(version.name).toBe('v1alpha1');
    expect(version.served && version.storage).toBe(true);
    expect(version.subresources).toEqual({ status: {} });
    expect(schema.required).toEqual(['spec']);
  });

  it('prints READY, SYNCED and AGE columns read from conditions and metadata', () => {
    const byName = new Map(version.additionalPrinterColumns.map((c) => [c.name, c]));
    expect(byName.get('READY')?.jsonPath).toBe('.status.conditions[?(@.type=="Ready")].status');
    expect(byName.get('SYNCED')?.jsonPath).toBe('.status.conditions[?(@.type=="Synced")].status');
    expect(byName.get('AGE')).toMatchObject({ type: 'date', jsonPath: '.metadata.creationTimestamp' });
    expect(byName.has('EXTERNAL-ID')).toBe(def.managed);
    if (def.managed) expect(byName.get('EXTERNAL-ID')?.jsonPath).toBe('.status.externalId');
    for (const c of version.additionalPrinterColumns) {
      const [top, ...rest] = c.jsonPath.replace(/\[\?.*$/, '').split('.').filter(Boolean);
      // every column points at a field the schema declares, so it never prints <none> by construction
      if (top === 'metadata') continue;
      let node: JSONSchemaProps | undefined = schema.properties?.[top ?? ''];
      for (const part of rest) node = node?.properties?.[part];
      expect(node, `${c.name} -> ${c.jsonPath}`).toBeDefined();
    }
  });

  it('declares conditions as a list map keyed by type', () => {
    const conditions = schema.properties?.status?.properties?.conditions;
    expect(conditions?.['x-kubernetes-list-type']).toBe('map');
    expect(conditions?.['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect(conditions?.items?.properties?.status?.enum).toEqual(['True', 'False', 'Unknown']);
  });
});

describe('managed kinds', () => {
  const managed = crds.filter((c) => c.def.managed);

  it('share connectionRef, deletionPolicy and managementPolicies in spec', () => {
    expect(managed.map((c) => c.def.kind).sort()).toEqual([
      'KasmCastConfig',
      'KasmEgressCredential',
      'KasmEgressGateway',
      'KasmEgressMapping',
      'KasmEgressProvider',
      'KasmExec',
      'KasmGroup',
      'KasmGroupImage',
      'KasmGroupMembership',
      'KasmImage',
      'KasmLicense',
      'KasmLogin',
      'KasmRegistry',
      'KasmSession',
      'KasmSessionJoin',
      'KasmSessionPermission',
      'KasmStagingConfig',
      'KasmUser',
      'KasmZone',
    ]);
    for (const { schema } of managed) {
      const spec = schema.properties?.spec;
      expect(spec?.properties?.connectionRef?.properties?.name?.type).toBe('string');
      expect(spec?.properties?.deletionPolicy?.enum).toEqual(['Delete', 'Orphan']);
      expect(spec?.properties?.managementPolicies?.items?.enum).toEqual(['*', 'Observe', 'Create', 'Update', 'Delete']);
      expect(spec?.properties?.managementPolicies?.['x-kubernetes-list-type']).toBe('set');
      expect(spec?.required ?? []).not.toContain('deletionPolicy');
    }
  });

  it('share conditions, observedGeneration, externalId, atProvider and drift in status', () => {
    for (const { schema } of managed) {
      const status = schema.properties?.status?.properties ?? {};
      expect(Object.keys(status)).toEqual(expect.arrayContaining(['conditions', 'observedGeneration', 'externalId', 'atProvider', 'drift']));
      expect(status.drift?.items?.properties && Object.keys(status.drift.items.properties)).toEqual(['field', 'desired', 'observed']);
    }
  });

  it('KasmConnection has conditions but none of the managed fields', () => {
    const conn = crds.find((c) => c.def.kind === 'KasmConnection');
    const spec = conn?.schema.properties?.spec?.properties ?? {};
    const status = conn?.schema.properties?.status?.properties ?? {};
    expect(Object.keys(spec)).not.toEqual(expect.arrayContaining(['deletionPolicy']));
    expect(spec.managementPolicies).toBeUndefined();
    expect(status.externalId).toBeUndefined();
    expect(status.conditions).toBeDefined();
  });
});

describe('CEL rules', () => {
  const rulesAt = (kind: string, ...path: string[]): string[] => {
    let node = crds.find((c) => c.def.kind === kind)?.schema;
    for (const part of path) node = part === '[*]' ? node?.items : node?.properties?.[part];
    return (node?.['x-kubernetes-validations'] ?? []).map((r) => r.rule);
  };

  it('makes KasmUser.spec.username immutable', () => {
    expect(rulesAt('KasmUser', 'spec', 'username')).toEqual(['self == oldSelf']);
  });

  it('requires exactly one way to name each group of a KasmUser', () => {
    expect(rulesAt('KasmUser', 'spec', 'groups', '[*]')).toEqual([
      '(has(self.groupRef) ? 1 : 0) + (has(self.groupId) ? 1 : 0) + (has(self.name) ? 1 : 0) == 1',
    ]);
  });

  it('requires exactly one group and one way to name each member of a KasmGroupMembership, and fixes the group', () => {
    const specRules = rulesAt('KasmGroupMembership', 'spec');
    expect(specRules[0]).toBe('(has(self.groupRef) ? 1 : 0) + (has(self.groupId) ? 1 : 0) + (has(self.groupName) ? 1 : 0) == 1');
    expect(specRules[1]).toContain('has(self.groupRef) == has(oldSelf.groupRef)');
    expect(specRules[1]).toContain('self.groupId == oldSelf.groupId');
    expect(rulesAt('KasmGroupMembership', 'spec', 'users', '[*]')).toEqual([
      '(has(self.userRef) ? 1 : 0) + (has(self.userId) ? 1 : 0) + (has(self.username) ? 1 : 0) == 1',
    ]);
  });

  it('keeps "*" alone in managementPolicies and TLS verification choices apart', () => {
    expect(rulesAt('KasmGroup', 'spec', 'managementPolicies')).toEqual(["!('*' in self) || size(self) == 1"]);
    expect(rulesAt('KasmConnection', 'spec', 'tls')[0]).toContain('has(self.caSecretRef)');
  });

  it('gives every rule a message', () => {
    for (const { schema } of crds) {
      for (const { node } of walk(schema, '', false)) {
        for (const r of node['x-kubernetes-validations'] ?? []) expect(r.message.length).toBeGreaterThan(10);
      }
    }
  });
});
