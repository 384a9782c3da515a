import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from '../../src/api/crd-generator.js';
import { kasmConnectionKind } from '../../src/api/kasm-connection.js';
import { kasmGroupMembershipKind } from '../../src/api/kasm-group-membership.js';
import { kasmGroupKind } from '../../src/api/kasm-group.js';
import { kasmUserKind } from '../../src/api/kasm-user.js';
import type { KindDefinition } from '../../src/api/kind-definition.js';
import { formatIssues, parseSpec } from '../../src/api/spec-issues.js';
import { checkAgainstSchema } from './openapi-check.js';

const ALL_USERS = '68d557ac4cac42cca9f31c7c853de0f3';

const valid: Record<string, Record<string, unknown>> = {
  KasmConnection: { baseUrl: 'https://kasm.example.com', credentialsSecretRef: { name: 'kasm-api' } },
  KasmUser: { username: 'bob@example.com' },
  KasmGroup: { name: 'Developers' },
  KasmGroupMembership: { groupRef: { name: 'developers' }, users: [{ userRef: { name: 'bob' } }] },
};

const kindsByName: Record<string, KindDefinition> = {
  KasmConnection: kasmConnectionKind,
  KasmUser: kasmUserKind,
  KasmGroup: kasmGroupKind,
  KasmGroupMembership: kasmGroupMembershipKind,
};

interface BadCase {
  kind: string;
  what: string;
  patch: Record<string, unknown>;
  /** The field the zod error must name. */
  field: string;
  /** Only CEL (not the OpenAPI part of the CRD) catches it on the server. */
  celOnly?: boolean;
}

const bad: BadCase[] = [
  { kind: 'KasmUser', what: 'missing username', patch: { username: undefined }, field: 'spec.username' },
  { kind: 'KasmUser', what: 'username with leading space', patch: { username: ' bob' }, field: 'spec.username' },
  { kind: 'KasmUser', what: 'Secret name with capitals', patch: { passwordSecretRef: { name: 'Bob_Pw', key: 'password' } }, field: 'spec.passwordSecretRef.name' },
  { kind: 'KasmUser', what: 'Secret key with a slash', patch: { passwordSecretRef: { name: 'bob', key: 'a/b' } }, field: 'spec.passwordSecretRef.key' },
  { kind: 'KasmUser', what: 'group named two ways', patch: { groups: [{ groupRef: { name: 'dev' }, name: 'Dev' }] }, field: 'spec.groups[0]', celOnly: true },
  { kind: 'KasmUser', what: 'group named no way', patch: { groups: [{}] }, field: 'spec.groups[0]', celOnly: true },
  { kind: 'KasmUser', what: 'group listed twice', patch: { groups: [{ groupId: ALL_USERS }, { groupId: ALL_USERS.toUpperCase() }] }, field: 'spec.groups[1]', celOnly: true },
  { kind: 'KasmUser', what: 'default image that is no Kasm id', patch: { attributes: { defaultImageId: 'chrome' } }, field: 'spec.attributes.defaultImageId' },
  { kind: 'KasmUser', what: 'non-boolean locked', patch: { locked: 'yes' }, field: 'spec.locked' },
  { kind: 'KasmUser', what: 'unknown deletion policy', patch: { deletionPolicy: 'Keep' }, field: 'spec.deletionPolicy' },
  { kind: 'KasmUser', what: 'empty management policies', patch: { managementPolicies: [] }, field: 'spec.managementPolicies' },
  { kind: 'KasmUser', what: 'unknown management policy', patch: { managementPolicies: ['Read'] }, field: 'spec.managementPolicies[0]' },
  { kind: 'KasmUser', what: '"*" with others', patch: { managementPolicies: ['*', 'Observe'] }, field: 'spec.managementPolicies', celOnly: true },
  { kind: 'KasmUser', what: 'empty connectionRef name', patch: { connectionRef: { name: '' } }, field: 'spec.connectionRef.name' },
  { kind: 'KasmGroup', what: 'priority 0', patch: { priority: 0 }, field: 'spec.priority' },
  { kind: 'KasmGroup', what: 'fractional priority', patch: { priority: 1.5 }, field: 'spec.priority' },
  { kind: 'KasmGroup', what: 'empty name', patch: { name: '' }, field: 'spec.name' },
  { kind: 'KasmGroup', what: 'setting value not text', patch: { settings: [{ name: 'allow_kasm_sharing', value: true }] }, field: 'spec.settings[0].value' },
  { kind: 'KasmGroup', what: 'setting name with spaces', patch: { settings: [{ name: 'allow sharing', value: 'true' }] }, field: 'spec.settings[0].name' },
  {
    kind: 'KasmGroup',
    what: 'setting listed twice',
    patch: { settings: [{ name: 'allow_kasm_sharing', value: 'true' }, { name: 'allow_kasm_sharing', value: 'false' }] },
    field: 'spec.settings[1]',
  },
  { kind: 'KasmGroupMembership', what: 'group named two ways', patch: { groupId: ALL_USERS }, field: 'spec', celOnly: true },
  { kind: 'KasmGroupMembership', what: 'no group', patch: { groupRef: undefined }, field: 'spec', celOnly: true },
  { kind: 'KasmGroupMembership', what: 'user id that is no Kasm id', patch: { users: [{ userId: '42' }] }, field: 'spec.users[0].userId' },
  { kind: 'KasmGroupMembership', what: 'user named two ways', patch: { users: [{ userId: ALL_USERS, username: 'bob' }] }, field: 'spec.users[0]', celOnly: true },
  { kind: 'KasmGroupMembership', what: 'user listed twice', patch: { users: [{ username: 'bob' }, { username: 'bob' }] }, field: 'spec.users[1]', celOnly: true },
  { kind: 'KasmGroupMembership', what: 'missing users', patch: { users: undefined }, field: 'spec.users' },
  { kind: 'KasmConnection', what: 'ftp URL', patch: { baseUrl: 'ftp://kasm.example.com' }, field: 'spec.baseUrl' },
  { kind: 'KasmConnection', what: 'URL with a query', patch: { baseUrl: 'https://kasm.example.com/?x=1' }, field: 'spec.baseUrl' },
  { kind: 'KasmConnection', what: 'missing credentials', patch: { credentialsSecretRef: undefined }, field: 'spec.credentialsSecretRef' },
  { kind: 'KasmConnection', what: 'zero rate', patch: { rateLimit: { requestsPerSecond: 0 } }, field: 'spec.rateLimit.requestsPerSecond' },
  { kind: 'KasmConnection', what: 'zero timeout', patch: { timeoutSeconds: 0 }, field: 'spec.timeoutSeconds' },
  {
    kind: 'KasmConnection',
    what: 'CA and skip-verify together',
    patch: { tls: { caSecretRef: { name: 'ca', key: 'ca.crt' }, insecureSkipVerify: true } },
    field: 'spec.tls',
    celOnly: true,
  },
];

