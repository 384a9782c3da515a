import { describe, expect, it } from 'vitest';
import { CelEvaluationError, CelSyntaxError, compileCel, evaluateCel, unescapeCelFieldName, UnsupportedCelError } from './cel-subset.js';

const self = {
  username: 'alice',
  groups: ['admins', 'users'],
  attributes: { team: 'blue', 'cost-center': '42' },
  cores: 4,
  ratio: 0.5,
  enabled: true,
  nothing: null,
  ports: [
    { name: 'http', port: 80 },
    { name: 'https', port: 443 },
  ],
};

function run(rule: string, vars: { self: unknown; oldSelf?: unknown } = { self }): unknown {
  return evaluateCel(rule, vars);
}

describe('literals and operators', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 / 2', 3],
    ['-7 / 2', -3],
    ['7 % 3', 1],
    ['7.0 / 2.0', 3.5],
    ['0x10', 16],
    ["'a' + 'b'", 'ab'],
    ['"double" + r\'\\raw\'', 'double\\raw'],
    ["'''triple'''", 'triple'],
    ["'tab\\there'", 'tab\there'],
    ['[1, 2] + [3]', [1, 2, 3]],
    ["{'a': 1}", { a: 1 }],
    ['null', null],
    ['-self.cores', -4],
    ['!true', false],
  ])('%s = %j', (rule, expected) => {
    expect(run(rule)).toEqual(expected);
  });

  it.each([
    ['1 == 1', true],
    ['1 != 2', true],
    ['1 == 1.0', true],
    ["'a' < 'b'", true],
    ['2 <= 2', true],
    ['3 > 2.5', true],
    ['false < true', true],
    ['[1, 2] == [1, 2]', true],
    ['[1, 2] == [2, 1]', false],
    ["{'a': 1} == {'a': 1}", true],
    ['null == null', true],
    ["'a' == 1", false],
    ['true ? 1 : 2', 1],
    ['false ? 1 : 2', 2],
    ["'admins' in self.groups", true],
    ["'x' in self.groups", false],
    ["'team' in self.attributes", true],
    ['true && false', false],
    ['true || false', true],
  ])('%s is %j', (rule, expected) => {
    expect(run(rule)).toBe(expected);
  });

  it('absorbs errors in && and || when the other side decides', () => {
    expect(run('false && self.missing == 1')).toBe(false);
    expect(run('self.missing == 1 && false')).toBe(false);
    expect(run('true || self.missing == 1')).toBe(true);
    expect(run('self.missing == 1 || true')).toBe(true);
    expect(() => run('true && self.missing == 1')).toThrow(CelEvaluationError);
  });

  it('raises CEL runtime errors', () => {
    expect(() => run('1 / 0')).toThrow('division by zero');
    expect(() => run('1 % 0')).toThrow('modulus by zero');
    expect(() => run('self.groups[5]')).toThrow('index out of bounds: 5');
    expect(() => run("1 + 'a'")).toThrow('no such overload');
    expect(() => run('9223372036854775807 * 2')).toThrow('integer overflow');
  });
});

describe('field access', () => {
  it('selects fields, indexes lists and maps', () => {
    expect(run('self.username')).toBe('alice');
    expect(run('self.groups[1]')).toBe('users');
    expect(run("self.attributes['team']")).toBe('blue');
    expect(run('self.ports[0].port')).toBe(80);
  });

  it('raises "no such key" for absent fields', () => {
    expect(() => run('self.missing')).toThrow(new CelEvaluationError('no such key: missing'));
    expect(() => run("self.attributes['nope']")).toThrow('no such key: nope');
  });

  it('tests presence with has()', () => {
    expect(run('has(self.username)')).toBe(true);
    expect(run('has(self.missing)')).toBe(false);
    expect(run('has(self.attributes.team)')).toBe(true);
    expect(run('has(self.nothing)')).toBe(true);
  });

  it('resolves escaped property names', () => {
    expect(run('self.attributes.cost__dash__center')).toBe('42');
    expect(unescapeCelFieldName('a__dot__b__slash__c__underscores__d')).toBe('a.b/c__d');
    expect(unescapeCelFieldName('__namespace__')).toBe('namespace');
  });
});

