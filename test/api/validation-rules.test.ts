import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmConnectionKind } from '../../src/api/kasm-connection.js';
import { kasmEgressGatewayKind } from '../../src/api/kasm-egress-gateway.js';
import { kasmExecKind } from '../../src/api/kasm-exec.js';
import { kasmLicenseKind } from '../../src/api/kasm-license.js';
import { kasmSessionPermissionKind } from '../../src/api/kasm-session-permission.js';
import { kasmSessionKind } from '../../src/api/kasm-session.js';
import { kasmUserKind } from '../../src/api/kasm-user.js';
import { kasmZoneKind } from '../../src/api/kasm-zone.js';
import type { KindDefinition } from '../../src/api/kind-definition.js';
import { exactlyOneFixedOf, withSharedRules, type CelRule } from '../../src/api/validation-rules.js';
import { evaluateCel } from '../harness/kube-apiserver/cel-subset.js';

const ID = '0a4fc3e2b1d84b0c9a6c2f3e4d5b6a79';

/** The CEL rules on the node at `at` (property names) below the spec. */
function celRulesAt(schema: z.ZodType, at: readonly string[] = []): CelRule[] {
  let node = toStructuralSchema(schema, 'spec');
  for (const part of at) {
    const child = node.properties?.[part];
    if (!child) throw new Error(`no field ${part} in ${at.join('.')}`);
    node = child;
  }
  return node['x-kubernetes-validations'] ?? [];
}

/** The issues zod raises with `message`, as dotted paths relative to the spec. */
function zodPathsOf(schema: z.ZodType, value: unknown, message: string): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.filter((i) => i.message === message).map((i) => i.path.join('.'));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function valueAt(value: unknown, at: readonly string[]): unknown {
  let out = value;
  for (const part of at) out = isRecord(out) ? out[part] : undefined;
  return out;
}

/**
 * For each input: zod rejects it with `rule.message` exactly when the CEL rule is false, and names
 * the same field (the node's path plus the rule's fieldPath). A rule on an absent node never runs.
 */
function expectAgreement(schema: z.ZodType, at: readonly string[], rule: CelRule, inputs: readonly unknown[]): void {
  const celField = [...at, ...(rule.fieldPath ?? '').split('.').filter(Boolean)].join('.');
  for (const input of inputs) {
    const self = valueAt(input, at);
    const celRejects = self !== undefined && evaluateCel(rule.rule, { self }) !== true;
    expect(zodPathsOf(schema, input, rule.message), JSON.stringify(input)).toEqual(celRejects ? [celField] : []);
  }
}

describe('withSharedRules', () => {
  // `limit` has a code default, so zod sees it where CEL (stored object) does not.
  const fixture = withSharedRules(
    z
      .object({
        limit: z.int().min(0).default(0).describe('Limit; 0 for none.'),
        unit: z.string().optional().describe('Unit of the limit.'),
        nested: z.object({ flag: z.boolean().optional().describe('Flag.') }).optional().describe('Nested.'),
      })
      .describe('Fixture.'),
    [
      { holds: (v) => v.limit === 0 || v.unit !== undefined, cel: '!has(self.limit) || self.limit == 0 || has(self.unit)', message: 'a limit needs a unit', path: ['unit'] },
      { holds: (v) => v.nested?.flag !== false, cel: '!has(self.nested) || !has(self.nested.flag) || self.nested.flag', message: 'leave the flag out instead of false', path: ['nested', 'flag'] },
    ],
  );

  it('writes one CEL rule per rule, with its message and fieldPath, and keeps the description', () => {
    const crd = toStructuralSchema(fixture, 'spec');
    expect(crd.description).toBe('Fixture.');
    expect(crd['x-kubernetes-validations']).toEqual([
      { rule: '!has(self.limit) || self.limit == 0 || has(self.unit)', message: 'a limit needs a unit', fieldPath: '.unit' },
      { rule: '!has(self.nested) || !has(self.nested.flag) || self.nested.flag', message: 'leave the flag out instead of false', fieldPath: '.nested.flag' },
    ]);
  });

  it('leaves fieldPath out when the rule names no field', () => {
    const plain = withSharedRules(z.object({ a: z.boolean().describe('A.') }).describe('Plain.'), [{ holds: (v) => v.a, cel: 'self.a', message: 'set a to true' }]);
    expect(celRulesAt(plain)).toEqual([{ rule: 'self.a', message: 'set a to true' }]);
    expect(plain.safeParse({ a: false }).error?.issues).toEqual([expect.objectContaining({ path: [], message: 'set a to true' })]);
  });

  it('rejects the same inputs on both sides, at the same field', () => {
    const inputs = [{}, { limit: 0 }, { limit: 5 }, { limit: 5, unit: 's' }, { nested: {} }, { nested: { flag: true } }, { nested: { flag: false } }, { limit: 1, nested: { flag: false } }];
    for (const rule of celRulesAt(fixture)) expectAgreement(fixture, [], rule, inputs);
  });
});

