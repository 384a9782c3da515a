/**
 * Label selectors in the string form list/watch take (`a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3`),
 * parsed and matched the way k8s.io/apimachinery/pkg/labels does.
 */
import { badRequest } from './status-errors.js';

export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, selector: string): string {
  if (!keyPattern.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!valuePattern.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value: "${value}" in selector "${selector}"`);
  }
  return value;
}

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector) return [];
  const requirements: LabelSelector = [];
  for (const part of splitTopLevel(selector)) {
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (setMatch) {
      const [, key = '', op, rawValues = ''] = setMatch;
      const values = rawValues
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
        .map((v) => checkValue(v, selector));
      requirements.push({ key: checkKey(key, selector), op: op === 'in' ? 'in' : 'notin', values });
      continue;
    }
    const cmpMatch = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(part);
    if (cmpMatch) {
      const [, key = '', op, value = ''] = cmpMatch;
      checkKey(key, selector);
      if (op === '>' || op === '<') {
        const n = Number(value.trim());
        if (!/^-?\d+$/.test(value.trim())) {
          throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        }
        requirements.push({ key, op: op === '>' ? 'gt' : 'lt', value: n });
      } else {
        const v = checkValue(value.trim(), selector);
        requirements.push({ key, op: op === '!=' ? 'notin' : 'in', values: [v] });
      }
      continue;
    }
    if (part.startsWith('!')) {
      requirements.push({ key: checkKey(part.slice(1).trim(), selector), op: '!' });
      continue;
    }
    requirements.push({ key: checkKey(part, selector), op: 'exists' });
  }
  return requirements;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((req) => {
    const has = Object.hasOwn(l, req.key);
    const value = l[req.key];
    switch (req.op) {
      case 'in':
        return has && req.values.includes(value ?? '');
      case 'notin':
        return !has || !req.values.includes(value ?? '');
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value ?? '')) return false;
        const n = Number(value);
        return req.op === 'gt' ? n > req.value : n < req.value;
      }
    }
    return false;
  });
}
