/**
 * The JSONPath subset CRD additionalPrinterColumns use: field steps (`.a.b`, `['a.b']`), indexes (`[0]`),
 * wildcards (`[*]`) and filters on array elements (`[?(@.type=="Ready")]`, with ==, !=, <, <=, >, >=, or a
 * bare `@.field` for existence).
 */
import { isJsonObject } from './kube-object.js';
import { memoize } from './memoize.js';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Step[]; op?: string; literal?: string | number | boolean };

export class JsonPathError extends Error {
  constructor(path: string, why: string) {
    super(`unsupported JSONPath ${JSON.stringify(path)}: ${why}`);
    this.name = 'JsonPathError';
  }
}

function parseLiteral(text: string): string | number | boolean {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  return t;
}

function parseJsonPath(path: string): Step[] {
  let text = path.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('$')) text = text.slice(1);
  if (text.startsWith('@')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      if (text[i + 1] === '.') throw new JsonPathError(path, 'recursive descent is not supported');
      let j = i + 1;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const name = text.slice(i + 1, j);
      if (name === '*') steps.push({ kind: 'wildcard' });
      else if (name) steps.push({ kind: 'field', name });
      i = j;
    } else if (ch === '[') {
      const close = findClose(text, i);
      if (close < 0) throw new JsonPathError(path, 'unclosed [');
      const inner = text.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(['"]).*\1$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(path, inner.slice(2, -1)));
      else throw new JsonPathError(path, `cannot read [${inner}]`);
    } else if (ch === ' ') {
      i++;
    } else {
      // A leading field without a dot (`spec.x`) is accepted like kubectl's relaxed syntax.
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      steps.push({ kind: 'field', name: text.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

function findClose(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function parseFilter(path: string, expr: string): Step {
  const m = /^@((?:\.[^\s=!<>]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr.trim());
  if (m) {
    const [, sub = '', op, literal = ''] = m;
    return { kind: 'filter', path: parseJsonPath(sub), op: op ?? '==', literal: parseLiteral(literal) };
  }
  const exists = /^@((?:\.[^\s]+)*)$/.exec(expr.trim());
  if (exists) return { kind: 'filter', path: parseJsonPath(exists[1] ?? '') };
  throw new JsonPathError(path, `cannot read filter ${expr}`);
}

function compare(a: unknown, op: string, b: string | number | boolean): boolean {
  switch (op) {
    case '==':
      return a === b || (typeof a === 'number' && typeof b === 'string' && String(a) === b);
    case '!=':
      return !(a === b || (typeof a === 'number' && typeof b === 'string' && String(a) === b));
    default: {
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      if (op === '<') return a < b;
      if (op === '<=') return a <= b;
      if (op === '>') return a > b;
      return a >= b;
    }
  }
}

function applySteps(nodes: unknown[], steps: Step[]): unknown[] {
  let current = nodes;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if (step.kind === 'field') {
        if (isJsonObject(node) && Object.hasOwn(node, step.name)) next.push(node[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(node)) {
          const idx = step.index < 0 ? node.length + step.index : step.index;
          if (idx >= 0 && idx < node.length) next.push(node[idx]);
        }
      } else if (step.kind === 'wildcard') {
        if (Array.isArray(node)) next.push(...(node as unknown[]));
        else if (isJsonObject(node)) next.push(...Object.values(node));
      } else {
        const items: unknown[] = Array.isArray(node) ? (node as unknown[]) : [node];
        for (const item of items) {
          const found = applySteps([item], step.path);
          if (step.op === undefined) {
            if (found.length > 0) next.push(item);
          } else if (found.some((v) => compare(v, step.op ?? '==', step.literal ?? ''))) {
            next.push(item);
          }
        }
      }
    }
    current = next;
  }
  return current;
}

/** A CRD's few columns and selectable fields are read for every row and watch event: parse each once. */
const parsedPath = memoize(parseJsonPath);

/** All values the path selects in `data` (empty when nothing matches). */
export function evaluateJsonPath(path: string, data: unknown): unknown[] {
  return applySteps([data], parsedPath(path));
}
