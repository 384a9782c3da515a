/**
 * A CEL evaluator for the subset of expressions that CRD `x-kubernetes-validations` rules commonly
 * use. kube-apiserver runs full cel-go; the test server runs this, and refuses (UnsupportedCelError,
 * raised when the rule is compiled) anything outside the subset rather than letting a rule pass
 * unchecked.
 *
 * The subset:
 * - variables `self` and `oldSelf` (the caller decides when a transition rule runs), macro variables
 * - literals: int (decimal, hex; a `u` suffix is read as int), double, string (single, double and
 *   triple quotes, raw `r'..'`, escapes), bool, null, lists `[..]`, maps `{'k': v}` with string keys
 * - field selection `a.b` (CEL-escaped names such as `foo__dash__bar` resolve to `foo-bar`),
 *   indexing `a[0]`, `a['key']`, `has(a.b)`
 * - operators `== != < <= > >= && || ! ?: in + - * / %` and unary minus, with CEL's error
 *   absorption for `&&` / `||` (`false && <error>` is false)
 * - macros `all`, `exists`, `exists_one`, `map` (2 and 3 argument forms), `filter`, over lists and
 *   over map keys
 * - functions `size`, `string`, `int`, `double`, `bool`, `dyn`, `matches`, and the methods
 *   `size startsWith endsWith contains matches lowerAscii upperAscii trim split join replace
 *   substring indexOf lastIndexOf charAt isSorted sum min max`
 *
 * Not supported (UnsupportedCelError): bytes, uint as a type, timestamps and durations, optional
 * syntax (`.?`, `[?`), quantity/url/ip/format libraries, `type()`, and any other identifier or
 * function. Simplification: CEL ints and doubles are kept apart (`1` vs `1.0`), but mixing them in
 * arithmetic yields a double where cel-go's type checker would have rejected the rule.
 */
import { CelDouble, parseCel, UnsupportedCelError, type CelExpr } from './cel-parser.js';
import { memoize } from './memoize.js';

export { CelDouble, CelSyntaxError, UnsupportedCelError } from './cel-parser.js';

/** A runtime error of a rule (no such key, no such overload, division by zero...). */
export class CelEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvaluationError';
  }
}

export interface CelVariables {
  self: unknown;
  /** Present (possibly null) only for transition rules evaluated on update. */
  oldSelf?: unknown;
}

export interface CompiledCel {
  readonly source: string;
  readonly usesOldSelf: boolean;
  /** Returns the rule's value as JSON (CEL doubles become numbers). */
  evaluate(vars: CelVariables): unknown;
}

/** Parses and checks `source` once; throws UnsupportedCelError or CelSyntaxError. */
export const compileCel = memoize((source: string): CompiledCel => {
  const { ast, usesOldSelf } = parseCel(source);
  return {
    source,
    usesOldSelf,
    evaluate(vars) {
      const env = new Map<string, unknown>([['self', vars.self]]);
      if ('oldSelf' in vars) env.set('oldSelf', vars.oldSelf);
      return toJson(new Evaluator(source).eval(ast, env));
    },
  };
});

export function evaluateCel(source: string, vars: CelVariables): unknown {
  return compileCel(source).evaluate(vars);
}

type CelMap = Record<string, unknown>;

function isMap(v: unknown): v is CelMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof CelDouble);
}

function isNumeric(v: unknown): v is number | CelDouble {
  return typeof v === 'number' || v instanceof CelDouble;
}

function isDouble(v: unknown): boolean {
  return v instanceof CelDouble || (typeof v === 'number' && !Number.isInteger(v));
}

function numericValue(v: number | CelDouble): number {
  return v instanceof CelDouble ? v.value : v;
}

/** JSON numbers that are not whole are CEL doubles. */
function fromJson(v: unknown): unknown {
  return typeof v === 'number' && !Number.isInteger(v) ? new CelDouble(v) : v;
}