function specWith(kind: string, patch: Record<string, unknown>): Record<string, unknown> {
  const spec: Record<string, unknown> = { ...valid[kind], ...patch };
  for (const [k, v] of Object.entries(spec)) if (v === undefined) delete spec[k];
  return spec;
}

describe('spec schemas', () => {
  it.each(Object.keys(valid))('%s accepts a minimal spec, and the CRD schema does too', (kind) => {
    const def = kindsByName[kind];
    if (!def) throw new Error(kind);
    expect(parseSpec(def.spec, valid[kind])).toMatchObject({ ok: true });
    expect(checkAgainstSchema(valid[kind], toStructuralSchema(def.spec, 'spec'), 'spec')).toEqual([]);
  });

  it.each(bad)('$kind rejects $what, naming $field', ({ kind, patch, field, celOnly }) => {
    const def = kindsByName[kind];
    if (!def) throw new Error(kind);
    const spec = specWith(kind, patch);
    const result = parseSpec(def.spec, spec);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.message.split('; ').map((line) => line.slice(0, line.indexOf(': ')));
    expect(fields).toContain(field);
    // The CRD's OpenAPI schema rejects the same spec at the same field, unless only a CEL rule can.
    const serverProblems = checkAgainstSchema(spec, toStructuralSchema(def.spec, 'spec'), 'spec');
    if (celOnly) expect(serverProblems).toEqual([]);
    else expect(serverProblems.some((p) => p.startsWith(field))).toBe(true);
  });

  it('explains a one-of violation with the fields involved', () => {
    const result = parseSpec(kasmUserKind.spec, specWith('KasmUser', { groups: [{ groupRef: { name: 'dev' }, name: 'Dev' }] }));
    expect(result).toEqual({ ok: false, message: 'spec.groups[0]: set exactly one of groupRef, groupId or name to name the group (groupRef and name are set)' });
  });
});