describe('exactlyOneFixedOf', () => {
  const fixture = exactlyOneFixedOf(
    z
      .object({
        groupRef: z.object({ name: z.string().describe('Name.') }).optional().describe('By reference.'),
        groupId: z.string().optional().describe('By id.'),
      })
      .describe('Fixture.'),
    ['groupRef', 'groupId'],
    'group',
    'the group cannot change',
  );
  const [oneOf, fixed] = celRulesAt(fixture);

  it('adds the exactly-one rule, then the rule that fixes the choice', () => {
    expect(celRulesAt(fixture).map((r) => r.message)).toEqual(['set exactly one of groupRef or groupId to name the group', 'the group cannot change']);
  });

  it('checks exactly one on both sides', () => {
    const inputs = [{}, { groupRef: { name: 'dev' } }, { groupId: ID }, { groupRef: { name: 'dev' }, groupId: ID }];
    for (const input of inputs) {
      const celAccepts = evaluateCel(oneOf?.rule ?? '', { self: input }) === true;
      expect(fixture.safeParse(input).success, JSON.stringify(input)).toBe(celAccepts);
    }
    expect(fixture.safeParse({}).error?.issues[0]?.message).toBe('set exactly one of groupRef or groupId to name the group (none is set)');
  });

  it.each([
    ['keeps the same reference', { groupRef: { name: 'dev' } }, { groupRef: { name: 'dev' } }, true],
    ['renames the reference', { groupRef: { name: 'dev' } }, { groupRef: { name: 'ops' } }, false],
    ['swaps the reference for an id', { groupRef: { name: 'dev' } }, { groupId: ID }, false],
    ['changes the id', { groupId: ID }, { groupId: ID.toUpperCase() }, false],
  ])('on update, fixes the choice: %s', (_what, oldSelf, self, allowed) => {
    expect(evaluateCel(fixed?.rule ?? '', { self, oldSelf })).toBe(allowed);
  });
});

interface KindRuleCase {
  what: string;
  kind: KindDefinition;
  /** Where the rule sits, below spec. */
  at?: readonly string[];
  message: RegExp;
  inputs: readonly unknown[];
}

const secretRef = { name: 'ca', key: 'ca.crt' };
const session = { userId: ID, imageId: ID };

