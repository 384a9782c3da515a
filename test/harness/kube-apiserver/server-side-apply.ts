/**
 * Server-side apply and managedFields bookkeeping, after kube-apiserver's field manager
 * (structured-merge-diff), reduced to what a test server needs:
 *
 * - A field set is a set of paths written as FieldsV1 keys: `f:<field>`, `k:{"name":"x"}` for items
 *   of lists with map keys, `v:<json>` for set items. Lists with neither are atomic (one leaf).
 *   Which lists are maps or sets comes from `listMapKeys` (an empty key list means a set) plus
 *   ObjectMeta's own: ownerReferences keyed by uid, finalizers a set.
 * - Apply: the applier's new set is the applied config's paths; the applied values are merged into
 *   the live object; fields the applier owned before and no longer applies are removed unless
 *   another manager owns them. A path the applier sets, that another manager (Apply or Update)
 *   owns, and whose value the apply would change, is a conflict; with force the applier takes it.
 * - Update (PUT/PATCH/create with a fieldManager): the manager gains every path whose value it
 *   changed or added; every other manager loses those paths and the removed ones.
 *
 * Simplified: objects never get a `.` self entry except list items (kube adds one for granular
 * maps); null in an applied config just leaves the field out of the applier's set; items of a set
 * must be scalars (other sets are treated as atomic); $setElementOrder-style reordering of list
 * items is not done (live order is kept, new items appended); the caller resets fields a
 * subresource does not own (e.g. status on the main resource) before calling.
 */
import { cloneJson, isJsonObject, jsonEqual, nowTimestamp } from './kube-object.js';
import { goQuote } from './schema-field-errors.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: unknown;
  subresource?: string;
}

