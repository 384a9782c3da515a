import { describe, expect, it } from 'vitest';
import { UnsupportedCelError } from './cel-subset.js';
import { jsonSchemaPropsSchema, validateAgainstSchema, type JsonSchemaProps, type StatusCause } from './schema-validation.js';

/** A CR schema whose spec is `spec`. */
function crd(spec: JsonSchemaProps): JsonSchemaProps {
  return { type: 'object', properties: { spec } };
}

function cr(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', metadata: { name: 'u1', namespace: 'ns' }, spec };
}

function causesOf(schema: JsonSchemaProps, object: unknown, oldObject?: unknown): StatusCause[] {
  return validateAgainstSchema(schema, object, oldObject === undefined ? {} : { oldObject }).causes;
}

function objectOf(schema: JsonSchemaProps, object: unknown): unknown {
  return validateAgainstSchema(schema, object).object;
}

describe('pruning', () => {
  const schema = crd({ type: 'object', properties: { username: { type: 'string' }, nested: { type: 'object', properties: { a: { type: 'string' } } } } });

  it('drops fields the schema does not declare, at every depth', () => {
    const out = objectOf(schema, cr({ username: 'a', junk: 1, nested: { a: 'x', b: 'y' } }));
    expect(out).toEqual(cr({ username: 'a', nested: { a: 'x' } }));
  });

  it('drops unknown top-level fields but never apiVersion, kind or metadata', () => {
    const out = objectOf(schema, { ...cr({}), extra: true, metadata: { name: 'u1', labels: { a: 'b' } } });
    expect(out).toEqual({ apiVersion: 'kasm.io/v1alpha1', kind: 'KasmUser', metadata: { name: 'u1', labels: { a: 'b' } }, spec: {} });
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields and still prunes known children', () => {
    const s = crd({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
    });
    expect(objectOf(s, cr({ free: { deep: 1 }, known: { a: 'x', b: 'gone' } }))).toEqual(cr({ free: { deep: 1 }, known: { a: 'x' } }));
  });

  it('keeps apiVersion, kind and metadata of embedded resources', () => {
    const s = crd({
      type: 'object',
      properties: {
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
      },
    });
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a', y: 'gone' }, other: 1 };
    expect(objectOf(s, cr({ template }))).toEqual(cr({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a' } } }));
  });

  it('prunes map values and list items by their schemas', () => {
    const s = crd({
      type: 'object',
      properties: {
        byName: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
        list: { type: 'array', items: { type: 'object', properties: { v: { type: 'string' } } } },
      },
    });
    expect(objectOf(s, cr({ byName: { k: { v: 'a', w: 'b' } }, list: [{ v: 'a', w: 'b' }] }))).toEqual(cr({ byName: { k: { v: 'a' } }, list: [{ v: 'a' }] }));
  });

  it('does not mutate the input', () => {
    const input = cr({ username: 'a', junk: 1 });
    const copy = structuredClone(input);
    validateAgainstSchema(schema, input);
    expect(input).toEqual(copy);
  });
});

describe('defaulting', () => {
  const schema = crd({
    type: 'object',
    properties: {
      deletionPolicy: { type: 'string', enum: ['Delete', 'Orphan'], default: 'Delete' },
      managementPolicies: { type: 'array', items: { type: 'string' }, default: ['*'] },
      connectionRef: { type: 'object', default: {}, properties: { name: { type: 'string', default: 'default' } } },
      limits: { type: 'object', properties: { cores: { type: 'integer', default: 2 } } },
      note: { type: 'string', nullable: true, default: 'n' },
      plain: { type: 'string' },
      items: { type: 'array', items: { type: 'object', properties: { weight: { type: 'integer', default: 1 } } } },
      labels: { type: 'object', additionalProperties: { type: 'string', default: 'x' } },
    },
  });

  it('fills missing fields, recursing into defaulted objects', () => {
    expect(objectOf(schema, cr({}))).toEqual(
      cr({ deletionPolicy: 'Delete', managementPolicies: ['*'], connectionRef: { name: 'default' }, note: 'n' }),
    );
  });

  it('does not create parent objects that are absent and have no default', () => {
    const out = objectOf(schema, cr({})) as { spec: Record<string, unknown> };
    expect(out.spec).not.toHaveProperty('limits');
    expect((objectOf(schema, cr({ limits: {} })) as { spec: { limits: unknown } }).spec.limits).toEqual({ cores: 2 });
  });

  it('keeps values that are set', () => {
    const out = objectOf(schema, cr({ deletionPolicy: 'Orphan', connectionRef: { name: 'c' } })) as { spec: Record<string, unknown> };
    expect(out.spec.deletionPolicy).toBe('Orphan');
    expect(out.spec.connectionRef).toEqual({ name: 'c' });
  });

  it('replaces null of a non-nullable field by its default, keeps null of a nullable one', () => {
    const out = objectOf(schema, cr({ deletionPolicy: null, note: null })) as { spec: Record<string, unknown> };
    expect(out.spec.deletionPolicy).toBe('Delete');
    expect(out.spec.note).toBeNull();
  });

  it('drops null of a non-nullable field without default instead of rejecting it', () => {
    const result = validateAgainstSchema(schema, cr({ plain: null }));
    expect(result.causes).toEqual([]);
    expect((result.object as { spec: Record<string, unknown> }).spec).not.toHaveProperty('plain');
  });

  it('defaults inside list items and null map values', () => {
    const out = objectOf(schema, cr({ items: [{}, { weight: 5 }], labels: { a: null, b: 'y' } })) as { spec: Record<string, unknown> };
    expect(out.spec.items).toEqual([{ weight: 1 }, { weight: 5 }]);
    expect(out.spec.labels).toEqual({ a: 'x', b: 'y' });
  });

  it('applies defaults before validation (a default satisfies required)', () => {
    const s = crd({ type: 'object', required: ['policy'], properties: { policy: { type: 'string', default: 'Delete' } } });
    expect(causesOf(s, cr({}))).toEqual([]);
  });
});

describe('type', () => {
  const schema = crd({
    type: 'object',
    properties: {
      cores: { type: 'number' },
      count: { type: 'integer' },
      name: { type: 'string' },
      enabled: { type: 'boolean' },
      obj: { type: 'object' },
      list: { type: 'array' },
      port: { 'x-kubernetes-int-or-string': true },
      maybe: { type: 'string', nullable: true },
    },
  });

  it('reports a wrong type with the type of the value as kube words it', () => {
    expect(causesOf(schema, cr({ cores: 'string' }))).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.cores in body must be of type number: "string"', field: 'spec.cores' },
    ]);
  });

  it('rejects 1.5 for an integer and accepts integers for a number', () => {
    expect(causesOf(schema, cr({ count: 1.5 }))).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "number": spec.count in body must be of type integer: "number"', field: 'spec.count' },
    ]);
    expect(causesOf(schema, cr({ cores: 2, count: 3 }))).toEqual([]);
  });

  it.each([
    ['name', 5, 'string', 'integer'],
    ['enabled', 'yes', 'boolean', 'string'],
    ['obj', [1], 'object', 'array'],
    ['list', { a: 1 }, 'array', 'object'],
    ['cores', true, 'number', 'boolean'],
  ])('%s = %j is not a %s', (field, value, expected, actual) => {
    expect(causesOf(schema, cr({ [field]: value }))).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${actual}": spec.${field} in body must be of type ${expected}: "${actual}"`,
        field: `spec.${field}`,
      },
    ]);
  });

  it('accepts ints and strings for x-kubernetes-int-or-string and rejects anything else', () => {
    expect(causesOf(schema, cr({ port: 80 }))).toEqual([]);
    expect(causesOf(schema, cr({ port: 'http' }))).toEqual([]);
    expect(causesOf(schema, cr({ port: true }))).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"', field: 'spec.port' },
    ]);
  });

  it('accepts null only where nullable', () => {
    expect(causesOf(schema, cr({ maybe: null }))).toEqual([]);
    const strict = crd({ type: 'object', properties: { list: { type: 'array', items: { type: 'string' } } } });
    expect(causesOf(strict, cr({ list: ['a', null] }))).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "null": spec.list[1] in body must be of type string: "null"', field: 'spec.list[1]' },
    ]);
  });

  it('reports a root that is not an object on the whole object', () => {
    expect(causesOf({ type: 'object' }, 'text')).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string":  in body must be of type object: "string"', field: '<nil>' },
    ]);
  });
});