describe.each<KindRuleCase>([
  {
    what: 'KasmExec userId only with kasmId',
    kind: kasmExecKind,
    message: /^userId names the owner/,
    inputs: [{ kasmId: ID, command: 'x' }, { kasmId: ID, userId: ID, command: 'x' }, { sessionRef: { name: 's' }, command: 'x' }, { sessionRef: { name: 's' }, userId: ID, command: 'x' }],
  },
  {
    what: 'KasmSession rdp asks for something',
    kind: kasmSessionKind,
    at: ['options', 'rdp'],
    message: /^set file: true, url: true/,
    inputs: [session, ...[{}, { file: true }, { url: true }, { file: false }, { file: false, url: true }, { file: false, url: false }].map((rdp) => ({ ...session, writeConnectionSecretToRef: { name: 's' }, options: { rdp } }))],
  },
  {
    what: 'KasmSession rdp needs the Secret',
    kind: kasmSessionKind,
    message: /^options\.rdp writes to the connection Secret/,
    inputs: [session, { ...session, options: {} }, { ...session, options: { rdp: { url: true } } }, { ...session, writeConnectionSecretToRef: { name: 's' }, options: { rdp: { url: true } } }],
  },
  {
    what: 'KasmSessionPermission manages something',
    kind: kasmSessionPermissionKind,
    message: /^set globalAccess, users, or both/,
    inputs: [{ kasmId: ID }, { kasmId: ID, users: [] }, { kasmId: ID, globalAccess: 'r' }, { kasmId: ID, users: [{ userId: ID, access: 'rw' }] }],
  },
  {
    what: 'KasmZone observes only',
    kind: kasmZoneKind,
    message: /^KasmZone is observe-only/,
    inputs: [{ name: 'default' }, ...[['Observe'], ['*'], ['Observe', 'Create']].map((managementPolicies) => ({ name: 'default', managementPolicies }))],
  },
  {
    what: 'KasmConnection TLS verifies one way',
    kind: kasmConnectionKind,
    at: ['tls'],
    message: /^caSecretRef and insecureSkipVerify exclude each other/,
    inputs: [{}, { insecureSkipVerify: true }, { caSecretRef: secretRef }, { caSecretRef: secretRef, insecureSkipVerify: false }, { caSecretRef: secretRef, insecureSkipVerify: true }].map((tls) => ({
      baseUrl: 'https://kasm.example.com',
      credentialsSecretRef: { name: 'api' },
      tls,
    })),
  },
  {
    what: 'KasmLicense is orphaned',
    kind: kasmLicenseKind,
    message: /^Kasm's API cannot remove a licence/,
    inputs: [{ activationKeySecretRef: secretRef }, { activationKeySecretRef: secretRef, deletionPolicy: 'Orphan' }, { activationKeySecretRef: secretRef, deletionPolicy: 'Delete' }],
  },
  {
    what: 'KasmLicense has a key unless it observes',
    kind: kasmLicenseKind,
    message: /^set activationKeySecretRef/,
    inputs: [{}, { activationKeySecretRef: secretRef }, { managementPolicies: ['Observe'] }, { managementPolicies: ['Observe', 'Create'] }, { managementPolicies: ['*'] }],
  },
  {
    what: 'managementPolicies lists "*" alone',
    kind: kasmUserKind,
    at: ['managementPolicies'],
    message: /^"\*" already grants every action/,
    inputs: [{ username: 'bob' }, ...[['*'], ['Observe', 'Create'], ['*', 'Observe']].map((managementPolicies) => ({ username: 'bob', managementPolicies }))],
  },
])('$what', ({ kind, at = [], message, inputs }) => {
  it('is rejected by zod and CEL alike, naming the same field', () => {
    const rules = celRulesAt(kind.spec, at).filter((r) => message.test(r.message));
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    if (rule) expectAgreement(kind.spec, at, rule, inputs);
  });
});

describe('egress config split (zod names the key, so it is no shared rule)', () => {
  const [split] = celRulesAt(kasmEgressGatewayKind.spec).filter((r) => r.message.startsWith('a config key is either'));
  const spec = (config: Record<string, unknown>, key: string) => ({ providerId: ID, name: 'fra', config, secretConfig: [{ key, secretKeyRef: { name: 'vpn', key: 'k' } }] });

  it.each([
    ['a key in both', spec({ ovpn: 'x' }, 'ovpn'), false],
    ['different keys', spec({ mtu: 1420 }, 'ovpn'), true],
    // Object.prototype's names are not keys of the config; CEL's `in` agrees.
    ['a secret key named like an Object.prototype member', spec({ mtu: 1420 }, 'constructor'), true],
  ])('agrees with CEL on %s', (_what, input, allowed) => {
    expect(evaluateCel(split?.rule ?? '', { self: input })).toBe(allowed);
    expect(kasmEgressGatewayKind.spec.safeParse(input).success).toBe(allowed);
  });
});