function toJson(v: unknown): unknown {
  if (v instanceof CelDouble) return v.value;
  if (Array.isArray(v)) return v.map(toJson);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

function noOverload(): never {
  throw new CelEvaluationError('no such overload');
}

const CEL_KEYWORDS = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** Property names that are not CEL identifiers are escaped in rules (KEP-2876); undo that. */
export function unescapeCelFieldName(name: string): string {
  const keyword = /^__(.+)__$/.exec(name);
  if (keyword && CEL_KEYWORDS.has(keyword[1] ?? '')) return keyword[1] ?? name;
  return name.replace(/__(underscores|dot|dash|slash)__/g, (_m, token: string) =>
    token === 'underscores' ? '__' : token === 'dot' ? '.' : token === 'dash' ? '-' : '/',
  );
}

function celEquals(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isNumeric(a) && isNumeric(b)) return numericValue(a) === numericValue(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => celEquals(x, b[i]));
  }
  if (Array.isArray(b) || !isMap(a) || !isMap(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && celEquals(a[k], b[k]));
}

function compare(a: unknown, b: unknown): number {
  if (isNumeric(a) && isNumeric(b)) return Math.sign(numericValue(a) - numericValue(b));
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return noOverload();
}

const INT64_LIMIT = 2 ** 63;

function checkedInt(n: number): number {
  if (!(n < INT64_LIMIT && n >= -INT64_LIMIT)) throw new CelEvaluationError('integer overflow');
  return n;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: unknown, b: unknown): unknown {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return (a as unknown[]).concat(b as unknown[]);
  if (!isNumeric(a) || !isNumeric(b)) return noOverload();
  const x = numericValue(a);
  const y = numericValue(b);
  if (isDouble(a) || isDouble(b)) {
    switch (op) {
      case '+':
        return new CelDouble(x + y);
      case '-':
        return new CelDouble(x - y);
      case '*':
        return new CelDouble(x * y);
      case '/':
        return new CelDouble(x / y);
      default:
        return noOverload();
    }
  }
  switch (op) {
    case '+':
      return checkedInt(x + y);
    case '-':
      return checkedInt(x - y);
    case '*':
      return checkedInt(x * y);
    case '/':
      if (y === 0) throw new CelEvaluationError('division by zero');
      return checkedInt(Math.trunc(x / y));
    case '%':
      if (y === 0) throw new CelEvaluationError('modulus by zero');
      return x % y;
  }
}

/** cel-go prints doubles with Go's %g-style shortest form. */
function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

function codePoints(s: string): string[] {
  return [...s];
}

/** Rules match against a few fixed patterns on every write: each is compiled once. */
const toRegExp = memoize((pattern: string): RegExp => {
  let flags = 'u';
  let source = pattern;
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1] ?? '') {
      if (f === 'i' || f === 'm' || f === 's') flags += f;
      else throw new CelEvaluationError(`unsupported regex flag ${f}`);
    }
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new CelEvaluationError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
});

function asString(v: unknown): string {
  return typeof v === 'string' ? v : noOverload();
}

function asInt(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : noOverload();
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : noOverload();
}

class Evaluator {
  constructor(private readonly source: string) {}

