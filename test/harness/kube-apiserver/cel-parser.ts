/**
 * Parser for the CEL subset the test server evaluates (see cel-subset.ts for the list). It turns a
 * rule into an AST; anything outside the subset raises UnsupportedCelError here, at compile time,
 * so a rule never passes silently because the evaluator skipped part of it.
 */

export class UnsupportedCelError extends Error {
  constructor(
    readonly rule: string,
    readonly feature: string,
  ) {
    super(`CEL rule uses ${feature}, which the test server's CEL subset does not support: ${rule}`);
    this.name = 'UnsupportedCelError';
  }
}

/** The rule is not valid CEL at all (kube-apiserver would have rejected the CRD). */
export class CelSyntaxError extends Error {
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`CEL syntax error in rule ${JSON.stringify(rule)}: ${detail}`);
    this.name = 'CelSyntaxError';
  }
}

/** A CEL double; plain JS numbers stand for CEL ints so `1.0` and `1` keep their CEL types apart. */
export class CelDouble {
  constructor(readonly value: number) {}
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '+' | '-' | '*' | '/' | '%';
export type MacroKind = 'all' | 'exists' | 'exists_one' | 'map' | 'filter';

export type CelExpr =
  | { k: 'lit'; value: null | boolean | number | string | CelDouble }
  | { k: 'ident'; name: string }
  | { k: 'select'; operand: CelExpr; field: string }
  | { k: 'index'; operand: CelExpr; index: CelExpr }
  | { k: 'call'; fn: string; target: CelExpr | undefined; args: CelExpr[] }
  | { k: 'list'; items: CelExpr[] }
  | { k: 'map'; entries: { key: CelExpr; value: CelExpr }[] }
  | { k: 'unary'; op: '!' | '-'; operand: CelExpr }
  | { k: 'binary'; op: BinaryOp; left: CelExpr; right: CelExpr }
  | { k: 'cond'; test: CelExpr; then: CelExpr; otherwise: CelExpr }
  | { k: 'has'; operand: CelExpr; field: string }
  | { k: 'macro'; kind: MacroKind; range: CelExpr; variable: string; predicate: CelExpr; transform: CelExpr | undefined };

/** Global functions and receiver methods the evaluator implements; any other name is unsupported. */
const SUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'size',
  'string',
  'int',
  'double',
  'bool',
  'dyn',
  'matches',
  'startsWith',
  'endsWith',
  'contains',
  'lowerAscii',
  'upperAscii',
  'trim',
  'split',
  'join',
  'replace',
  'substring',
  'indexOf',
  'lastIndexOf',
  'charAt',
  'isSorted',
  'sum',
  'min',
  'max',
]);

type TokenKind = 'int' | 'double' | 'string' | 'ident' | 'op' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  value?: number | string;
  pos: number;
}

