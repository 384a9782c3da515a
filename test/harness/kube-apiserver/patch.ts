/**
 * The patch algorithms kube-apiserver applies: JSON patch (RFC 6902, as evanphx/json-patch runs
 * it), JSON merge patch (RFC 7386), strategic merge patch for the built-in kinds the test server
 * stores, and (re-exported from server-side-apply.ts) server-side apply.
 *
 * Errors are PatchError with the HTTP status kube answers: 400 for a body that is not a patch at
 * all, 415 for a strategic merge patch on a kind that has no patch metadata (custom resources),
 * 422 for a patch that does not apply (kube's message for that is the generic "the server rejected
 * our request due to an error in our request"; the precise reason is in `detail`).
 */
import { cloneJson, isJsonObject, jsonEqual } from './kube-object.js';

export {
  applyConflictCauses,
  formatApplyConflicts,
  recordUpdateManager,
  serverSideApply,
  type ApplyConflict,
  type ManagedFieldsEntry,
} from './server-side-apply.js';

export class PatchError extends Error {
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: 400 | 409 | 415 | 422,
    /** What exactly failed, for logs and tests (kube does not show it for JSON patch). */
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

export const PATCH_REJECTED_MESSAGE = 'the server rejected our request due to an error in our request';

/** kube's 415 text for patch types a resource does not accept. */
const UNSUPPORTED_PATCH_MESSAGE =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

function rejected(detail: string): PatchError {
  return new PatchError(PATCH_REJECTED_MESSAGE, 422, detail);
}

// ---------------------------------------------------------------------------------------------
// JSON patch (RFC 6902)

export type JsonPatchOp = {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
};

function parsePointer(pointer: unknown, op: string): string[] {
  if (typeof pointer !== 'string') throw rejected(`${op} operation: path is missing or not a string`);
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw rejected(`${op} operation: JSON pointer must be empty or start with "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, pointer: string, op: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw rejected(`${op} operation does not apply: invalid array index ${JSON.stringify(token)} in ${pointer}`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw rejected(`${op} operation does not apply: index ${index} out of range in ${pointer}`);
  return index;
}

/** The container holding the last token of `tokens`, or a rejection naming the missing path. */
function parentOf(doc: unknown, tokens: string[], pointer: string, op: string): unknown {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) {
      const list: unknown[] = current;
      current = list[arrayIndex(token, list.length, false, pointer, op)];
    } else if (isJsonObject(current) && Object.hasOwn(current, token)) {
      current = current[token];
    } else {
      throw rejected(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
    }
  }
  if (!Array.isArray(current) && !isJsonObject(current)) {
    throw rejected(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
  }
  return current;
}

function getAt(doc: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer, op);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, pointer, op);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const list: unknown[] = parent;
    return list[arrayIndex(last, list.length, false, pointer, op)];
  }
  const record = parent as Record<string, unknown>;
  if (!Object.hasOwn(record, last)) throw rejected(`${op} operation does not apply: doc is missing key: ${pointer}: missing value`);
  return record[last];
}

function addAt(doc: unknown, pointer: string, value: unknown, op: string): unknown {
  const tokens = parsePointer(pointer, op);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer, op);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const list: unknown[] = parent;
    list.splice(arrayIndex(last, list.length, true, pointer, op), 0, value);
  } else {
    (parent as Record<string, unknown>)[last] = value;
  }
  return doc;
}

function removeAt(doc: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer, op);
  if (tokens.length === 0) throw rejected(`${op} operation does not apply: cannot remove the whole document`);
  const parent = parentOf(doc, tokens, pointer, op);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const list: unknown[] = parent;
    return list.splice(arrayIndex(last, list.length, false, pointer, op), 1)[0];
  }
  const record = parent as Record<string, unknown>;
  if (!Object.hasOwn(record, last)) throw rejected(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
  const removed = record[last];
  delete record[last];
  return removed;
}

function requireValue(raw: Record<string, unknown>, op: string): unknown {
  if (!Object.hasOwn(raw, 'value')) throw rejected(`${op} operation: missing value`);
  return raw.value;
}

/** RFC 6902 on a copy of `doc`; the whole patch applies or none of it does. */
export function applyJsonPatch(doc: unknown, ops: JsonPatchOp[]): unknown {
  const list: unknown = ops;
  if (!Array.isArray(list)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 400);
  let out = cloneJson(doc);
  for (const candidate of list as unknown[]) {
    if (!isJsonObject(candidate)) throw new PatchError('json: cannot unmarshal into Go value of type jsonpatch.Operation', 400);
    const op = candidate.op;
    switch (op) {
      case 'add':
        out = addAt(out, candidate.path as string, cloneJson(requireValue(candidate, op)), op);
        break;
      case 'remove':
        removeAt(out, candidate.path as string, op);
        break;
      case 'replace': {
        const value = cloneJson(requireValue(candidate, op));
        const tokens = parsePointer(candidate.path, op);
        if (tokens.length === 0) {
          out = value;
          break;
        }
        getAt(out, candidate.path as string, op);
        removeAt(out, candidate.path as string, op);
        out = addAt(out, candidate.path as string, value, op);
        break;
      }
      case 'move': {
        if (typeof candidate.from !== 'string') throw rejected('move operation: from is missing');
        const from = candidate.from;
        const path = candidate.path as string;
        if (path !== from && path.startsWith(`${from}/`)) throw rejected(`move operation does not apply: ${from} is a prefix of ${path}`);
        const value = removeAt(out, from, op);
        out = addAt(out, path, value, op);
        break;
      }
      case 'copy': {
        if (typeof candidate.from !== 'string') throw rejected('copy operation: from is missing');
        out = addAt(out, candidate.path as string, cloneJson(getAt(out, candidate.from, op)), op);
        break;
      }
      case 'test': {
        const expected = requireValue(candidate, op);
        let actual: unknown;
        try {
          actual = getAt(out, candidate.path as string, op);
        } catch (err) {
          // evanphx/json-patch lets a missing path pass a test for null.
          if (expected === null) break;
          throw err;
        }
        if (!jsonEqual(actual, expected)) throw rejected(`testing value ${String(candidate.path)} failed: test failed`);
        break;
      }
      default:
        throw rejected(`Unexpected kind: ${String(op)}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON merge patch (RFC 7386)

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value);
  }
  return out;
}

