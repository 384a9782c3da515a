import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, GROUP, setupConformance, VERSION, widget, type Conformance, type Json, type StatusFailure } from './conformance-setup.js';

let c: Conformance;
beforeAll(async () => {
  c = await setupConformance('schema');
});
afterAll(async () => {
  await c?.close();
});

function create(name: string, spec: Json, extra: Json = {}, fieldValidation?: string): Promise<Json> {
  return c.custom.createNamespacedCustomObject({ ...c.widgets, body: widget(name, spec, extra), ...(fieldValidation ? { fieldValidation } : {}) }) as Promise<Json>;
}

function causesOf(f: StatusFailure): { reason?: string; field?: string }[] {
  return (f.details?.causes ?? []).map((x) => ({ reason: x.reason, field: x.field }));
}

describe('schema validation of custom resources', () => {
  it('names a missing required field', async () => {
    const f = await expectFailure(create('v-required', { size: 2 }), 422, 'Invalid');
    expect(causesOf(f)).toContainEqual({ reason: 'FieldValueRequired', field: 'spec.owner' });
    expect(f.details).toMatchObject({ name: 'v-required', group: GROUP, kind: 'Widget' });
    expect(f.message).toContain('spec.owner');
  });

  it('names an enum violation', async () => {
    const f = await expectFailure(create('v-enum', { owner: 'a', color: 'purple' }), 422, 'Invalid');
    expect(causesOf(f)).toContainEqual({ reason: 'FieldValueNotSupported', field: 'spec.color' });
  });

  it('checks pattern, maxLength, minimum and maximum', async () => {
    const f = await expectFailure(create('v-pattern', { owner: 'Not_Valid' }), 422, 'Invalid');
    expect(causesOf(f)).toContainEqual({ reason: 'FieldValueInvalid', field: 'spec.owner' });
    const long = await expectFailure(create('v-long', { owner: 'a'.repeat(31) }), 422, 'Invalid');
    expect(causesOf(long).map((x) => x.field)).toContain('spec.owner');
    const low = await expectFailure(create('v-low', { owner: 'a', size: 0 }), 422, 'Invalid');
    expect(causesOf(low)).toContainEqual({ reason: 'FieldValueInvalid', field: 'spec.size' });
    const high = await expectFailure(create('v-high', { owner: 'a', size: 11 }), 422, 'Invalid');
    expect(causesOf(high)).toContainEqual({ reason: 'FieldValueInvalid', field: 'spec.size' });
    const ratio = await expectFailure(create('v-ratio', { owner: 'a', nested: { ratio: 2 } }), 422, 'Invalid');
    expect(causesOf(ratio).map((x) => x.field)).toContain('spec.nested.ratio');
  });

  it('rejects wrong types and reports every bad field at once', async () => {
    const f = await expectFailure(create('v-many', { owner: 'a', size: 'big', color: 'purple' }), 422, 'Invalid');
    const fields = causesOf(f).map((x) => x.field);
    expect(fields).toContain('spec.size');
    expect(fields).toContain('spec.color');
  });

  it('applies defaults, including inside nested objects', async () => {
    const created = await create('v-defaults', { owner: 'a', nested: {} });
    expect(created.spec).toEqual({ owner: 'a', color: 'green', size: 3, nested: { enabled: false } });
  });

  it('prunes unknown fields except under x-kubernetes-preserve-unknown-fields', async () => {
    const created = await create('v-prune', { owner: 'a', bogus: 1, extra: { anything: { goes: [1, 2] } } }, { topLevelBogus: true });
    expect(created.spec).toMatchObject({ owner: 'a', extra: { anything: { goes: [1, 2] } } });
    expect((created.spec as Json).bogus).toBeUndefined();
    expect(created.topLevelBogus).toBeUndefined();
  });

  it('rejects unknown fields with fieldValidation=Strict', async () => {
    const f = await expectFailure(create('v-strict', { owner: 'a', bogus: 1 }, {}, 'Strict'), 400, 'BadRequest');
    expect(f.message).toContain('spec.bogus');
  });

  it('rejects duplicate keys in a map-type list', async () => {
    const f = await expectFailure(create('v-dup', { owner: 'a', parts: [{ name: 'x' }, { name: 'x' }] }), 422, 'Invalid');
    expect(causesOf(f)).toContainEqual({ reason: 'FieldValueDuplicate', field: 'spec.parts[1]' });
  });

  it('validates status written through the status subresource', async () => {
    const created = await create('v-status', { owner: 'a' });
    const f = await expectFailure(
      c.custom.replaceNamespacedCustomObjectStatus({
        ...c.widgets,
        name: 'v-status',
        body: { ...created, status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } },
      }),
      422,
      'Invalid',
    );
    expect(causesOf(f)).toContainEqual({ reason: 'FieldValueNotSupported', field: 'status.conditions[0].status' });
  });
});

describe('metadata validation', () => {
  it('rejects invalid names and labels with 422', async () => {
    const name = await expectFailure(create('Bad_Name', { owner: 'a' }), 422, 'Invalid');
    expect(causesOf(name).map((x) => x.field)).toContain('metadata.name');
    const label = await expectFailure(create('v-label', { owner: 'a' }, { metadata: { labels: { ok: 'not valid!' } } }), 422, 'Invalid');
    expect(causesOf(label).map((x) => x.field)).toContain('metadata.labels');
  });

  it('requires a name or generateName', async () => {
    const f = await expectFailure(
      c.custom.createNamespacedCustomObject({ ...c.widgets, body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: {}, spec: { owner: 'a' } } }),
      422,
      'Invalid',
    );
    expect(causesOf(f)).toContainEqual({ reason: 'FieldValueRequired', field: 'metadata.name' });
  });

  it('answers 404 for a namespace that does not exist', async () => {
    await expectFailure(
      c.custom.createNamespacedCustomObject({ ...c.widgets, namespace: `${c.ns}-missing`, body: widget('x', { owner: 'a' }) }),
      404,
      'NotFound',
    );
  });
});