describe('defaults applied by the operator', () => {
  it('fills the managed fields of a minimal KasmUser', () => {
    const spec = kasmUserKind.spec.parse(valid.KasmUser);
    expect(spec.deletionPolicy).toBe('Delete');
    expect(spec.managementPolicies).toEqual(['*']);
    expect(spec.forceDelete).toBe(false);
    expect(spec.connectionRef).toBeUndefined();
    expect(spec.firstName).toBeUndefined();
  });

  it('keeps what the manifest says over the defaults', () => {
    const spec = kasmGroupMembershipKind.spec.parse({ ...valid.KasmGroupMembership, deletionPolicy: 'Orphan', managementPolicies: ['Observe'] });
    expect(spec.deletionPolicy).toBe('Orphan');
    expect(spec.managementPolicies).toEqual(['Observe']);
  });

  it('fills KasmConnection keys, rate limit and timeout', () => {
    const spec = kasmConnectionKind.spec.parse(valid.KasmConnection);
    expect(spec.credentialsSecretRef).toEqual({ name: 'kasm-api', apiKeyKey: 'apiKey', apiSecretKey: 'apiSecret' });
    expect(spec.rateLimit).toEqual({ requestsPerSecond: 100, maxConcurrent: 10 });
    expect(spec.timeoutSeconds).toBe(30);
    expect(spec.tls).toBeUndefined();
    expect(kasmConnectionKind.spec.parse({ ...valid.KasmConnection, tls: {} }).tls).toEqual({ insecureSkipVerify: false });
    expect(kasmConnectionKind.spec.parse({ ...valid.KasmConnection, rateLimit: { burst: 5 } }).rateLimit).toEqual({
      requestsPerSecond: 100,
      burst: 5,
      maxConcurrent: 10,
    });
  });

  it('accepts Kasm ids with and without dashes', () => {
    for (const groupId of [ALL_USERS, '68d557ac-4cac-42cc-a9f3-1c7c853de0f3']) {
      expect(parseSpec(kasmGroupMembershipKind.spec, { groupId, users: [] })).toMatchObject({ ok: true });
    }
  });
});

describe('status schemas', () => {
  const condition = { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: '2024-05-01T12:00:00Z', observedGeneration: 3 };

  it('accept what the operator writes for a KasmUser, and the CRD keeps every field', () => {
    const status = {
      conditions: [condition],
      observedGeneration: 3,
      externalId: '50faa5439c574b518cd868dac9256e4b',
      atProvider: {
        userId: '50faa5439c574b518cd868dac9256e4b',
        username: 'bob@example.com',
        realm: 'local',
        firstName: 'Bob',
        lastName: null,
        lastSession: null,
        locked: false,
        disabled: false,
        groups: [{ groupId: ALL_USERS, name: 'All Users' }],
        // Kasm may hold values the spec would refuse (empty theme, no default image): status must still be writable.
        attributes: { showTips: false, theme: '', defaultImageId: null },
      },
      drift: [{ field: 'firstName', desired: 'Bobby', observed: 'Bob' }, { field: 'password' }],
      passwordSecretVersion: '12345',
      appliedGroupIds: [ALL_USERS],
    };
    expect(kasmUserKind.status.parse(status)).toEqual(status);
    expect(checkAgainstSchema(status, toStructuralSchema(kasmUserKind.status, 'status'), 'status')).toEqual([]);
  });

  it('accept a KasmConnection check result', () => {
    const status = {
      conditions: [condition, { ...condition, type: 'Stalled', status: 'False', reason: 'ReconcileSuccess' }],
      reachable: true,
      authenticated: true,
      zones: [{ zoneId: 'a1b2', name: 'default' }],
      lastCheckedTime: '2024-05-01T12:00:00Z',
    };
    expect(kasmConnectionKind.status.parse(status)).toEqual(status);
    expect(checkAgainstSchema(status, toStructuralSchema(kasmConnectionKind.status, 'status'), 'status')).toEqual([]);
  });

  it('reject a condition with a status other than True/False/Unknown or a reason with spaces', () => {
    const badStatus = kasmGroupKind.status.safeParse({ conditions: [{ ...condition, status: 'Yes' }] });
    expect(badStatus.success ? '' : formatIssues(badStatus.error, 'status')).toContain('status.conditions[0].status');
    const badReason = kasmGroupKind.status.safeParse({ conditions: [{ ...condition, reason: 'Not ready' }] });
    expect(badReason.success ? '' : formatIssues(badReason.error, 'status')).toContain('status.conditions[0].reason');
  });

  it('keep one condition per type on the server (list map keyed by type)', () => {
    const schema = toStructuralSchema(kasmGroupKind.status, 'status');
    expect(checkAgainstSchema({ conditions: [condition, condition] }, schema, 'status')).toEqual(['status.conditions[1]: duplicate entry ["Ready"]']);
  });
});
