import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { keepaliveMs, kasmSessionKind } from '../../src/api/kasm-session.js';
import { parseSpec } from '../../src/api/spec-issues.js';
import { compileCel } from '../harness/kube-apiserver/cel-subset.js';
import { checkAgainstSchema } from './openapi-check.js';

const USER = '50faa5439c574b518cd868dac9256e4b';
const IMAGE = '0a4fc3e2b1d84b0c9a6c2f3e4d5b6a79';
const crdSpec = () => toStructuralSchema(kasmSessionKind.spec, 'spec');

describe('KasmSession spec', () => {
  it('accepts a full spec, applies the defaults in code, and the CRD schema accepts it too', () => {
    const spec = {
      userRef: { name: 'alice' },
      imageRef: { name: 'chrome' },
      environment: { START_URL: 'https://example.com' },
      enableSharing: true,
      persistentProfileMode: 'Enabled',
      keepalive: '5m',
      writeConnectionSecretToRef: { name: 'alice-chrome' },
      options: { rdp: { file: true }, screenshot: { configMapName: 'alice-screen', width: 640 } },
    };
    const parsed = parseSpec(kasmSessionKind.spec, spec);
    expect(parsed).toMatchObject({ ok: true, value: { recreatePolicy: 'Always', options: { screenshot: { interval: '1m' } } } });
    expect(checkAgainstSchema(spec, crdSpec(), 'spec')).toEqual([]);
    expect(parseSpec(kasmSessionKind.spec, { userId: USER, imageId: IMAGE })).toMatchObject({ ok: true, value: { keepalive: 'off' } });
  });

  it('reads keepalive as off or an interval', () => {
    expect(keepaliveMs('off')).toBeUndefined();
    expect(keepaliveMs('1m30s')).toBe(90_000);
  });

  it.each([
    { what: 'no user', spec: { imageId: IMAGE }, message: 'set exactly one of userRef or userId to name the user (none is set)' },
    { what: 'the image named two ways', spec: { userId: USER, imageId: IMAGE, imageRef: { name: 'chrome' } }, message: 'imageRef and imageId are set' },
    { what: 'a keepalive that is no duration', spec: { userId: USER, imageId: IMAGE, keepalive: 'often' }, message: /^spec\.keepalive: must be "off" or a duration/ },
    { what: 'a keepalive below 1s', spec: { userId: USER, imageId: IMAGE, keepalive: '500ms' }, message: /between 1s and 24h/ },
    { what: 'rdp without a Secret', spec: { userId: USER, imageId: IMAGE, options: { rdp: { url: true } } }, message: /writeConnectionSecretToRef/ },
    { what: 'rdp asking for nothing', spec: { userId: USER, imageId: IMAGE, writeConnectionSecretToRef: { name: 's' }, options: { rdp: {} } }, message: /set file: true, url: true or both/ },
    { what: 'an environment variable with a bad name', spec: { userId: USER, imageId: IMAGE, environment: { 'NO-DASH': 'x' } }, message: /^spec\.environment\.NO-DASH: is not an environment variable name/ },
    { what: 'a screenshot interval above 24h', spec: { userId: USER, imageId: IMAGE, options: { screenshot: { configMapName: 'm', interval: '25h' } } }, message: /between 1s and 24h/ },
  ])('rejects $what', ({ spec, message }) => {
    const result = parseSpec(kasmSessionKind.spec, spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  describe('CEL rules', () => {
    const rules = (crdSpec()['x-kubernetes-validations'] ?? []).map((r) => ({ message: r.message, rule: compileCel(r.rule) }));
    const failing = (self: unknown, oldSelf?: unknown) =>
      rules.filter(({ rule }) => (rule.usesOldSelf ? oldSelf !== undefined && rule.evaluate({ self, oldSelf }) !== true : rule.evaluate({ self }) !== true)).map((r) => r.message);
    const base = { userRef: { name: 'alice' }, imageId: IMAGE, environment: { A: '1' }, enableSharing: true };

    it('let the operator-side fields change', () => {
      expect(failing({ ...base, keepalive: '1m', writeConnectionSecretToRef: { name: 's' }, options: { rdp: { url: true } } }, base)).toEqual([]);
    });

    it.each([
      ['the user', { ...base, userRef: { name: 'bob' } }, 'the user of a KasmSession cannot change'],
      ['the kind of image reference', { ...base, imageId: undefined, imageRef: { name: 'chrome' } }, 'the image of a KasmSession cannot change'],
      ['the environment', { ...base, environment: { A: '2' } }, 'environment is fixed'],
      ['sharing', { ...base, enableSharing: false }, 'enableSharing is fixed'],
      ['the profile mode, once added', { ...base, persistentProfileMode: 'Reset' }, 'persistentProfileMode is fixed'],
    ])('refuse a change of %s', (_what, changed, message) => {
      const self = JSON.parse(JSON.stringify(changed)) as unknown;
      expect(failing(self, base)).toEqual([expect.stringContaining(message)]);
    });

    it('refuse rdp without the Secret', () => {
      expect(failing({ ...base, options: { rdp: { file: true } } })).toEqual([expect.stringContaining('set writeConnectionSecretToRef')]);
    });
  });
});