export interface ApplyConflict {
  manager: string;
  /** The path as kube prints it: `.spec.x`, `.spec.items[name="a"].value`. */
  field: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/** Tells which lists are associative: field names from the root (list items skipped). */
export type ListMapKeys = (path: string[]) => string[] | undefined;

export interface ServerSideApplyArgs {
  live: unknown;
  applied: unknown;
  manager: string;
  force: boolean;
  managedFields: ManagedFieldsEntry[];
  apiVersion: string;
  listMapKeys?: ListMapKeys;
  subresource?: string;
  /** Clock for entry times (tests). */
  now?: Date;
}

export interface ServerSideApplyResult {
  object: unknown;
  managedFields: ManagedFieldsEntry[];
  conflicts: ApplyConflict[];
}

type FieldPath = readonly string[];
type FieldSet = Map<string, FieldPath>;

type ListKind = { kind: 'map'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

/** Fields kube never tracks ownership of. */
const UNTRACKED = new Set([
  'f:apiVersion',
  'f:kind',
  'f:metadata/f:name',
  'f:metadata/f:namespace',
  'f:metadata/f:uid',
  'f:metadata/f:resourceVersion',
  'f:metadata/f:generation',
  'f:metadata/f:creationTimestamp',
  'f:metadata/f:selfLink',
  'f:metadata/f:managedFields',
  'f:metadata/f:clusterName',
]);

function setKey(path: FieldPath): string {
  return JSON.stringify(path);
}

function listKindAt(names: string[], listMapKeys: ListMapKeys | undefined): ListKind {
  const joined = names.join('.');
  if (joined === 'metadata.ownerReferences') return { kind: 'map', keys: ['uid'] };
  if (joined === 'metadata.finalizers') return { kind: 'set' };
  const keys = listMapKeys?.(names);
  if (keys === undefined) return { kind: 'atomic' };
  return keys.length === 0 ? { kind: 'set' } : { kind: 'map', keys };
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function sortedKeyObject(item: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...keys].sort()) out[k] = item[k];
  return out;
}

function itemElement(item: unknown, list: ListKind): string | undefined {
  if (list.kind === 'map') {
    if (!isJsonObject(item) || !list.keys.every((k) => Object.hasOwn(item, k))) return undefined;
    return `k:${JSON.stringify(sortedKeyObject(item, list.keys))}`;
  }
  if (list.kind === 'set') return isScalar(item) ? `v:${JSON.stringify(item)}` : undefined;
  return undefined;
}

/** Whether every item of `list` can be addressed by key (else the list is handled atomically). */
function addressable(list: unknown[], kind: ListKind): boolean {
  return kind.kind !== 'atomic' && list.every((item) => itemElement(item, kind) !== undefined);
}

/** The set of paths present in `value` (leaves, list items, empty objects). */
function fieldSetOf(value: unknown, listMapKeys?: ListMapKeys): FieldSet {
  const set: FieldSet = new Map();
  const add = (path: FieldPath): void => {
    if (path.length > 0 && !UNTRACKED.has(path.join('/'))) set.set(setKey(path), path);
  };
  const walk = (v: unknown, path: string[], names: string[]): void => {
    if (UNTRACKED.has(path.join('/'))) return;
    if (isJsonObject(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      if (keys.length === 0) add(path);
      for (const k of keys) walk(v[k], [...path, `f:${k}`], [...names, k]);
      return;
    }
    if (Array.isArray(v)) {
      const list: unknown[] = v;
      const kind = listKindAt(names, listMapKeys);
      if (!addressable(list, kind)) {
        add(path);
        return;
      }
      for (const item of list) {
        const itemPath = [...path, itemElement(item, kind) as string];
        add(itemPath);
        if (kind.kind === 'map' && isJsonObject(item)) {
          for (const k of Object.keys(item)) walk(item[k], [...itemPath, `f:${k}`], [...names, k]);
        }
      }
      return;
    }
    add(path);
  };
  walk(value, [], []);
  return set;
}

/** FieldsV1 JSON (`{"f:spec":{"f:x":{}}}`) of a field set. */
function toFieldsV1(set: FieldSet): Record<string, unknown> {
  interface Node {
    self: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { self: false, children: new Map() };
  for (const path of set.values()) {
    let node = root;
    for (const element of path) {
      let next = node.children.get(element);
      if (!next) {
        next = { self: false, children: new Map() };
        node.children.set(element, next);
      }
      node = next;
    }
    node.self = true;
  }
  const order = (e: string): number => ['f', 'k', 'v', 'i'].indexOf(e[0] ?? 'f');
  const render = (node: Node): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (node.self && node.children.size > 0) out['.'] = {};
    const keys = [...node.children.keys()].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) out[key] = render(node.children.get(key) as Node);
    return out;
  };
  return render(root);
}

function fromFieldsV1(fields: unknown): FieldSet {
  const set: FieldSet = new Map();
  const walk = (node: unknown, path: string[]): void => {
    if (!isJsonObject(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0 && path.length > 0) set.set(setKey(path), path);
    for (const key of keys) {
      if (key === '.') set.set(setKey(path), path);
      else walk(node[key], [...path, key]);
    }
  };
  walk(fields, []);
  return set;
}

/** kube's printed form of a path: `.spec.items[name="a"].value`, `.metadata.finalizers[="x"]`. */
function renderFieldPath(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      switch (element[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const key = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

/** The value at `path`, or undefined when absent. */
function valueAt(obj: unknown, path: FieldPath): unknown {
  let current: unknown = obj;
  for (const element of path) {
    const body = element.slice(2);
    if (element.startsWith('f:')) {
      if (!isJsonObject(current) || !Object.hasOwn(current, body)) return undefined;
      current = current[body];
    } else if (element.startsWith('k:')) {
      if (!Array.isArray(current)) return undefined;
      const key = JSON.parse(body) as Record<string, unknown>;
      current = (current as unknown[]).find((item) => isJsonObject(item) && Object.entries(key).every(([k, v]) => jsonEqual(item[k], v)));
    } else if (element.startsWith('v:')) {
      if (!Array.isArray(current)) return undefined;
      const wanted: unknown = JSON.parse(body);
      current = (current as unknown[]).find((item) => jsonEqual(item, wanted));
    } else {
      if (!Array.isArray(current)) return undefined;
      current = (current as unknown[])[Number(body)];
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** Removes the field or list item at `path` from `obj` (in place). */
function removeAt(obj: unknown, path: FieldPath): void {
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last === undefined) return;
  const body = last.slice(2);
  if (last.startsWith('f:')) {
    if (isJsonObject(parent)) delete parent[body];
    return;
  }
  if (!Array.isArray(parent)) return;
  const list = parent as unknown[];
  const target = valueAt(obj, path);
  const index = list.indexOf(target);
  if (index >= 0) list.splice(index, 1);
}

/** A change at `path` between two objects: presence for list items and objects, value for leaves. */
function changedAt(before: unknown, after: unknown, path: FieldPath): boolean {
  const a = valueAt(before, path);
  const b = valueAt(after, path);
  if (a === undefined || b === undefined) return a !== b;
  const last = path[path.length - 1] ?? '';
  if (last.startsWith('k:') || last.startsWith('v:')) return false;
  if (isJsonObject(a) && isJsonObject(b)) return false;
  return !jsonEqual(a, b);
}

function mergeApplied(live: unknown, applied: unknown, names: string[], listMapKeys: ListMapKeys | undefined): unknown {
  if (isJsonObject(applied)) {
    const out: Record<string, unknown> = isJsonObject(live) ? cloneJson(live) : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null || v === undefined) continue;
      out[k] = mergeApplied(isJsonObject(live) ? live[k] : undefined, v, [...names, k], listMapKeys);
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const items: unknown[] = applied;
    const kind = listKindAt(names, listMapKeys);
    const liveItems: unknown[] = Array.isArray(live) ? (live as unknown[]) : [];
    if (!addressable(items, kind) || !addressable(liveItems, kind)) return cloneJson(items);
    const out = cloneJson(liveItems);
    for (const item of items) {
      const element = itemElement(item, kind);
      const index = out.findIndex((existing) => itemElement(existing, kind) === element);
      if (index < 0) out.push(mergeApplied(undefined, item, names, listMapKeys));
      else if (kind.kind === 'map') out[index] = mergeApplied(out[index], item, names, listMapKeys);
    }
    return out;
  }
  return cloneJson(applied);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return (value as unknown[]).map(withoutNulls);
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  return out;
}

function sameIdentity(entry: ManagedFieldsEntry, manager: string, operation: 'Apply' | 'Update', subresource: string | undefined): boolean {
  return entry.manager === manager && entry.operation === operation && (entry.subresource ?? '') === (subresource ?? '');
}

function entrySeconds(entry: ManagedFieldsEntry): number {
  const t = Date.parse(entry.time);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** kube's order: Apply before Update, then by time, manager, apiVersion, subresource. */
function sortManagedFields(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...entries].sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      entrySeconds(p) - entrySeconds(q) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

interface WorkingEntry {
  entry: ManagedFieldsEntry;
  set: FieldSet;
  changed: boolean;
}

/** Only the acting manager's entry gets a new time; others just lose the fields taken from them. */
function finish(working: WorkingEntry[], acting: WorkingEntry | undefined, time: string): ManagedFieldsEntry[] {
  return sortManagedFields(
    working
      .filter((w) => w.set.size > 0)
      .map((w) => (w.changed ? { ...w.entry, ...(w === acting ? { time } : {}), fieldsV1: toFieldsV1(w.set) } : w.entry)),
  );
}

function isProperPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return path.length > prefix.length && prefix.every((e, i) => path[i] === e);
}

/** Applies `applied` for `manager`; returns conflicts (and the live object untouched) unless forced. */
export function serverSideApply(args: ServerSideApplyArgs): ServerSideApplyResult {
  const time = nowTimestamp(args.now);
  const applied = withoutNulls(args.applied);
  const working: WorkingEntry[] = args.managedFields.map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1), changed: false }));
  if (args.live !== undefined && working.length === 0) {
    // Objects written before field tracking are attributed to one legacy manager, as kube does.
    working.push({
      entry: { manager: 'before-first-apply', operation: 'Update', apiVersion: args.apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: {} },
      set: fieldSetOf(args.live, args.listMapKeys),
      changed: true,
    });
  }
  let mine = working.find((w) => sameIdentity(w.entry, args.manager, 'Apply', args.subresource));
  const previous: FieldSet = mine ? mine.set : new Map<string, FieldPath>();
  const next = fieldSetOf(applied, args.listMapKeys);
  const merged = mergeApplied(args.live, applied, [], args.listMapKeys);

  const conflicts: ApplyConflict[] = [];
  const conflicting = new Map<WorkingEntry, FieldPath[]>();
  for (const other of working) {
    if (other === mine) continue;
    for (const [key, path] of next) {
      if (!other.set.has(key) || !changedAt(args.live, merged, path)) continue;
      conflicts.push({
        manager: other.entry.manager,
        field: renderFieldPath(path),
        operation: other.entry.operation,
        apiVersion: other.entry.apiVersion,
        ...(other.entry.subresource ? { subresource: other.entry.subresource } : {}),
      });
      conflicting.set(other, [...(conflicting.get(other) ?? []), path]);
    }
  }
  if (conflicts.length > 0 && !args.force) {
    return { object: args.live, managedFields: args.managedFields, conflicts: sortConflicts(conflicts) };
  }
  for (const [other, paths] of conflicting) {
    for (const path of paths) other.set.delete(setKey(path));
    other.changed = true;
  }

  const ownedByOthers: FieldPath[] = working.filter((w) => w !== mine).flatMap((w) => [...w.set.values()]);
  const ownedKeys = new Set(ownedByOthers.map(setKey));
  const dropped = [...previous].filter(([key]) => !next.has(key)).map(([, path]) => path);
  // Parents first: removing a list item takes its fields with it, and keys stay findable.
  dropped.sort((a, b) => a.length - b.length);
  for (const path of dropped) {
    if (ownedKeys.has(setKey(path)) || ownedByOthers.some((owned) => isProperPrefix(path, owned))) continue;
    removeAt(merged, path);
  }

  if (!mine) {
    mine = {
      entry: { manager: args.manager, operation: 'Apply', apiVersion: args.apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: {} },
      set: next,
      changed: true,
    };
    if (args.subresource) mine.entry.subresource = args.subresource;
    working.push(mine);
  } else {
    mine.set = next;
    mine.entry = { ...mine.entry, apiVersion: args.apiVersion };
    mine.changed = true;
  }
  return { object: merged, managedFields: finish(working, mine, time), conflicts: [] };
}

/** Ownership after a non-apply write (create, update, patch) by `manager`. */
export function recordUpdateManager(args: {
  before: unknown;
  after: unknown;
  manager: string;
  managedFields: ManagedFieldsEntry[];
  apiVersion: string;
  subresource?: string;
  listMapKeys?: ListMapKeys;
  now?: Date;
}): ManagedFieldsEntry[] {
  const time = nowTimestamp(args.now);
  const afterSet = fieldSetOf(args.after, args.listMapKeys);
  const beforeSet = args.before === undefined ? new Map<string, FieldPath>() : fieldSetOf(args.before, args.listMapKeys);
  const changed = [...afterSet].filter(([key, path]) => !beforeSet.has(key) || changedAt(args.before, args.after, path));
  const removed = [...beforeSet].filter(([key]) => !afterSet.has(key));
  const touched = new Set([...changed, ...removed].map(([key]) => key));

  const working: WorkingEntry[] = args.managedFields.map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1), changed: false }));
  let mine = working.find((w) => sameIdentity(w.entry, args.manager, 'Update', args.subresource));
  for (const w of working) {
    if (w === mine) continue;
    for (const key of touched) {
      if (w.set.delete(key)) w.changed = true;
    }
  }
  if (changed.length > 0 || (mine && removed.some(([key]) => mine?.set.has(key)))) {
    if (!mine) {
      mine = {
        entry: { manager: args.manager, operation: 'Update', apiVersion: args.apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: {} },
        set: new Map(),
        changed: true,
      };
      if (args.subresource) mine.entry.subresource = args.subresource;
      working.push(mine);
    }
    for (const [key] of removed) mine.set.delete(key);
    for (const [key, path] of changed) mine.set.set(key, path);
    mine.entry = { ...mine.entry, apiVersion: args.apiVersion };
    mine.changed = true;
  }
  return finish(working, mine, time);
}