describe('required, enum, pattern, lengths and bounds', () => {
  const schema = crd({
    type: 'object',
    required: ['username'],
    properties: {
      username: { type: 'string', pattern: '^[a-z]+$', minLength: 3, maxLength: 63 },
      deletionPolicy: { type: 'string', enum: ['Delete', 'Orphan'] },
      level: { type: 'integer', enum: [1, 2] },
      cores: { type: 'number', minimum: 1, maximum: 64 },
      ratio: { type: 'number', minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true },
      step: { type: 'integer', multipleOf: 5 },
      groups: {
        type: 'array',
        minItems: 1,
        maxItems: 2,
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 1 } } },
      },
      attributes: { type: 'object', minProperties: 1, maxProperties: 2, additionalProperties: { type: 'string', maxLength: 3 } },
      single: { type: 'string', maxLength: 1 },
    },
  });

  it('reports missing required fields at their path', () => {
    expect(causesOf(schema, cr({}))).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.username' }]);
  });

  it('reports a missing spec when spec is required at the root', () => {
    const s: JsonSchemaProps = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
    expect(causesOf(s, { apiVersion: 'v', kind: 'K', metadata: { name: 'a' } })).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec' },
    ]);
  });

  it('lists the supported values of an enum', () => {
    expect(causesOf(schema, cr({ username: 'abc', deletionPolicy: 'x' }))).toEqual([
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "x": supported values: "Delete", "Orphan"', field: 'spec.deletionPolicy' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', level: 3 }))).toEqual([
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: 3: supported values: "1", "2"', field: 'spec.level' },
    ]);
  });

  it('checks patterns as ECMA regexes', () => {
    expect(causesOf(schema, cr({ username: 'ABC' }))).toEqual([
      { reason: 'FieldValueInvalid', message: "Invalid value: \"ABC\": spec.username in body should match '^[a-z]+$'", field: 'spec.username' },
    ]);
  });

  it('counts lengths in characters, reporting only the first string failure', () => {
    expect(causesOf(schema, cr({ username: 'ab' }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "ab": spec.username in body should be at least 3 chars long', field: 'spec.username' },
    ]);
    expect(causesOf(schema, cr({ username: 'a'.repeat(64) }))).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 63 bytes', field: 'spec.username' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', single: 'é' }))).toEqual([]);
    expect(causesOf(schema, cr({ username: 'abc', single: 'éé' }))).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1 byte', field: 'spec.single' },
    ]);
  });

  it('checks minimum and maximum, inclusive and exclusive', () => {
    expect(causesOf(schema, cr({ username: 'abc', cores: 0 }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.cores in body should be greater than or equal to 1', field: 'spec.cores' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', cores: 64.5 }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 64.5: spec.cores in body should be less than or equal to 64', field: 'spec.cores' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', cores: 1, ratio: 0.5 }))).toEqual([]);
    expect(causesOf(schema, cr({ username: 'abc', ratio: 0 }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.ratio in body should be greater than 0', field: 'spec.ratio' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', ratio: 1 }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 1: spec.ratio in body should be less than 1', field: 'spec.ratio' },
    ]);
  });

  it('checks multipleOf', () => {
    expect(causesOf(schema, cr({ username: 'abc', step: 10 }))).toEqual([]);
    expect(causesOf(schema, cr({ username: 'abc', step: 7 }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 7: spec.step in body should be a multiple of 5', field: 'spec.step' },
    ]);
  });

  it('checks item counts and reports item errors with their index', () => {
    expect(causesOf(schema, cr({ username: 'abc', groups: [] }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.groups in body should have at least 1 items', field: 'spec.groups' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', groups: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }))).toEqual([
      { reason: 'FieldValueTooMany', message: 'Too many: 3: must have at most 2 items', field: 'spec.groups' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', groups: [{ name: 'a' }, {}] }))).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.groups[1].name' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', groups: [{ name: 'a' }, { name: 'bb' }] }))).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1 byte', field: 'spec.groups[1].name' },
    ]);
  });

  it('checks property counts and map values (kube-openapi names map entries with a dot)', () => {
    expect(causesOf(schema, cr({ username: 'abc', attributes: {} }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.attributes in body should have at least 1 properties', field: 'spec.attributes' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', attributes: { a: '1', b: '2', c: '3' } }))).toEqual([
      { reason: 'FieldValueTooMany', message: 'Too many: 3: must have at most 2 items', field: 'spec.attributes' },
    ]);
    expect(causesOf(schema, cr({ username: 'abc', attributes: { team: 'toolong' } }))).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 3 bytes', field: 'spec.attributes.team' },
    ]);
  });

  it('reports every failing field, spec fields in schema order', () => {
    const causes = causesOf(schema, cr({ username: 'ABC', cores: 0, deletionPolicy: 'x' }));
    expect(causes.map((c) => c.field)).toEqual(['spec.username', 'spec.deletionPolicy', 'spec.cores']);
  });

  it('reports both the type and the enum of a wrongly typed enum field', () => {
    expect(causesOf(schema, cr({ username: 'abc', deletionPolicy: 5 })).map((c) => c.reason)).toEqual([
      'FieldValueTypeInvalid',
      'FieldValueNotSupported',
    ]);
  });
});

