import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmGroupImageKind } from '../../src/api/kasm-group-image.js';
import { parseSpec } from '../../src/api/spec-issues.js';
import { checkAgainstSchema } from './openapi-check.js';

const ALL_USERS = '68d557ac4cac42cca9f31c7c853de0f3';
const IMAGE = '0a4fc3e2b1d84b0c9a6c2f3e4d5b6a79';

describe('KasmGroupImage spec', () => {
  it.each([
    ['refs', { groupRef: { name: 'developers' }, imageRef: { name: 'chrome' } }],
    ['ids', { groupId: ALL_USERS, imageId: IMAGE }],
  ])('accepts a spec with %s, and the CRD schema does too', (_what, spec) => {
    expect(parseSpec(kasmGroupImageKind.spec, spec)).toMatchObject({ ok: true });
    expect(checkAgainstSchema(spec, toStructuralSchema(kasmGroupImageKind.spec, 'spec'), 'spec')).toEqual([]);
  });

  it.each([
    { what: 'no group', spec: { imageId: IMAGE }, message: 'spec: set exactly one of groupRef or groupId to name the group (none is set)' },
    { what: 'no image', spec: { groupId: ALL_USERS }, message: 'spec: set exactly one of imageRef or imageId to name the image (none is set)' },
    {
      what: 'image named two ways',
      spec: { groupId: ALL_USERS, imageId: IMAGE, imageRef: { name: 'chrome' } },
      message: 'spec: set exactly one of imageRef or imageId to name the image (imageRef and imageId are set)',
    },
    { what: 'image id that is no Kasm id', spec: { groupId: ALL_USERS, imageId: 'chrome' }, message: /^spec\.imageId: must be a Kasm id/ },
  ])('rejects $what', ({ spec, message }) => {
    const result = parseSpec(kasmGroupImageKind.spec, spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('carries CEL rules for the one-of choices and their immutability', () => {
    const rules = (toStructuralSchema(kasmGroupImageKind.spec, 'spec')['x-kubernetes-validations'] ?? []).map((r) => r.message);
    expect(rules).toEqual(
      expect.arrayContaining([
        'set exactly one of groupRef or groupId to name the group',
        'set exactly one of imageRef or imageId to name the image',
        expect.stringContaining('the image of a KasmGroupImage cannot change') as unknown,
        expect.stringContaining('the group of a KasmGroupImage cannot change') as unknown,
      ]),
    );
  });
});