  eval(e: CelExpr, env: Map<string, unknown>): unknown {
    switch (e.k) {
      case 'lit':
        return e.value;
      case 'ident':
        if (!env.has(e.name)) throw new UnsupportedCelError(this.source, `the unbound variable ${e.name}`);
        return fromJson(env.get(e.name));
      case 'select': {
        const target = this.eval(e.operand, env);
        if (!isMap(target)) return noOverload();
        const key = Object.hasOwn(target, e.field) ? e.field : unescapeCelFieldName(e.field);
        if (!Object.hasOwn(target, key)) throw new CelEvaluationError(`no such key: ${e.field}`);
        return fromJson(target[key]);
      }
      case 'has': {
        const target = this.eval(e.operand, env);
        if (!isMap(target)) return noOverload();
        return Object.hasOwn(target, e.field) || Object.hasOwn(target, unescapeCelFieldName(e.field));
      }
      case 'index': {
        const target = this.eval(e.operand, env);
        const index = this.eval(e.index, env);
        if (Array.isArray(target)) {
          if (!isNumeric(index)) return noOverload();
          const i = numericValue(index);
          if (!Number.isInteger(i)) return noOverload();
          if (i < 0 || i >= target.length) throw new CelEvaluationError(`index out of bounds: ${i}`);
          return fromJson(target[i]);
        }
        if (isMap(target)) {
          if (typeof index !== 'string') throw new CelEvaluationError(`no such key: ${String(toJson(index))}`);
          if (!Object.hasOwn(target, index)) throw new CelEvaluationError(`no such key: ${index}`);
          return fromJson(target[index]);
        }
        return noOverload();
      }
      case 'list':
        return e.items.map((item) => this.eval(item, env));
      case 'map': {
        const out: CelMap = {};
        for (const entry of e.entries) {
          const key = this.eval(entry.key, env);
          if (typeof key !== 'string') throw new UnsupportedCelError(this.source, 'map literals with non-string keys');
          if (Object.hasOwn(out, key)) throw new CelEvaluationError(`Failed with repeated key: ${key}`);
          out[key] = this.eval(entry.value, env);
        }
        return out;
      }
      case 'unary': {
        const v = this.eval(e.operand, env);
        if (e.op === '!') return typeof v === 'boolean' ? !v : noOverload();
        if (v instanceof CelDouble) return new CelDouble(-v.value);
        return typeof v === 'number' ? checkedInt(-v) : noOverload();
      }
      case 'cond': {
        const test = this.eval(e.test, env);
        if (typeof test !== 'boolean') return noOverload();
        return this.eval(test ? e.then : e.otherwise, env);
      }
      case 'binary':
        return this.binary(e.op, e.left, e.right, env);
      case 'call':
        return this.call(e.fn, e.target, e.args, env);
      case 'macro':
        return this.macro(e, env);
    }
  }

  /** CEL's && and || are commutative over errors: a definite answer on either side wins. */
  private logical(op: '&&' | '||', left: CelExpr, right: CelExpr, env: Map<string, unknown>): boolean {
    const decisive = op === '||';
    let firstError: CelEvaluationError | undefined;
    for (const side of [left, right]) {
      try {
        const v = this.eval(side, env);
        if (typeof v !== 'boolean') noOverload();
        if (v === decisive) return decisive;
      } catch (err) {
        if (!(err instanceof CelEvaluationError)) throw err;
        firstError ??= err;
      }
    }
    if (firstError) throw firstError;
    return !decisive;
  }

  private binary(op: string, leftExpr: CelExpr, rightExpr: CelExpr, env: Map<string, unknown>): unknown {
    if (op === '&&' || op === '||') return this.logical(op, leftExpr, rightExpr, env);
    const a = this.eval(leftExpr, env);
    const b = this.eval(rightExpr, env);
    switch (op) {
      case '==':
        return celEquals(a, b);
      case '!=':
        return !celEquals(a, b);
      case '<':
        return compare(a, b) < 0;
      case '<=':
        return compare(a, b) <= 0;
      case '>':
        return compare(a, b) > 0;
      case '>=':
        return compare(a, b) >= 0;
      case 'in':
        if (Array.isArray(b)) return b.some((x) => celEquals(a, fromJson(x)));
        if (isMap(b)) return typeof a === 'string' && Object.hasOwn(b, a);
        return noOverload();
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arithmetic(op, a, b);
      default:
        throw new UnsupportedCelError(this.source, `the operator ${op}`);
    }
  }