describe('formats', () => {
  const field = (format: string, type: 'string' | 'integer' = 'string'): JsonSchemaProps => crd({ type: 'object', properties: { v: { type, format } } });
  const ok = (format: string, value: unknown): void => {
    expect(causesOf(field(format), cr({ v: value })), `${format} ${JSON.stringify(value)}`).toEqual([]);
  };
  const bad = (format: string, value: string): void => {
    expect(causesOf(field(format), cr({ v: value })), `${format} ${value}`).toEqual([
      { reason: 'FieldValueTypeInvalid', message: `Invalid value: ${JSON.stringify(value)}: spec.v in body must be of type ${format}: ${JSON.stringify(value)}`, field: 'spec.v' },
    ]);
  };

  it('date-time', () => {
    ok('date-time', '2024-02-29T10:00:00Z');
    ok('date-time', '2024-01-01T10:00:00.123+02:00');
    bad('date-time', '2024-01-01');
    bad('date-time', '2023-02-29T10:00:00Z');
    bad('date-time', '2024-01-01T25:00:00Z');
  });

  it('date', () => {
    ok('date', '2024-12-31');
    bad('date', '2024-13-01');
    bad('date', '24-01-01');
  });

  it('byte (base64)', () => {
    ok('byte', 'aGVsbG8=');
    bad('byte', 'not base64!');
  });

  it('uri', () => {
    ok('uri', 'https://kasm.example.com/api');
    ok('uri', '/relative/path');
    bad('uri', 'no scheme');
    bad('uri', 'kasm.example.com');
  });

  it('email', () => {
    ok('email', 'admin@kasm.local');
    bad('email', 'admin');
  });

  it('hostname', () => {
    ok('hostname', 'kasm.example.com');
    bad('hostname', '-bad-.example.com');
    bad('hostname', 'under_score.com');
  });

  it('uuid', () => {
    ok('uuid', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    ok('uuid', '0F1E2D3C4B5A69788796A5B4C3D2E1F0');
    bad('uuid', 'not-a-uuid');
  });

  it('ipv4 and ipv6', () => {
    ok('ipv4', '10.0.0.1');
    bad('ipv4', '10.0.0.256');
    ok('ipv6', 'fd00::1');
    bad('ipv6', '10.0.0.1');
  });

  it('duration', () => {
    ok('duration', '1h30m');
    ok('duration', '3 days');
    bad('duration', 'soon');
  });

  it('ignores formats kube does not know (url, custom names)', () => {
    ok('url', 'anything at all');
    ok('my-format', 'anything');
  });

  it('does not range-check int32 or int64, as kube does not', () => {
    expect(causesOf(field('int32', 'integer'), cr({ v: 2 ** 40 }))).toEqual([]);
    expect(causesOf(field('int64', 'integer'), cr({ v: 5 }))).toEqual([]);
  });

  it('reports a non-string for a formatted string with the format name', () => {
    expect(causesOf(field('date-time'), cr({ v: 5 }))).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "int64": spec.v in body must be of type date-time: "int64"', field: 'spec.v' },
    ]);
  });
});