describe('macros', () => {
  it.each([
    ['self.groups.all(g, g.size() > 3)', true],
    ["self.groups.all(g, g.startsWith('a'))", false],
    ["self.groups.exists(g, g == 'users')", true],
    ["self.groups.exists_one(g, g.endsWith('s'))", false],
    ["self.groups.exists_one(g, g == 'users')", true],
    ['self.ports.all(p, p.port > 0 && p.port < 65536)', true],
    ["self.attributes.all(k, k != '')", true],
    ["self.attributes.exists(k, k == 'team')", true],
  ])('%s is %j', (rule, expected) => {
    expect(run(rule)).toBe(expected);
  });

  it('maps and filters', () => {
    expect(run('self.ports.map(p, p.port)')).toEqual([80, 443]);
    expect(run('self.ports.map(p, p.port > 100, p.name)')).toEqual(['https']);
    expect(run('self.ports.filter(p, p.port < 100).size()')).toBe(1);
    expect(run('self.ports.map(p, p.name).exists(n, n == "http")')).toBe(true);
  });

  it('scopes macro variables', () => {
    expect(run('self.groups.all(self, self.size() > 0)')).toBe(true);
    expect(() => compileCel('self.groups.all(g, g.size() > 0) && g == 1')).toThrow(UnsupportedCelError);
  });

  it('lets a false element decide over an erroring one in all()', () => {
    expect(run('[{"a": 1}, {}].all(x, x.a == 2)')).toBe(false);
    expect(() => run('[{"a": 2}, {}].all(x, x.a == 2)')).toThrow('no such key: a');
  });
});

describe('functions', () => {
  it.each([
    ['size(self.username)', 5],
    ['self.username.size()', 5],
    ["'héllo'.size()", 5],
    ['size(self.groups)', 2],
    ['size(self.attributes)', 2],
    ["self.username.startsWith('al')", true],
    ["self.username.endsWith('ce')", true],
    ["self.username.contains('lic')", true],
    ["self.username.matches('^[a-z]+$')", true],
    ["matches(self.username, '^[0-9]+$')", false],
    ["'ABC'.matches('(?i)^abc$')", true],
    ['string(self.cores)', '4'],
    ['string(self.ratio)', '0.5'],
    ['string(true)', 'true'],
    ["int('42')", 42],
    ['int(3.9)', 3],
    ['int(self.cores)', 4],
    ['double(2) == 2.0', true],
    ["'MiXed'.lowerAscii()", 'mixed'],
    ["'  pad '.trim()", 'pad'],
    ["'a,b,c'.split(',')", ['a', 'b', 'c']],
    ["['a', 'b'].join('-')", 'a-b'],
    ["'aaa'.replace('a', 'b', 2)", 'bba'],
    ["'hello'.substring(1, 3)", 'el'],
    ["'hello'.indexOf('l')", 2],
    ["'hello'.lastIndexOf('l')", 3],
    ['[3, 1, 2].min()', 1],
    ['[1, 2, 3].sum()', 6],
    ['[1, 2, 3].isSorted()', true],
  ])('%s = %j', (rule, expected) => {
    expect(run(rule)).toEqual(expected);
  });

  it('rejects bad conversions at runtime', () => {
    expect(() => run("int('4x')")).toThrow(CelEvaluationError);
    expect(() => run('size(1)')).toThrow('no such overload');
  });
});

describe('transition rules', () => {
  it('marks rules that use oldSelf', () => {
    expect(compileCel('self == oldSelf').usesOldSelf).toBe(true);
    expect(compileCel('self.x == 1').usesOldSelf).toBe(false);
    expect(compileCel('self.all(oldSelf, oldSelf > 0)').usesOldSelf).toBe(false);
  });

  it('compares self and oldSelf deeply', () => {
    expect(run('self == oldSelf', { self: { a: [1, { b: 2 }] }, oldSelf: { a: [1, { b: 2 }] } })).toBe(true);
    expect(run('self == oldSelf', { self: { a: [1] }, oldSelf: { a: [2] } })).toBe(false);
    expect(run('self.username == oldSelf.username', { self, oldSelf: { ...self, username: 'bob' } })).toBe(false);
    expect(run('!has(oldSelf.id) || has(self.id)', { self: {}, oldSelf: { id: 'x' } })).toBe(false);
  });
});

describe('outside the subset', () => {
  it.each([
    "duration('1h') > duration('1m')",
    "timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')",
    "self.?username.orValue('x')",
    "b'bytes'",
    "type(self) == string",
    "quantity('1Gi').isGreaterThan(quantity('1Mi'))",
    "self.username.format([])",
    "request.name == 'x'",
  ])('refuses %s at compile time', (rule) => {
    expect(() => compileCel(rule)).toThrow(UnsupportedCelError);
  });

  it('refuses malformed rules with a syntax error', () => {
    expect(() => compileCel('self.x ==')).toThrow(CelSyntaxError);
    expect(() => compileCel("'unterminated")).toThrow(CelSyntaxError);
    expect(() => compileCel('has(self)')).toThrow(CelSyntaxError);
  });
});