  private macro(e: Extract<CelExpr, { k: 'macro' }>, env: Map<string, unknown>): unknown {
    const range = this.eval(e.range, env);
    const elements = Array.isArray(range) ? range.map(fromJson) : isMap(range) ? Object.keys(range) : noOverload();
    const scoped = new Map(env);
    const test = (element: unknown): boolean => {
      scoped.set(e.variable, element);
      const v = this.eval(e.predicate, scoped);
      return typeof v === 'boolean' ? v : noOverload();
    };
    switch (e.kind) {
      case 'all':
      case 'exists': {
        const decisive = e.kind === 'exists';
        let firstError: CelEvaluationError | undefined;
        for (const element of elements) {
          try {
            if (test(element) === decisive) return decisive;
          } catch (err) {
            if (!(err instanceof CelEvaluationError)) throw err;
            firstError ??= err;
          }
        }
        if (firstError) throw firstError;
        return !decisive;
      }
      case 'exists_one':
        return elements.filter(test).length === 1;
      case 'filter':
        return elements.filter(test);
      case 'map': {
        const out: unknown[] = [];
        for (const element of elements) {
          if (!test(element)) continue;
          out.push(this.eval(e.transform as CelExpr, scoped));
        }
        return out;
      }
    }
  }

  private call(fn: string, targetExpr: CelExpr | undefined, argExprs: CelExpr[], env: Map<string, unknown>): unknown {
    const target = targetExpr === undefined ? undefined : this.eval(targetExpr, env);
    const args = argExprs.map((a) => this.eval(a, env));
    // Global forms take the receiver as their first argument.
    const [self, rest] = targetExpr === undefined ? [args[0], args.slice(1)] : [target, args];
    const arity = (...allowed: number[]): void => {
      if (!allowed.includes(rest.length) || (targetExpr === undefined && args.length === 0)) noOverload();
    };
    switch (fn) {
      case 'size':
        arity(0);
        if (typeof self === 'string') return codePoints(self).length;
        if (Array.isArray(self)) return self.length;
        if (isMap(self)) return Object.keys(self).length;
        return noOverload();
      case 'dyn':
        arity(0);
        return self;
      case 'string':
        arity(0);
        if (typeof self === 'string') return self;
        if (typeof self === 'boolean') return String(self);
        if (self instanceof CelDouble) return formatDouble(self.value);
        if (typeof self === 'number') return Number.isInteger(self) ? String(self) : formatDouble(self);
        return noOverload();
      case 'int':
        arity(0);
        if (typeof self === 'string') {
          if (!/^[+-]?\d+$/.test(self)) throw new CelEvaluationError(`cannot convert ${JSON.stringify(self)} to int`);
          return checkedInt(Number.parseInt(self, 10));
        }
        if (isNumeric(self)) {
          const n = numericValue(self);
          if (!Number.isFinite(n)) throw new CelEvaluationError('range error converting double to int');
          return checkedInt(Math.trunc(n));
        }
        return noOverload();
      case 'double':
        arity(0);
        if (isNumeric(self)) return new CelDouble(numericValue(self));
        if (typeof self === 'string') {
          const n = Number(self);
          if (self.trim() === '' || Number.isNaN(n)) throw new CelEvaluationError(`cannot convert ${JSON.stringify(self)} to double`);
          return new CelDouble(n);
        }
        return noOverload();
      case 'bool':
        arity(0);
        if (typeof self === 'boolean') return self;
        if (typeof self === 'string') {
          if (['true', 'True', 'TRUE', 't', '1'].includes(self)) return true;
          if (['false', 'False', 'FALSE', 'f', '0'].includes(self)) return false;
          throw new CelEvaluationError(`cannot convert ${JSON.stringify(self)} to bool`);
        }
        return noOverload();
      case 'matches':
        arity(1);
        return toRegExp(asString(rest[0])).test(asString(self));
      case 'startsWith':
        arity(1);
        return asString(self).startsWith(asString(rest[0]));
      case 'endsWith':
        arity(1);
        return asString(self).endsWith(asString(rest[0]));
      case 'contains':
        arity(1);
        return asString(self).includes(asString(rest[0]));
      case 'lowerAscii':
        arity(0);
        return asString(self).replace(/[A-Z]/g, (c) => c.toLowerCase());
      case 'upperAscii':
        arity(0);
        return asString(self).replace(/[a-z]/g, (c) => c.toUpperCase());
      case 'trim':
        arity(0);
        return asString(self).trim();
      case 'split': {
        arity(1, 2);
        const s = asString(self);
        const sep = asString(rest[0]);
        const limit = rest.length === 2 ? asInt(rest[1]) : -1;
        if (limit === 0) return [];
        const parts = sep === '' ? codePoints(s) : s.split(sep);
        if (limit < 0 || parts.length <= limit) return parts;
        return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
      }
      case 'join':
        arity(0, 1);
        return asList(self)
          .map(asString)
          .join(rest.length === 1 ? asString(rest[0]) : '');
      case 'replace': {
        arity(2, 3);
        const s = asString(self);
        const from = asString(rest[0]);
        const to = asString(rest[1]);
        const limit = rest.length === 3 ? asInt(rest[2]) : -1;
        if (limit < 0) return s.split(from).join(to);
        let out = s;
        let index = 0;
        for (let n = 0; n < limit; n++) {
          const at = out.indexOf(from, index);
          if (at < 0) break;
          out = out.slice(0, at) + to + out.slice(at + from.length);
          index = at + to.length;
        }
        return out;
      }
      case 'substring': {
        arity(1, 2);
        const chars = codePoints(asString(self));
        const start = asInt(rest[0]);
        const end = rest.length === 2 ? asInt(rest[1]) : chars.length;
        if (start < 0 || start > chars.length) throw new CelEvaluationError(`index out of range: ${start}`);
        if (end < start || end > chars.length) throw new CelEvaluationError(`index out of range: ${end}`);
        return chars.slice(start, end).join('');
      }
      case 'charAt': {
        arity(1);
        const chars = codePoints(asString(self));
        const i = asInt(rest[0]);
        if (i < 0 || i > chars.length) throw new CelEvaluationError(`index out of range: ${i}`);
        return chars[i] ?? '';
      }
      case 'indexOf':
      case 'lastIndexOf': {
        if (Array.isArray(self)) {
          arity(1);
          const found = self.map(fromJson).map((x) => celEquals(x, rest[0]));
          return fn === 'indexOf' ? found.indexOf(true) : found.lastIndexOf(true);
        }
        arity(1, 2);
        const chars = codePoints(asString(self));
        const needle = codePoints(asString(rest[0]));
        const matchesAt = (i: number): boolean => needle.every((c, j) => chars[i + j] === c);
        if (fn === 'indexOf') {
          const from = rest.length === 2 ? asInt(rest[1]) : 0;
          if (from < 0 || from > chars.length) throw new CelEvaluationError(`index out of range: ${from}`);
          for (let i = from; i + needle.length <= chars.length; i++) if (matchesAt(i)) return i;
          return -1;
        }
        const from = rest.length === 2 ? asInt(rest[1]) : chars.length - needle.length;
        if (from < 0 || from > chars.length) throw new CelEvaluationError(`index out of range: ${from}`);
        for (let i = Math.min(from, chars.length - needle.length); i >= 0; i--) if (matchesAt(i)) return i;
        return -1;
      }
      case 'isSorted': {
        arity(0);
        const list = asList(self).map(fromJson);
        return list.every((x, i) => i === 0 || compare(list[i - 1], x) <= 0);
      }
      case 'sum': {
        arity(0);
        return asList(self)
          .map(fromJson)
          .reduce<unknown>((acc, x) => arithmetic('+', acc, x), 0);
      }
      case 'min':
      case 'max': {
        arity(0);
        const list = asList(self).map(fromJson);
        if (list.length === 0) throw new CelEvaluationError(`${fn}(list) argument must not be empty`);
        return list.reduce((best, x) => ((fn === 'min' ? compare(x, best) < 0 : compare(x, best) > 0) ? x : best));
      }
      default:
        throw new UnsupportedCelError(this.source, `the function ${fn}()`);
    }
  }
}
