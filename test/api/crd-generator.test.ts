import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CrdSchemaError, buildCrd, printerColumns, renderCrdYaml, toStructuralSchema } from '../../src/api/crd-generator.js';
import { defineKind } from '../../src/api/kind-definition.js';
import { managedSpec, managedStatus } from '../../src/api/managed-resource.js';
import { exactlyOneOf, immutable } from '../../src/api/validation-rules.js';

const d = (text: string) => text; // descriptions in these fixtures carry no meaning
const convert = (shape: z.ZodRawShape) => toStructuralSchema(z.object(shape).describe(d('root')), 'spec');
const refusal = (shape: z.ZodRawShape): string => {
  try {
    convert(shape);
  } catch (err) {
    expect(err).toBeInstanceOf(CrdSchemaError);
    return (err as Error).message;
  }
  throw new Error('the generator accepted a schema it must refuse');
};

describe('toStructuralSchema', () => {
  it('refuses unions, naming the field and the fix', () => {
    expect(refusal({ ref: z.union([z.string(), z.int()]).describe(d('x')) })).toMatch(/^spec\.ref: "anyOf" .*exactlyOneOf/);
  });

  it('refuses a field without a description', () => {
    expect(refusal({ name: z.string() })).toBe('spec.name: has no description; add .describe(...) so kubectl explain can show it');
  });

  it('refuses patterns Go regexp cannot run', () => {
    expect(refusal({ a: z.string().regex(/^(?!x)/).describe(d('a')) })).toContain('lookaround');
    expect(refusal({ a: z.string().regex(/^(a)\1$/).describe(d('a')) })).toContain('backreference');
  });

  it('refuses untyped values and objects that pruning would empty', () => {
    expect(refusal({ a: z.unknown().describe(d('a')) })).toBe('spec.a: has no type');
    expect(refusal({ a: z.object({}).describe(d('a')) })).toContain('would lose every field to pruning');
  });

  it('refuses formats kube-apiserver does not know', () => {
    expect(refusal({ a: z.email().describe(d('a')) })).toMatch(/format "email"|lookaround/);
  });

  it('moves defaults into the description and leaves the field optional', () => {
    const schema = convert({ policy: z.enum(['A', 'B']).default('A').describe('Policy.'), list: z.array(z.string()).default(['x']).describe('List.') });
    expect(schema.properties?.policy).toEqual({ description: 'Policy. Default: A.', type: 'string', enum: ['A', 'B'] });
    expect(schema.properties?.list?.description).toBe('List. Default: ["x"].');
    expect(schema.required).toBeUndefined();
  });

  it('types integers as int64 without the JS safe-integer bounds, int32 as int32', () => {
    const schema = convert({ a: z.int().describe(d('a')), b: z.int32().describe(d('b')), c: z.int().min(1).max(9).describe(d('c')) });
    expect(schema.properties?.a).toEqual({ description: 'a', type: 'integer', format: 'int64' });
    expect(schema.properties?.b).toEqual({ description: 'b', type: 'integer', format: 'int32' });
    expect(schema.properties?.c).toMatchObject({ minimum: 1, maximum: 9 });
  });

  it('drops additionalProperties next to properties and keeps it for string maps', () => {
    const schema = convert({
      strict: z.strictObject({ a: z.string().describe(d('a')) }).describe(d('s')),
      loose: z.looseObject({ a: z.string().describe(d('a')) }).describe(d('l')),
      labels: z.record(z.string(), z.string()).describe(d('m')),
    });
    expect(schema.properties?.strict?.additionalProperties).toBeUndefined();
    expect(schema.properties?.loose?.additionalProperties).toBeUndefined();
    expect(schema.properties?.labels?.additionalProperties).toEqual({ type: 'string' });
  });

  it('keeps nullable as an OpenAPI flag on a typed node', () => {
    expect(convert({ a: z.string().nullable().describe(d('a')) }).properties?.a).toEqual({ description: 'a', type: 'string', nullable: true });
  });

  it('carries CEL rules from the helpers', () => {
    const schema = convert({
      name: immutable(z.string().describe('Name.'), 'name cannot change'),
      pick: exactlyOneOf(z.object({ a: z.string().describe(d('a')).optional(), b: z.string().describe(d('b')).optional() }).describe('Pick.'), ['a', 'b']),
    });
    expect(schema.properties?.name?.['x-kubernetes-validations']).toEqual([{ rule: 'self == oldSelf', message: 'name cannot change' }]);
    expect(schema.properties?.pick?.['x-kubernetes-validations']).toEqual([{ rule: 'has(self.a) != has(self.b)', message: 'set exactly one of a or b' }]);
    expect(schema.properties?.name?.description).toBe('Name.');
  });
});