function managerIdentity(c: ApplyConflict): string {
  return JSON.stringify({
    manager: c.manager,
    operation: c.operation ?? 'Apply',
    ...(c.operation === 'Update' ? { apiVersion: c.apiVersion ?? '' } : {}),
    ...(c.subresource ? { subresource: c.subresource } : {}),
  });
}

function sortConflicts(conflicts: ApplyConflict[]): ApplyConflict[] {
  return [...conflicts].sort((a, b) => {
    const ma = managerIdentity(a);
    const mb = managerIdentity(b);
    if (ma !== mb) return ma < mb ? -1 : 1;
    return a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
  });
}

/** `"kubectl" using v1`, as kube names a manager in conflict messages. */
function describeManager(c: ApplyConflict): string {
  let out = goQuote(c.manager);
  if (c.subresource) out += ` with subresource ${goQuote(c.subresource)}`;
  if (c.operation === 'Update') out += ` using ${c.apiVersion ?? ''}`;
  return out;
}

/** The message of kube's 409 for an apply with conflicts. */
export function formatApplyConflicts(conflicts: ApplyConflict[]): string {
  if (conflicts.length === 1) {
    const [only] = conflicts as [ApplyConflict];
    return `Apply failed with 1 conflict: conflict with ${describeManager(only)}: ${only.field}`;
  }
  const groups = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) groups.set(managerIdentity(c), [...(groups.get(managerIdentity(c)) ?? []), c]);
  const lines: string[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key) ?? [];
    lines.push(`conflicts with ${describeManager(group[0] as ApplyConflict)}:`);
    for (const c of group) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** details.causes of that 409: one FieldManagerConflict per conflicting field. */
export function applyConflictCauses(conflicts: ApplyConflict[]): { reason: string; message: string; field: string }[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c)}`, field: c.field }));
}
