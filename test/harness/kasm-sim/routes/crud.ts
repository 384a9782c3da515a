import { z } from 'zod';
import { normaliseId } from '../ids.js';
import { definedFields } from '../defined-fields.js';
import { idField, isObject, parse, parseWrapped, wrapper } from '../payload.js';
import type { Payload } from '../payload.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import type { SimState } from '../state.js';
import { requireRecord } from './lookups.js';

/**
 * Kinds served under the classic verbs create_/update_/delete_/get_<kind> and get_<kind>s: every
 * request carries a `target_<kind>` wrapper (the id as `<kind>_id`), every reply is `{"<kind>": ...}`
 * or `{"<kind>s": [...]}`. A kind says only how its records are made, changed, removed and shown;
 * an update or delete of an unknown id is "<thing> not found" before its fields are read.
 */
export interface CrudKind<R, C extends z.ZodType = z.ZodType, U extends z.ZodType<object> = z.ZodType<object>> {
  /** e.g. `cast_config` */
  readonly kind: string;
  /** e.g. "Cast config", for "<thing> not found". */
  readonly thing: string;
  readonly permissions: { readonly view: readonly string[]; readonly modify: readonly string[] };
  records(state: SimState): ReadonlyMap<string, R>;
  /** What a create's `target_<kind>` object must hold; it is parsed before `create` runs. */
  readonly createFields: C;
  /** What an update's `target_<kind>` object may hold; parsed after the record is found. */
  readonly updateFields: U;
  /** Checks the parsed fields and adds the record. */
  create(state: SimState, fields: z.output<C>): R;
  /** Checks and applies the fields sent (those not sent are absent). */
  update(state: SimState, record: R, changes: Partial<z.output<U>>): void;
  remove(state: SimState, id: string): void;
  view(record: R, state: SimState): Record<string, unknown>;
  /** Id fields that narrow get_<kind>s when sent in its optional wrapper. */
  readonly filterKeys?: readonly (keyof R & string)[];
  /** Where get_<kind>, update_<kind> and delete_<kind> find the id; inside the wrapper by default. */
  readonly idOf?: (payload: Payload) => string;
}

/** True when every filter key sent names the same id as the record holds. */
function matchesFilter<R>(record: R, filter: Payload, keys: readonly (keyof R & string)[]): boolean {
  return keys.every((key) => {
    const wanted = filter[key];
    if (wanted === undefined || wanted === null) return true;
    return typeof wanted === 'string' && normaliseId(wanted) === record[key];
  });
}

export function crudRoutes<R, C extends z.ZodType, U extends z.ZodType<object>>(spec: CrudKind<R, C, U>): SimRoute[] {
  const { kind, thing, permissions } = spec;
  const wrapperKey = `target_${kind}`;
  const idKey = `${kind}_id`;
  const refSchema = z.object({ [idKey]: idField });
  // The schema requires the id; zod cannot type a computed key, hence the fallback.
  const idOf = spec.idOf ?? ((payload: Payload) => parseWrapped(payload, wrapperKey, refSchema)[idKey] ?? '');
  const filterKeys = spec.filterKeys ?? [];
  const read = { permissions: permissions.view, write: false };
  const change = { permissions: permissions.modify, write: true };
  return [
    {
      name: `get_${kind}s`,
      path: publicPath(`get_${kind}s`),
      ...read,
      handle({ payload, state }) {
        const filter = payload[wrapperKey];
        const all = [...spec.records(state).values()];
        const chosen = isObject(filter) ? all.filter((record) => matchesFilter(record, filter, filterKeys)) : all;
        return json({ [`${kind}s`]: chosen.map((record) => spec.view(record, state)) });
      },
    },
    {
      name: `get_${kind}`,
      path: publicPath(`get_${kind}`),
      ...read,
      handle({ payload, state }) {
        return json({ [kind]: spec.view(requireRecord(spec.records(state), idOf(payload), thing), state) });
      },
    },
    {
      name: `create_${kind}`,
      path: publicPath(`create_${kind}`),
      ...change,
      handle({ payload, state }) {
        const fields = parse(spec.createFields, wrapper(payload, wrapperKey), wrapperKey);
        return json({ [kind]: spec.view(spec.create(state, fields), state) });
      },
    },
    {
      name: `update_${kind}`,
      path: publicPath(`update_${kind}`),
      ...change,
      handle({ payload, state }) {
        const target = wrapper(payload, wrapperKey);
        const record = requireRecord(spec.records(state), idOf(payload), thing);
        spec.update(state, record, definedFields(parse(spec.updateFields, target, wrapperKey)));
        return json({ [kind]: spec.view(record, state) });
      },
    },
    {
      name: `delete_${kind}`,
      path: publicPath(`delete_${kind}`),
      ...change,
      handle({ payload, state }) {
        const id = idOf(payload);
        requireRecord(spec.records(state), id, thing);
        spec.remove(state, id);
        return json({});
      },
    },
  ];
}