describe('kinds', () => {
  const widget = defineKind({
    kind: 'KasmWidget',
    plural: 'kasmwidgets',
    shortNames: ['kwid'],
    description: 'A test kind.',
    managed: true,
    spec: managedSpec({ size: z.int().min(1).describe('Size.') }).describe('Spec.'),
    status: managedStatus(z.object({ widgetId: z.string().describe('Id.') }).describe('Kasm view.'), {}),
    printerColumns: [
      { name: 'SIZE', type: 'integer', jsonPath: '.spec.size', description: 'Size.' },
      { name: 'DETAIL', type: 'string', jsonPath: '.status.atProvider.widgetId', description: 'Id.', priority: 1 },
    ],
  });

  it('are defined in one short call that derives the CRD names', () => {
    const crd = buildCrd(widget);
    expect(crd.metadata.name).toBe('kasmwidgets.kasm.io');
    expect(crd.spec.names).toEqual({
      kind: 'KasmWidget',
      listKind: 'KasmWidgetList',
      plural: 'kasmwidgets',
      singular: 'kasmwidget',
      shortNames: ['kwid'],
      categories: ['kasm'],
    });
  });

  it('order printer columns: own, READY, SYNCED, EXTERNAL-ID, AGE, then the -o wide ones', () => {
    expect(printerColumns(widget).map((c) => `${c.name}:${c.priority ?? 0}`)).toEqual([
      'SIZE:0',
      'READY:0',
      'SYNCED:0',
      'EXTERNAL-ID:0',
      'AGE:0',
      'REASON:1',
      'DETAIL:1',
    ]);
  });

  it('render to YAML that reads back as the same CRD', () => {
    const text = renderCrdYaml(widget);
    expect(text.startsWith('# Generated by `npm run generate`')).toBe(true);
    expect(parse(text)).toEqual(buildCrd(widget));
    expect(renderCrdYaml(widget)).toBe(text);
  });

  it('parse whole objects with the resource schema', () => {
    const obj = { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmWidget', metadata: { name: 'w', namespace: 'ns', extra: 1 }, spec: { size: 2 } };
    const parsed = widget.resource.parse(obj);
    expect(parsed.spec).toEqual({ size: 2, deletionPolicy: 'Delete', managementPolicies: ['*'] });
    expect(parsed.metadata).toMatchObject({ name: 'w', extra: 1 });
    expect(widget.resource.safeParse({ ...obj, apiVersion: 'kasm.io/v1' }).success).toBe(false);
    expect(widget.resource.safeParse({ ...obj, kind: 'KasmUser' }).success).toBe(false);
  });

  it('reject names Kubernetes would refuse', () => {
    const base = { kind: 'KasmX', plural: 'kasmxs', shortNames: ['kx'], description: 'x', managed: false, spec: z.object({}), status: z.object({}) };
    expect(() => defineKind({ ...base, plural: 'Kasm-Xs' })).toThrow(/plural/);
    expect(() => defineKind({ ...base, shortNames: ['k_x'] })).toThrow(/short name/);
    expect(() => defineKind({ ...base, kind: 'kasmX' })).toThrow(/CamelCase/);
  });
});
