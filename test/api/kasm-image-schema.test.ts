import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmImageKind } from '../../src/api/kasm-image.js';
import { parseSpec } from '../../src/api/spec-issues.js';
import { checkAgainstSchema } from './openapi-check.js';

const minimal = { name: 'kasmweb/chrome:1.16.0' };
const crd = () => toStructuralSchema(kasmImageKind.spec, 'spec');

const full = {
  ...minimal,
  friendlyName: 'Chrome',
  description: 'Browser',
  cores: 1.5,
  memory: '2Gi',
  gpuCount: 0,
  enabled: true,
  hidden: false,
  dockerRegistry: 'https://index.docker.io/v1/',
  dockerCredentialsSecretRef: { name: 'registry' },
  imageSrc: 'img/chrome.png',
  categories: ['Browsers'],
  runConfig: { hostname: 'kasm', environment: { A: '1' } },
  execConfig: { first_launch: { user: 'root', cmd: 'echo hi' } },
  volumeMappings: { '/data': { bind: '/data', mode: 'rw' } },
  restrictions: { zoneId: '68d557ac4cac42cca9f31c7c853de0f3', restrictToZone: true, restrictToNetwork: true, restrictNetworkNames: ['kasm_default'] },
  sessionTimeLimit: 3600,
  persistentProfilePath: '/profiles/{username}',
};

describe('KasmImage spec', () => {
  it.each([
    ['minimal', minimal],
    ['full', full],
  ])('accepts a %s spec, and the CRD schema does too', (_what, spec) => {
    expect(parseSpec(kasmImageKind.spec, spec)).toMatchObject({ ok: true });
    expect(checkAgainstSchema(spec, crd(), 'spec')).toEqual([]);
  });

  it('fills the docker credential keys and keeps run options as objects', () => {
    const spec = kasmImageKind.spec.parse(full);
    expect(spec.dockerCredentialsSecretRef).toEqual({ name: 'registry', usernameKey: 'username', tokenKey: 'token' });
    expect(spec.runConfig).toEqual({ hostname: 'kasm', environment: { A: '1' } });
    expect(spec.memory).toBe('2Gi');
  });

  it.each([
    { what: 'missing image name', patch: { name: undefined }, field: 'spec.name', message: /expected string/ },
    { what: 'image name with a space', patch: { name: 'kasmweb/chrome 1.16' }, field: 'spec.name', message: /Docker image reference/ },
    { what: 'memory that is no quantity', patch: { memory: '2 GB' }, field: 'spec.memory', message: /Kubernetes quantity such as 2Gi/ },
    { what: 'memory as a number', patch: { memory: 2048 }, field: 'spec.memory', message: /expected string/ },
    { what: 'negative memory', patch: { memory: '-1Gi' }, field: 'spec.memory', message: /Kubernetes quantity/ },
    { what: 'zero cores', patch: { cores: 0 }, field: 'spec.cores', message: />0/ },
    { what: 'cores as text', patch: { cores: 'two' }, field: 'spec.cores', message: /expected number/ },
    { what: 'fractional GPU count', patch: { gpuCount: 0.5 }, field: 'spec.gpuCount', message: /int/ },
    { what: 'negative session time limit', patch: { sessionTimeLimit: -1 }, field: 'spec.sessionTimeLimit', message: />=0/ },
    { what: 'zone id that is no Kasm id', patch: { restrictions: { zoneId: 'zone-1' } }, field: 'spec.restrictions.zoneId', message: /Kasm id/ },
    { what: 'run config that is a string', patch: { runConfig: '{"a":1}' }, field: 'spec.runConfig', message: /expected record/ },
    { what: 'Secret name with capitals', patch: { dockerCredentialsSecretRef: { name: 'Registry' } }, field: 'spec.dockerCredentialsSecretRef.name', message: /Kubernetes object name/ },
  ])('rejects $what, naming $field, and so does the CRD schema', ({ patch, field, message }) => {
    const spec: Record<string, unknown> = { ...minimal, ...patch };
    for (const [k, v] of Object.entries(spec)) if (v === undefined) delete spec[k];
    const result = parseSpec(kasmImageKind.spec, spec);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const line = result.message.split('; ').find((l) => l.startsWith(`${field}: `));
    expect(line, result.message).toBeDefined();
    expect(line).toMatch(message);
    expect(checkAgainstSchema(spec, crd(), 'spec').some((p) => p.startsWith(field))).toBe(true);
  });

  it('rejects a memory quantity the CRD pattern allows but that is under one byte', () => {
    const result = parseSpec(kasmImageKind.spec, { ...minimal, memory: '0' });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^spec\.memory: must be at least 1 bytes/) as unknown });
  });
});

describe('KasmImage CRD', () => {
  it('keeps unknown fields of the run options, has IMAGE and ENABLED columns', () => {
    const schema = crd();
    expect(schema.properties?.runConfig?.['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(schema.properties?.volumeMappings?.['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(kasmImageKind.printerColumns?.map((c) => [c.name, c.jsonPath])).toEqual([
      ['IMAGE', '.spec.name'],
      ['ENABLED', '.status.atProvider.enabled'],
    ]);
  });
});