const RESERVED = new Set([
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

const TWO_CHAR_OPS = ['==', '!=', '<=', '>=', '&&', '||', '.?', '[?'];
const ONE_CHAR_OPS = '<>!?:()[]{}.,+-*/%';

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (detail: string): never => {
    throw new CelSyntaxError(rule, `${detail} at offset ${i}`);
  };
  while (i < rule.length) {
    const c = rule[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (rule.startsWith('//', i)) {
      while (i < rule.length && rule[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // String literals, with optional raw (r) or bytes (b) prefix.
    const prefixMatch = /^([rRbB]{0,2})('''|"""|'|")/.exec(rule.slice(i));
    if (prefixMatch) {
      const prefix = (prefixMatch[1] ?? '').toLowerCase();
      if (prefix.includes('b')) throw new UnsupportedCelError(rule, 'bytes literals');
      const quote = prefixMatch[2] ?? "'";
      i += prefix.length + quote.length;
      const raw = prefix.includes('r');
      let out = '';
      for (;;) {
        if (i >= rule.length) fail('unterminated string literal');
        if (rule.startsWith(quote, i)) {
          i += quote.length;
          break;
        }
        const ch = rule[i] ?? '';
        if (quote.length === 1 && (ch === '\n' || ch === '\r')) fail('newline in string literal');
        if (ch === '\\' && !raw) {
          const [decoded, length] = decodeEscape(rule, i, fail);
          out += decoded;
          i += length;
          continue;
        }
        out += ch;
        i++;
      }
      tokens.push({ kind: 'string', text: rule.slice(start, i), value: out, pos: start });
      continue;
    }
    // Numbers: hex ints, decimal ints, doubles (with fraction or exponent); optional u suffix.
    const hex = /^0[xX][0-9a-fA-F]+[uU]?/.exec(rule.slice(i));
    if (hex) {
      const text = hex[0];
      i += text.length;
      tokens.push({ kind: 'int', text, value: Number.parseInt(text.replace(/[uU]$/, '').slice(2), 16), pos: start });
      continue;
    }
    const num = /^(\d+\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+([eE][+-]?\d+)?|\d+[uU]?)/.exec(rule.slice(i));
    if (num && (/\d/.test(c) || (c === '.' && /\d/.test(rule[i + 1] ?? '')))) {
      const text = num[0];
      i += text.length;
      if (/^\d+[uU]?$/.test(text)) {
        tokens.push({ kind: 'int', text, value: Number.parseInt(text, 10), pos: start });
      } else {
        tokens.push({ kind: 'double', text, value: Number.parseFloat(text), pos: start });
      }
      continue;
    }
    const ident = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rule.slice(i));
    if (ident) {
      i += ident[0].length;
      tokens.push({ kind: 'ident', text: ident[0], pos: start });
      continue;
    }
    const two = TWO_CHAR_OPS.find((op) => rule.startsWith(op, i));
    if (two !== undefined) {
      i += two.length;
      tokens.push({ kind: 'op', text: two, pos: start });
      continue;
    }
    if (ONE_CHAR_OPS.includes(c)) {
      i++;
      tokens.push({ kind: 'op', text: c, pos: start });
      continue;
    }
    fail(`unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'eof', text: '', pos: rule.length });
  return tokens;
}

function decodeEscape(rule: string, at: number, fail: (d: string) => never): [string, number] {
  const next = rule[at + 1] ?? '';
  const simple: Record<string, string> = {
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    '\\': '\\',
    "'": "'",
    '"': '"',
    '`': '`',
    '?': '?',
  };
  const mapped = simple[next];
  if (mapped !== undefined) return [mapped, 2];
  const hexLen = next === 'x' || next === 'X' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const digits = rule.slice(at + 2, at + 2 + hexLen);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(digits)) fail('invalid escape sequence');
    return [String.fromCodePoint(Number.parseInt(digits, 16)), 2 + hexLen];
  }
  const octal = rule.slice(at + 1, at + 4);
  if (/^[0-3][0-7]{2}$/.test(octal)) return [String.fromCodePoint(Number.parseInt(octal, 8)), 4];
  return fail('invalid escape sequence');
}

class Parser {
  private pos = 0;
  constructor(
    private readonly rule: string,
    private readonly tokens: Token[],
  ) {}

  parse(): CelExpr {
    const expr = this.expr();
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${JSON.stringify(t.text)}`);
    return expr;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private eat(text: string): boolean {
    if (this.isOp(text)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(text: string): void {
    if (!this.eat(text)) this.fail(`expected ${JSON.stringify(text)} but found ${JSON.stringify(this.peek().text) || 'end of rule'}`);
  }

  private fail(detail: string): never {
    throw new CelSyntaxError(this.rule, `${detail} at offset ${this.peek().pos}`);
  }

  private unsupported(feature: string): never {
    throw new UnsupportedCelError(this.rule, feature);
  }

  private expr(): CelExpr {
    const test = this.or();
    if (this.eat('?')) {
      const then = this.or();
      this.expect(':');
      const otherwise = this.expr();
      return { k: 'cond', test, then, otherwise };
    }
    return test;
  }

  private or(): CelExpr {
    let left = this.and();
    while (this.eat('||')) left = { k: 'binary', op: '||', left, right: this.and() };
    return left;
  }

  private and(): CelExpr {
    let left = this.relation();
    while (this.eat('&&')) left = { k: 'binary', op: '&&', left, right: this.relation() };
    return left;
  }

  private relation(): CelExpr {
    let left = this.addition();
    for (;;) {
      const t = this.peek();
      const op =
        t.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)
          ? (t.text as BinaryOp)
          : t.kind === 'ident' && t.text === 'in'
            ? 'in'
            : undefined;
      if (op === undefined) return left;
      this.pos++;
      left = { k: 'binary', op, left, right: this.addition() };
    }
  }

  private addition(): CelExpr {
    let left = this.multiplication();
    for (;;) {
      if (this.eat('+')) left = { k: 'binary', op: '+', left, right: this.multiplication() };
      else if (this.eat('-')) left = { k: 'binary', op: '-', left, right: this.multiplication() };
      else return left;
    }
  }

  private multiplication(): CelExpr {
    let left = this.unary();
    for (;;) {
      if (this.eat('*')) left = { k: 'binary', op: '*', left, right: this.unary() };
      else if (this.eat('/')) left = { k: 'binary', op: '/', left, right: this.unary() };
      else if (this.eat('%')) left = { k: 'binary', op: '%', left, right: this.unary() };
      else return left;
    }
  }

  private unary(): CelExpr {
    if (this.eat('!')) return { k: 'unary', op: '!', operand: this.unary() };
    if (this.eat('-')) {
      const t = this.peek();
      // Fold negative literals so -9223372036854775808-style bounds stay literals.
      if (t.kind === 'int' || t.kind === 'double') {
        const operand = this.member();
        if (operand.k === 'lit' && typeof operand.value === 'number') return { k: 'lit', value: -operand.value };
        if (operand.k === 'lit' && operand.value instanceof CelDouble) return { k: 'lit', value: new CelDouble(-operand.value.value) };
        return { k: 'unary', op: '-', operand };
      }
      return { k: 'unary', op: '-', operand: this.unary() };
    }
    return this.member();
  }

  private member(): CelExpr {
    let expr = this.primary();
    for (;;) {
      if (this.isOp('.?') || this.isOp('[?')) this.unsupported('optional field selection (.? / [?])');
      if (this.eat('.')) {
        const name = this.next();
        if (name.kind !== 'ident') this.fail('expected a field name after "."');
        if (this.eat('(')) {
          const args = this.args(')');
          expr = this.methodCall(expr, name.text, args);
        } else {
          expr = { k: 'select', operand: expr, field: name.text };
        }
        continue;
      }
      if (this.eat('[')) {
        const index = this.expr();
        this.expect(']');
        expr = { k: 'index', operand: expr, index };
        continue;
      }
      return expr;
    }
  }

  private methodCall(target: CelExpr, name: string, args: CelExpr[]): CelExpr {
    if (name === 'all' || name === 'exists' || name === 'exists_one' || name === 'map' || name === 'filter') {
      const variable = args[0];
      if (variable?.k !== 'ident') this.fail(`${name}() needs a variable name as its first argument`);
      const expected = name === 'map' ? [2, 3] : [2];
      if (!expected.includes(args.length)) this.fail(`${name}() takes ${expected.join(' or ')} arguments`);
      if (name === 'map') {
        const hasFilter = args.length === 3;
        return {
          k: 'macro',
          kind: 'map',
          range: target,
          variable: variable.name,
          predicate: hasFilter ? (args[1] as CelExpr) : { k: 'lit', value: true },
          transform: hasFilter ? args[2] : args[1],
        };
      }
      return { k: 'macro', kind: name, range: target, variable: variable.name, predicate: args[1] as CelExpr, transform: undefined };
    }
    if (!SUPPORTED_FUNCTIONS.has(name)) this.unsupported(`the method ${name}()`);
    return { k: 'call', fn: name, target, args };
  }

  private args(close: string): CelExpr[] {
    const args: CelExpr[] = [];
    if (this.eat(close)) return args;
    for (;;) {
      args.push(this.expr());
      if (this.eat(close)) return args;
      this.expect(',');
      if (this.eat(close)) return args;
    }
  }

  private primary(): CelExpr {
    const t = this.next();
    switch (t.kind) {
      case 'int':
        return { k: 'lit', value: t.value as number };
      case 'double':
        return { k: 'lit', value: new CelDouble(t.value as number) };
      case 'string':
        return { k: 'lit', value: t.value as string };
      case 'ident':
        return this.identifier(t.text);
      case 'op':
        if (t.text === '(') {
          const inner = this.expr();
          this.expect(')');
          return inner;
        }
        if (t.text === '[') return { k: 'list', items: this.args(']') };
        if (t.text === '{') return this.mapLiteral();
        if (t.text === '.') this.unsupported('leading-dot identifiers');
        return this.fail(`unexpected ${JSON.stringify(t.text)}`);
      default:
        return this.fail('unexpected end of rule');
    }
  }

  private mapLiteral(): CelExpr {
    const entries: { key: CelExpr; value: CelExpr }[] = [];
    if (this.eat('}')) return { k: 'map', entries };
    for (;;) {
      const key = this.expr();
      this.expect(':');
      entries.push({ key, value: this.expr() });
      if (this.eat('}')) return { k: 'map', entries };
      this.expect(',');
      if (this.eat('}')) return { k: 'map', entries };
    }
  }

  private identifier(name: string): CelExpr {
    if (name === 'true') return { k: 'lit', value: true };
    if (name === 'false') return { k: 'lit', value: false };
    if (name === 'null') return { k: 'lit', value: null };
    if (name === 'in') this.fail('unexpected "in"');
    if (RESERVED.has(name)) this.fail(`reserved word ${name}`);
    if (this.isOp('{')) this.unsupported('message construction');
    if (!this.eat('(')) return { k: 'ident', name };
    const args = this.args(')');
    if (name === 'has') {
      const operand = args[0];
      if (args.length !== 1 || operand?.k !== 'select') this.fail('has() takes a single field selection, e.g. has(self.x)');
      return { k: 'has', operand: operand.operand, field: operand.field };
    }
    if (!SUPPORTED_FUNCTIONS.has(name)) this.unsupported(`the function ${name}()`);
    return { k: 'call', fn: name, target: undefined, args };
  }
}

/** Parses `rule`; identifiers other than self, oldSelf and macro variables are unsupported. */
export function parseCel(rule: string): { ast: CelExpr; usesOldSelf: boolean } {
  const ast = new Parser(rule, tokenize(rule)).parse();
  let usesOldSelf = false;
  const check = (e: CelExpr, bound: ReadonlySet<string>): void => {
    switch (e.k) {
      case 'lit':
        return;
      case 'ident':
        if (bound.has(e.name)) return;
        if (e.name === 'self') return;
        if (e.name === 'oldSelf') {
          usesOldSelf = true;
          return;
        }
        throw new UnsupportedCelError(rule, `the identifier ${e.name}`);
      case 'select':
      case 'has':
        return check(e.operand, bound);
      case 'index':
        check(e.operand, bound);
        return check(e.index, bound);
      case 'call':
        if (e.target) check(e.target, bound);
        e.args.forEach((a) => check(a, bound));
        return;
      case 'list':
        e.items.forEach((a) => check(a, bound));
        return;
      case 'map':
        e.entries.forEach((entry) => {
          check(entry.key, bound);
          check(entry.value, bound);
        });
        return;
      case 'unary':
        return check(e.operand, bound);
      case 'binary':
        check(e.left, bound);
        return check(e.right, bound);
      case 'cond':
        check(e.test, bound);
        check(e.then, bound);
        return check(e.otherwise, bound);
      case 'macro': {
        check(e.range, bound);
        const inner = new Set(bound).add(e.variable);
        check(e.predicate, inner);
        if (e.transform) check(e.transform, inner);
        return;
      }
    }
  };
  check(ast, new Set());
  return { ast, usesOldSelf };
}