describe('allOf, anyOf, oneOf, not', () => {
  it('anyOf fails when no branch matches, on the whole object', () => {
    const s = crd({ type: 'object', properties: { v: { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] } } });
    expect(causesOf(s, cr({ v: 'apple' }))).toEqual([]);
    const causes = causesOf(s, cr({ v: 'cherry' }));
    expect(causes[0]).toEqual({ reason: 'FieldValueInvalid', message: 'Invalid value: "": "spec.v" must validate at least one schema (anyOf)', field: '<nil>' });
    expect(causes[1]?.field).toBe('spec.v');
  });

  it('oneOf fails for none and for more than one match', () => {
    const s = crd({ type: 'object', properties: { v: { type: 'integer', oneOf: [{ minimum: 5 }, { maximum: 10 }] } } });
    expect(causesOf(s, cr({ v: 20 }))).toEqual([]);
    expect(causesOf(s, cr({ v: 7 }))[0]?.message).toBe('Invalid value: "": "spec.v" must validate one and only one schema (oneOf). Found 2 valid alternatives');
  });

  it('allOf reports each failing branch', () => {
    const s = crd({ type: 'object', properties: { v: { type: 'string', allOf: [{ minLength: 2 }, { pattern: '^x' }] } } });
    expect(causesOf(s, cr({ v: 'xy' }))).toEqual([]);
    const messages = causesOf(s, cr({ v: 'y' })).map((c) => c.message);
    expect(messages).toContain('Invalid value: "y": spec.v in body should be at least 2 chars long');
    expect(messages).toContain('Invalid value: "": "spec.v" must validate all the schemas (allOf). None validated');
  });

  it('not rejects values matching its schema', () => {
    const s = crd({ type: 'object', properties: { v: { type: 'string', not: { enum: ['forbidden'] } } } });
    expect(causesOf(s, cr({ v: 'fine' }))).toEqual([]);
    expect(causesOf(s, cr({ v: 'forbidden' }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "": "spec.v" must not validate the schema (not)', field: '<nil>' },
    ]);
  });
});

