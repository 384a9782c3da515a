/**
 * Field selectors (`metadata.name=x,metadata.namespace!=y`). Each resource declares which field labels it
 * supports, as kube-apiserver's per-kind GetAttrs does; any other label is a 400.
 */
import type { KubeObject } from './kube-object.js';
import { badRequest } from './status-errors.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

/** Reads one field label's value from an object. */
export type FieldLabelReader = (obj: KubeObject) => string | undefined;

export function parseFieldSelector(selector: string | undefined, supported: ReadonlyMap<string, FieldLabelReader>): FieldSelector {
  if (!selector) return [];
  const out: FieldSelector = [];
  for (const raw of selector.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [, field = '', op, value = ''] = m;
    if (!supported.has(field)) {
      const known = [...supported.keys()].map((k) => `"${k}"`).join(', ');
      throw badRequest(`"${field}" is not a known field selector: only ${known}`);
    }
    out.push({ field, op: op === '!=' ? '!=' : '=', value });
  }
  return out;
}

export function matchesFields(selector: FieldSelector, obj: KubeObject, readers: ReadonlyMap<string, FieldLabelReader>): boolean {
  return selector.every((req) => {
    const actual = readers.get(req.field)?.(obj) ?? '';
    return req.op === '=' ? actual === req.value : actual !== req.value;
  });
}

/** The two field labels every resource supports. */
export function metadataFieldLabels(): Map<string, FieldLabelReader> {
  return new Map<string, FieldLabelReader>([
    ['metadata.name', (o) => o.metadata.name],
    ['metadata.namespace', (o) => o.metadata.namespace],
  ]);
}
