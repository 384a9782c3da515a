import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmEgressCredentialKind } from '../../src/api/kasm-egress-credential.js';
import { kasmEgressGatewayKind } from '../../src/api/kasm-egress-gateway.js';
import { kasmEgressMappingKind } from '../../src/api/kasm-egress-mapping.js';
import { kasmEgressProviderKind } from '../../src/api/kasm-egress-provider.js';
import type { KindDefinition } from '../../src/api/kind-definition.js';
import { parseSpec } from '../../src/api/spec-issues.js';
import { evaluateCel } from '../harness/kube-apiserver/cel-subset.js';
import { checkAgainstSchema } from './openapi-check.js';

const PROVIDER = '0a4fc3e2b1d84b0c9a6c2f3e4d5b6a79';
const GATEWAY = '1b5ad4f3c2e94c1dab7d3f4e5c6b7a80';
const ALL_USERS = '68d557ac4cac42cca9f31c7c853de0f3';
const ovpn = { key: 'ovpn', secretKeyRef: { name: 'vpn', key: 'client.ovpn' } };

const rules = (kind: KindDefinition) => toStructuralSchema(kind.spec, 'spec')['x-kubernetes-validations'] ?? [];

describe('egress specs', () => {
  it.each([
    ['provider', kasmEgressProviderKind, { name: 'Corporate VPN', egressProviderType: 'openvpn', enabled: true, config: { mtu: 1420, routes: ['10.0.0.0/8'] } }],
    ['gateway by ref', kasmEgressGatewayKind, { providerRef: { name: 'vpn' }, name: 'Frankfurt', country: 'DE', config: { protocol: 'udp' }, secretConfig: [ovpn] }],
    ['gateway by id', kasmEgressGatewayKind, { providerId: PROVIDER, name: 'Frankfurt' }],
    ['credential', kasmEgressCredentialKind, { gatewayRef: { name: 'fra' }, username: 'dev', passwordSecretRef: { name: 'vpn', key: 'password' } }],
    ['mapping of a group, pinned', kasmEgressMappingKind, { providerRef: { name: 'vpn' }, groupId: ALL_USERS, gatewayId: GATEWAY }],
    ['mapping of an image', kasmEgressMappingKind, { providerId: PROVIDER, imageRef: { name: 'chrome' } }],
  ])('accepts a %s, and the CRD schema does too', (_what, kind, spec) => {
    expect(parseSpec(kind.spec, spec)).toMatchObject({ ok: true });
    expect(checkAgainstSchema(spec, toStructuralSchema(kind.spec, 'spec'), 'spec')).toEqual([]);
  });

  it.each([
    { what: 'a provider of an unknown type', kind: kasmEgressProviderKind, spec: { name: 'x', egressProviderType: 'ipsec' }, message: /^spec\.egressProviderType: / },
    { what: 'a gateway without provider', kind: kasmEgressGatewayKind, spec: { name: 'fra' }, message: 'spec: set exactly one of providerRef or providerId to name the egress provider (none is set)' },
    {
      what: 'a key both plain and secret',
      kind: kasmEgressGatewayKind,
      spec: { providerId: PROVIDER, name: 'fra', config: { ovpn: 'x' }, secretConfig: [ovpn] },
      message: /^spec\.secretConfig\[0\]\.key: "ovpn": a config key is either in config or in secretConfig/,
    },
    {
      what: 'a secret key listed twice',
      kind: kasmEgressCredentialKind,
      spec: { gatewayId: GATEWAY, username: 'dev', secretConfig: [ovpn, ovpn] },
      message: /^spec\.secretConfig\[1\]\.key: config key "ovpn" is listed twice/,
    },
    {
      what: 'a mapping of two subjects',
      kind: kasmEgressMappingKind,
      spec: { providerId: PROVIDER, groupId: ALL_USERS, userRef: { name: 'alice' } },
      message: 'spec: set exactly one of groupRef, groupId, userRef, userId, imageRef or imageId to name the group, user or image to route (groupId and userRef are set)',
    },
    {
      what: 'a mapping pinned twice',
      kind: kasmEgressMappingKind,
      spec: { providerId: PROVIDER, groupId: ALL_USERS, gatewayId: GATEWAY, gatewayRef: { name: 'fra' } },
      message: /set at most one of gatewayRef or gatewayId/,
    },
  ])('rejects $what', ({ kind, spec, message }) => {
    const result = parseSpec(kind.spec, spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('carries CEL rules for the choices, their immutability and the config split', () => {
    expect(rules(kasmEgressMappingKind).map((r) => r.message)).toEqual(
      expect.arrayContaining([
        'set exactly one of providerRef or providerId to name the egress provider',
        'set at most one of gatewayRef or gatewayId to pin the gateway',
        expect.stringContaining('the provider of a KasmEgressMapping cannot change') as unknown,
        expect.stringContaining('the group, user or image of a KasmEgressMapping cannot change') as unknown,
      ]),
    );
    expect(rules(kasmEgressCredentialKind).map((r) => r.message)).toEqual(expect.arrayContaining([expect.stringContaining('the gateway of a KasmEgressCredential cannot change') as unknown]));
    const type = toStructuralSchema(kasmEgressProviderKind.spec, 'spec').properties?.egressProviderType;
    expect(type?.['x-kubernetes-validations']?.[0]?.rule).toBe('self == oldSelf');
  });

  it('states the config split as a CEL rule the API server evaluates the same way', () => {
    const split = rules(kasmEgressGatewayKind).find((r) => r.message.startsWith('a config key is either'));
    expect(split).toBeDefined();
    const allowed = (self: Record<string, unknown>) => evaluateCel(split?.rule ?? '', { self });
    expect(allowed({ config: { protocol: 'udp' }, secretConfig: [ovpn] })).toBe(true);
    expect(allowed({ secretConfig: [ovpn] })).toBe(true);
    expect(allowed({ config: { ovpn: 'x' }, secretConfig: [ovpn] })).toBe(false);
  });
});
