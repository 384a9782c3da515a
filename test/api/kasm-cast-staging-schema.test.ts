import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmCastConfigKind } from '../../src/api/kasm-cast-config.js';
import { expirationHours, kasmStagingConfigKind } from '../../src/api/kasm-staging-config.js';
import { parseSpec } from '../../src/api/spec-issues.js';
import { checkAgainstSchema } from './openapi-check.js';

const IMAGE = '0a4fc3e2b1d84b0c9a6c2f3e4d5b6a79';
const ALL_USERS = '68d557ac4cac42cca9f31c7c853de0f3';
const ZONE = '5d7c1f0e9a8b4c3d2e1f0a9b8c7d6e5f';

const celMessages = (schema: Parameters<typeof toStructuralSchema>[0]) =>
  (toStructuralSchema(schema, 'spec')['x-kubernetes-validations'] ?? []).map((r) => r.message);

describe('KasmCastConfig spec', () => {
  it.each([
    ['an image reference', { name: 'Demo', key: 'demo', imageRef: { name: 'chrome' } }],
    [
      'ids and every group of fields',
      {
        name: 'Demo',
        key: 'demo_1.x~y',
        imageId: IMAGE,
        groupId: ALL_USERS,
        allowedReferrers: ['example.com'],
        limits: { limitSessions: true, sessionsRemaining: 3, limitIps: false },
        clientSettings: { allowKasmAudio: true, allowKasmSharing: false, kasmImeModeDefaultOn: true },
        validUntil: '2030-01-01T00:00:00Z',
      },
    ],
  ])('accepts a spec with %s, and the CRD schema does too', (_what, spec) => {
    expect(parseSpec(kasmCastConfigKind.spec, spec)).toMatchObject({ ok: true });
    expect(checkAgainstSchema(spec, toStructuralSchema(kasmCastConfigKind.spec, 'spec'), 'spec')).toEqual([]);
  });

  it.each([
    { what: 'no image', spec: { name: 'D', key: 'd' }, message: 'spec: set exactly one of imageRef or imageId to name the image (none is set)' },
    { what: 'two images', spec: { name: 'D', key: 'd', imageId: IMAGE, imageRef: { name: 'c' } }, message: /imageRef and imageId are set/ },
    { what: 'two groups', spec: { name: 'D', key: 'd', imageId: IMAGE, groupId: ALL_USERS, groupRef: { name: 'g' } }, message: 'spec: set at most one of groupRef or groupId (both are set)' },
    { what: 'a key that does not fit in a URL', spec: { name: 'D', key: 'a b/c', imageId: IMAGE }, message: /^spec\.key: must use only letters/ },
    { what: 'a date that is not RFC 3339', spec: { name: 'D', key: 'd', imageId: IMAGE, validUntil: 'next year' }, message: /^spec\.validUntil: must be an RFC 3339 timestamp/ },
  ])('rejects $what', ({ spec, message }) => {
    const result = parseSpec(kasmCastConfigKind.spec, spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('carries CEL rules for the image and group choices', () => {
    expect(celMessages(kasmCastConfigKind.spec)).toEqual(
      expect.arrayContaining(['set exactly one of imageRef or imageId to name the image', 'set at most one of groupRef or groupId']),
    );
  });
});

describe('KasmStagingConfig spec', () => {
  const base = { numSessions: 2, expiration: '4h' };

  it.each([
    ['a zone name and an image reference', { ...base, zoneName: 'default', imageRef: { name: 'chrome' } }],
    ['ids and client settings', { ...base, zoneId: ZONE, imageId: IMAGE, clientSettings: { allowKasmUploads: true } }],
  ])('accepts a spec with %s, and the CRD schema does too', (_what, spec) => {
    expect(parseSpec(kasmStagingConfigKind.spec, spec)).toMatchObject({ ok: true });
    expect(checkAgainstSchema(spec, toStructuralSchema(kasmStagingConfigKind.spec, 'spec'), 'spec')).toEqual([]);
  });

  it.each([
    { what: 'no zone', spec: { ...base, imageId: IMAGE }, message: 'spec: set exactly one of zoneName or zoneId to name the zone (none is set)' },
    { what: 'two zones', spec: { ...base, zoneName: 'default', zoneId: ZONE, imageId: IMAGE }, message: /zoneName and zoneId are set/ },
    { what: 'no image', spec: { ...base, zoneId: ZONE }, message: /set exactly one of imageRef or imageId/ },
    { what: 'no session count', spec: { zoneId: ZONE, imageId: IMAGE, expiration: '1h' }, message: /^spec\.numSessions:/ },
    { what: 'an expiration without a unit', spec: { ...base, zoneId: ZONE, imageId: IMAGE, expiration: '4' }, message: /^spec\.expiration: must be a duration such as 30m/ },
    { what: 'an expiration of zero', spec: { ...base, zoneId: ZONE, imageId: IMAGE, expiration: '0h' }, message: /above 0 and at most 168h/ },
    { what: 'an expiration over a week', spec: { ...base, zoneId: ZONE, imageId: IMAGE, expiration: '200h' }, message: /above 0 and at most 168h/ },
  ])('rejects $what', ({ spec, message }) => {
    const result = parseSpec(kasmStagingConfigKind.spec, spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('carries CEL rules for the zone and image choices', () => {
    expect(celMessages(kasmStagingConfigKind.spec)).toEqual(
      expect.arrayContaining(['set exactly one of zoneName or zoneId to name the zone', 'set exactly one of imageRef or imageId to name the image']),
    );
  });

  it.each([
    ['4h', 4],
    ['30m', 0.5],
    ['1h30m', 1.5],
    ['90s', 0.025],
  ])('sends an expiration of %s to Kasm as %s hours', (text, hours) => {
    expect(expirationHours(text)).toBeCloseTo(hours, 9);
  });
});
