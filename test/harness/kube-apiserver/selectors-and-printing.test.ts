import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-duration.js';
import { matchesLabels, parseLabelSelector } from './label-selector.js';
import { evaluateJsonPath } from './printer-jsonpath.js';
import { decodeProtobufObject } from './protobuf-decoding.js';
import { parseRequestInfo } from './request-info.js';
import { ApiError } from './status-errors.js';

describe('label selectors', () => {
  const labels = { env: 'prod', tier: 'web', replicas: '3' };
  it.each([
    ['env=prod', true],
    ['env==prod', true],
    ['env!=prod', false],
    ['missing!=x', true],
    ['tier in (web, api)', true],
    ['tier notin (web)', false],
    ['env,tier', true],
    ['!env', false],
    ['!missing', true],
    ['replicas>2', true],
    ['replicas<3', false],
    ['env=prod,tier in (api)', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('rejects malformed selectors with 400', () => {
    expect(() => parseLabelSelector('bad key=x')).toThrow(ApiError);
    expect(() => parseLabelSelector('a=not valid!')).toThrow(/invalid label value/);
  });
});

describe('printer column JSONPath', () => {
  const obj = {
    spec: { size: 3, 'dotted.key': 'd' },
    status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] },
  };
  it('reads fields, indexes, wildcards and filters', () => {
    expect(evaluateJsonPath('.spec.size', obj)).toEqual([3]);
    expect(evaluateJsonPath("{.spec['dotted.key']}", obj)).toEqual(['d']);
    expect(evaluateJsonPath('.status.conditions[1].type', obj)).toEqual(['Ready']);
    expect(evaluateJsonPath('.status.conditions[-1].type', obj)).toEqual(['Ready']);
    expect(evaluateJsonPath('.status.conditions[*].type', obj)).toEqual(['Synced', 'Ready']);
    expect(evaluateJsonPath('.status.conditions[?(@.type=="Ready")].status', obj)).toEqual(['True']);
    expect(evaluateJsonPath(".status.conditions[?(@.type!='Ready')].status", obj)).toEqual(['False']);
    expect(evaluateJsonPath('.status.missing.deeper', obj)).toEqual([]);
  });
});

describe('human durations', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [185_000, '3m5s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 2 * 3600_000, '3d2h'],
    [400 * 86400_000, '400d'],
    [-5000, '<invalid>'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('request paths', () => {
  it('derives resource, namespace, name, subresource and verb', () => {
    expect(parseRequestInfo('GET', '/api/v1/namespaces/ns1/secrets/s')).toMatchObject({ verb: 'get', group: '', resource: 'secrets', namespace: 'ns1', name: 's' });
    expect(parseRequestInfo('GET', '/api/v1/namespaces/ns1')).toMatchObject({ verb: 'get', resource: 'namespaces', name: 'ns1' });
    expect(parseRequestInfo('PUT', '/api/v1/namespaces/ns1/status')).toMatchObject({ verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'status' });
    expect(parseRequestInfo('GET', '/apis/kasm.io/v1alpha1/kasmusers?watch=true')).toMatchObject({ verb: 'watch', group: 'kasm.io', resource: 'kasmusers' });
    expect(parseRequestInfo('GET', '/api/v1/watch/namespaces/a/configmaps')).toMatchObject({ verb: 'watch', namespace: 'a', resource: 'configmaps' });
    expect(parseRequestInfo('DELETE', '/apis/kasm.io/v1alpha1/namespaces/a/kasmusers')).toMatchObject({ verb: 'deletecollection' });
    expect(parseRequestInfo('PATCH', '/apis/kasm.io/v1alpha1/namespaces/a/kasmusers/u/status')).toMatchObject({ verb: 'patch', subresource: 'status' });
    expect(parseRequestInfo('GET', '/apis/kasm.io/v1alpha1').isResourceRequest).toBe(false);
  });
});

/** Minimal protobuf writer for building test envelopes. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
function field(num: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...varint((num << 3) | 2), ...varint(bytes.length)]), bytes]);
}
const str = (num: number, s: string): Buffer => field(num, Buffer.from(s, 'utf8'));

describe('protobuf request bodies', () => {
  it('decodes a Secret as kubectl create secret sends it', () => {
    const meta = Buffer.concat([str(1, 'creds'), str(3, 'ns1'), str(2, '')]);
    const dataEntry = Buffer.concat([str(1, 'password'), field(2, Buffer.from('s3cret'))]);
    const secret = Buffer.concat([field(1, meta), field(2, dataEntry), str(3, 'Opaque')]);
    const envelope = Buffer.concat([field(1, Buffer.concat([str(1, 'v1'), str(2, 'Secret')])), field(2, secret)]);
    const body = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), envelope]);
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'ns1' },
      data: { password: Buffer.from('s3cret').toString('base64') },
      type: 'Opaque',
    });
  });

  it('refuses kinds it cannot decode with 415 and garbage with 400', () => {
    const envelope = Buffer.concat([field(1, Buffer.concat([str(1, 'apps/v1'), str(2, 'Deployment')])), field(2, Buffer.alloc(0))]);
    let caught: unknown;
    try {
      decodeProtobufObject(Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), envelope]));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).code).toBe(415);
    expect(JSON.stringify((caught as ApiError).status.details)).toContain('apps/v1/Deployment');
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow(/magic/);
  });
});