describe('x-kubernetes-list-type', () => {
  const schema = crd({
    type: 'object',
    properties: {
      tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      },
      plain: { type: 'array', items: { type: 'string' } },
    },
  });

  it('rejects duplicates in a set once per value', () => {
    expect(causesOf(schema, cr({ tags: ['a', 'b', 'a', 'a'] }))).toEqual([{ reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"', field: 'spec.tags[2]' }]);
  });

  it('rejects duplicate keys in a map list', () => {
    expect(causesOf(schema, cr({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }))).toEqual([
      { reason: 'FieldValueDuplicate', message: 'Duplicate value: map[string]interface {}{"name":"http"}', field: 'spec.ports[1]' },
    ]);
  });

  it('allows duplicates in atomic lists', () => {
    expect(causesOf(schema, cr({ plain: ['a', 'a'], ports: [{ name: 'a' }, { name: 'b' }] }))).toEqual([]);
  });
});

describe('x-kubernetes-validations', () => {
  const schema = crd({
    type: 'object',
    'x-kubernetes-validations': [
      { rule: 'self.username == oldSelf.username', message: 'username is immutable' },
      { rule: "!has(self.password) || self.password.startsWith('$')", messageExpression: "'password must be hashed, got ' + string(size(self.password)) + ' chars'" },
    ],
    properties: {
      username: { type: 'string' },
      password: { type: 'string' },
      replicas: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0' }] },
      groups: {
        type: 'array',
        items: { type: 'string' },
        'x-kubernetes-validations': [{ rule: 'self.all(g, g.size() > 0)', message: 'group names must not be empty', fieldPath: '.groups' }],
      },
      attributes: {
        type: 'object',
        additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: "self != ''", message: 'empty attribute' }] },
      },
      mode: {
        type: 'string',
        'x-kubernetes-validations': [{ rule: "self != 'legacy'", message: 'legacy mode is not allowed', reason: 'FieldValueForbidden' }],
      },
    },
  });

  it('passes rules that hold', () => {
    expect(causesOf(schema, cr({ username: 'a', password: '$x', replicas: 1, groups: ['g'] }))).toEqual([]);
  });

  it('reports a failing rule with its message at the rule path and the schema type as value', () => {
    expect(causesOf(schema, cr({ replicas: -1 }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "integer": failed rule: self >= 0', field: 'spec.replicas' },
    ]);
  });

  it('uses messageExpression when it evaluates to a string', () => {
    expect(causesOf(schema, cr({ password: 'plain' }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": password must be hashed, got 5 chars', field: 'spec' },
    ]);
  });

  it('appends fieldPath to the path', () => {
    expect(causesOf(schema, cr({ groups: ['a', ''] }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "array": group names must not be empty', field: 'spec.groups.groups' },
    ]);
  });

  it('names map entries with [key] in rule errors', () => {
    expect(causesOf(schema, cr({ attributes: { team: '' } }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "string": empty attribute', field: 'spec.attributes[team]' },
    ]);
  });

  it('maps the reason of a rule to the cause reason', () => {
    expect(causesOf(schema, cr({ mode: 'legacy' }))).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: legacy mode is not allowed', field: 'spec.mode' }]);
  });

  it('runs transition rules only on update, where immutability holds', () => {
    expect(causesOf(schema, cr({ username: 'a' }))).toEqual([]);
    expect(causesOf(schema, cr({ username: 'b' }), cr({ username: 'a' }))).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": username is immutable', field: 'spec' },
    ]);
    expect(causesOf(schema, cr({ username: 'a', replicas: 2 }), cr({ username: 'a' }))).toEqual([]);
  });

  it('skips transition rules where the old object has no value at that path', () => {
    const s = crd({ type: 'object', properties: { name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }] } } });
    expect(causesOf(s, cr({ name: 'x' }), cr({}))).toEqual([]);
    expect(causesOf(s, cr({ name: 'y' }), cr({ name: 'x' }))).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "string": immutable', field: 'spec.name' }]);
  });

  it('correlates list-type=map items by key for transition rules', () => {
    const s = crd({
      type: 'object',
      properties: {
        items: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'self.v == oldSelf.v', message: 'v is immutable' }] },
        },
      },
    });
    const old = cr({ items: [{ name: 'a', v: '1' }, { name: 'b', v: '2' }] });
    expect(causesOf(s, cr({ items: [{ name: 'b', v: '2' }, { name: 'a', v: '1' }, { name: 'c', v: '3' }] }), old)).toEqual([]);
    expect(causesOf(s, cr({ items: [{ name: 'b', v: '9' }] }), old)).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": v is immutable', field: 'spec.items[0]' },
    ]);
  });

  it('lets root rules see metadata.name but not other metadata', () => {
    const s: JsonSchemaProps = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'self.metadata.name.size() <= 5', message: 'name too long' }, { rule: '!has(self.metadata.labels)' }],
      properties: { spec: { type: 'object' } },
    };
    expect(causesOf(s, { ...cr({}), metadata: { name: 'short', labels: { a: 'b' } } })).toEqual([]);
    expect(causesOf(s, { ...cr({}), metadata: { name: 'much-too-long' } })).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "object": name too long', field: '<nil>' },
    ]);
  });

  it('reports evaluation errors with the rule', () => {
    const s = crd({ type: 'object', properties: { o: { type: 'object', properties: { x: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.x == 'a'" }] } } });
    expect(causesOf(s, cr({ o: {} }))).toEqual([
      { reason: 'FieldValueInvalid', message: "Invalid value: \"object\": no such key: x evaluating rule: self.x == 'a'", field: 'spec.o' },
    ]);
  });

  it('does not evaluate rules when the schema already found blocking errors', () => {
    expect(causesOf(schema, cr({ replicas: 'x', mode: 'legacy' }))).toEqual([
      { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"', field: 'spec.replicas' },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        field: '<nil>',
      },
    ]);
  });

  it('throws UnsupportedCelError for rules outside the subset instead of passing them', () => {
    const s = crd({ type: 'object', 'x-kubernetes-validations': [{ rule: "self.ttl > duration('1h')" }] });
    expect(() => validateAgainstSchema(s, cr({}))).toThrow(UnsupportedCelError);
  });
});

describe('ratcheting on update', () => {
  const loose = crd({ type: 'object', properties: { name: { type: 'string' }, other: { type: 'string' } } });
  const strict = crd({
    type: 'object',
    properties: { name: { type: 'string', maxLength: 3, 'x-kubernetes-validations': [{ rule: "self != 'bad'" }] }, other: { type: 'string' } },
  });

  it('keeps accepting a stored value that a tightened schema now rejects, while it stays unchanged', () => {
    const stored = validateAgainstSchema(loose, cr({ name: 'toolong' })).object;
    expect(causesOf(strict, cr({ name: 'toolong', other: 'x' }), stored)).toEqual([]);
    expect(causesOf(strict, cr({ name: 'toolong2' }), stored)[0]).toEqual({
      reason: 'FieldValueTooLong',
      message: 'Too long: may not be more than 3 bytes',
      field: 'spec.name',
    });
  });

  it('ratchets rule failures on unchanged values too', () => {
    expect(causesOf(strict, cr({ name: 'bad', other: 'y' }), cr({ name: 'bad' }))).toEqual([]);
    expect(causesOf(strict, cr({ name: 'bad' }))).toHaveLength(1);
  });
});

describe('schema type', () => {
  it('parses CRD schemas, keeping keys it does not model', () => {
    const parsed = jsonSchemaPropsSchema.parse({
      type: 'object',
      title: 'T',
      properties: { a: { type: 'string', example: 'x', 'x-kubernetes-validations': [{ rule: 'self != ""' }] } },
      additionalProperties: false,
    });
    expect(parsed.properties?.a?.['x-kubernetes-validations']).toEqual([{ rule: 'self != ""' }]);
    expect(parsed.title).toBe('T');
    expect(() => jsonSchemaPropsSchema.parse({ type: 'text' })).toThrow();
  });
});