/** RFC 7386: objects merge, null deletes, everything else (arrays included) replaces. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return mergeInto(cloneJson(doc), patch);
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch

/** How strategic merge treats one list field: merged by a key of its items, or as a set of primitives. */
export type ListStrategy = { mergeKey: string } | { primitives: true };

/** A kind's list strategies by dotted field path (its own fields; object metadata's are added here). */
export type StrategicMergeLists = Readonly<Record<string, ListStrategy>>;

/** The list strategies of object metadata, which every kind has, by dotted field path. */
const OBJECT_META_LISTS: Record<string, ListStrategy> = {
  'metadata.ownerReferences': { mergeKey: 'uid' },
  'metadata.finalizers': { primitives: true },
};

const DELETE_MAP = Symbol('delete map');

function isDirective(key: string): boolean {
  return key.startsWith('$');
}

/** A patch fragment stored as a value: directives removed. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return (value as unknown[]).filter((item) => !(isJsonObject(item) && item.$patch !== undefined && Object.keys(item).length === 1)).map(stripDirectives);
  }
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!isDirective(k) && v !== null) out[k] = stripDirectives(v);
  return out;
}

class StrategicMerger {
  constructor(private readonly lists: StrategicMergeLists) {}

  strategy(path: string[]): ListStrategy | undefined {
    const joined = path.join('.');
    return OBJECT_META_LISTS[joined] ?? this.lists[joined];
  }

  mergeMap(original: unknown, patch: Record<string, unknown>, path: string[]): unknown {
    const directive = patch.$patch;
    if (directive === 'delete') return DELETE_MAP;
    if (directive === 'replace') return stripDirectives(patch);
    if (directive !== undefined && directive !== 'merge') throw rejected(`unknown patch type: ${JSON.stringify(directive)} in map`);
    const out: Record<string, unknown> = isJsonObject(original) ? cloneJson(original) : {};
    const orders = new Map<string, unknown[]>();
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$deleteFromPrimitiveList/')) {
        const field = key.slice('$deleteFromPrimitiveList/'.length);
        if (!Array.isArray(value)) throw rejected(`${key} must be a list`);
        const current = out[field];
        if (Array.isArray(current)) {
          const drop: unknown[] = value;
          out[field] = (current as unknown[]).filter((item) => !drop.some((d) => jsonEqual(d, item)));
        }
      } else if (key.startsWith('$setElementOrder/')) {
        if (!Array.isArray(value)) throw rejected(`${key} must be a list`);
        orders.set(key.slice('$setElementOrder/'.length), value as unknown[]);
      }
    }
    for (const [key, value] of Object.entries(patch)) {
      if (isDirective(key)) continue;
      if (value === null) {
        delete out[key];
        continue;
      }
      const fieldPath = [...path, key];
      if (isJsonObject(value)) {
        const merged = this.mergeMap(out[key], value, fieldPath);
        if (merged === DELETE_MAP) delete out[key];
        else out[key] = merged;
      } else if (Array.isArray(value)) {
        out[key] = this.mergeList(out[key], value as unknown[], fieldPath);
      } else {
        out[key] = value;
      }
    }
    for (const [field, order] of orders) {
      const list = out[field];
      if (Array.isArray(list)) out[field] = this.reorder(list as unknown[], order, [...path, field]);
    }
    const retain = patch.$retainKeys;
    if (retain !== undefined) {
      if (!Array.isArray(retain)) throw rejected('$retainKeys must be a list');
      const keep = new Set((retain as unknown[]).map(String));
      for (const key of Object.keys(out)) if (!keep.has(key)) delete out[key];
    }
    return out;
  }

  mergeList(original: unknown, patch: unknown[], path: string[]): unknown[] {
    const strategy = this.strategy(path);
    const replaceAll = patch.some((item) => isJsonObject(item) && item.$patch === 'replace');
    if (!strategy || replaceAll) return stripDirectives(patch) as unknown[];
    const current: unknown[] = Array.isArray(original) ? cloneJson(original as unknown[]) : [];
    if ('primitives' in strategy) {
      for (const item of patch) {
        if (!isJsonObject(item) && !current.some((existing) => jsonEqual(existing, item))) current.push(item);
      }
      return current;
    }
    const key = strategy.mergeKey;
    for (const item of patch) {
      if (!isJsonObject(item)) throw rejected(`${path.join('.')}: list items must be objects with the merge key ${key}`);
      if (!Object.hasOwn(item, key)) throw rejected(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
      const index = current.findIndex((existing) => isJsonObject(existing) && jsonEqual(existing[key], item[key]));
      if (item.$patch === 'delete') {
        if (index >= 0) current.splice(index, 1);
        continue;
      }
      if (index >= 0) current[index] = this.mergeMap(current[index], item, path);
      else current.push(stripDirectives(item));
    }
    return current;
  }

  /** $setElementOrder: listed items first in that order, the rest after in their own order. */
  reorder(list: unknown[], order: unknown[], path: string[]): unknown[] {
    const strategy = this.strategy(path);
    const identity = (item: unknown): unknown => (strategy && 'mergeKey' in strategy && isJsonObject(item) ? item[strategy.mergeKey] : item);
    const orderIds = order.map(identity);
    const listed = orderIds.flatMap((id) => list.filter((item) => jsonEqual(identity(item), id)));
    const rest = list.filter((item) => !orderIds.some((id) => jsonEqual(identity(item), id)));
    return [...listed, ...rest];
  }
}

/** Strategic merge patch for a kind with `lists` (built-ins); without them (custom resources), kube's 415. */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, lists: StrategicMergeLists | undefined): unknown {
  if (!lists) throw new PatchError(UNSUPPORTED_PATCH_MESSAGE, 415);
  if (!isJsonObject(patch)) throw new PatchError('json: cannot unmarshal array into Go value of type map[string]interface {}', 400);
  const merged = new StrategicMerger(lists).mergeMap(doc, patch, []);
  return merged === DELETE_MAP ? {} : merged;
}
