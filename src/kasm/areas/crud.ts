import { z } from 'zod';
import type { CallOptions, KasmCaller } from '../endpoint.js';
import { defineEndpoint } from '../endpoint.js';
import { kasmId, listOf } from '../schema-primitives.js';
import { snakeKeys, snakeToCamel } from './key-case.js';
import type { SnakeToCamel } from './key-case.js';

/**
 * Kasm kinds with the classic verbs create_<kind>, update_<kind>, delete_<kind>, get_<kind> and
 * get_<kind>s: every request wraps its fields in `target_<kind>` (the id as `<kind>_id`), every reply
 * is `{"<kind>": ...}` or `{"<kind>s": [...]}`, views need "<Area> View" and changes "<Area> Modify".
 * `crudKind` declares the five endpoints from the kind's name and schemas; its `Api` class is the
 * client over them, which an area extends with any lookups.
 */

type Verb = 'create' | 'update' | 'delete' | 'get' | 'list';
type VerbName<V extends Verb, K extends string> = V extends 'list' ? `get_${K}s` : `${V}_${K}`;
type IdKey<K extends string> = SnakeToCamel<`${K}_id`>;
type IdInput<K extends string> = { [P in IdKey<K>]: string };
/** A request schema by what the caller passes; the output is the wire body. */
type RequestSchema<In> = z.ZodType<Record<string, unknown>, In>;

const verbs: readonly Verb[] = ['create', 'update', 'delete', 'get', 'list'];

function verbName<V extends Verb, K extends string>(verb: V, kind: K): VerbName<V, K> {
  return (verb === 'list' ? `get_${kind}s` : `${verb}_${kind}`) as VerbName<V, K>;
}

/**
 * `schema`'s fields snake-cased inside `wrapper`, typed by what the caller passes: zod's inference
 * cannot follow the computed keys, so the input type is stated.
 */
function wrapped<In>(schema: z.ZodType<object>, wrapper: string): RequestSchema<In> {
  return schema.transform((fields) => ({ [wrapper]: snakeKeys(fields) })) as z.ZodType as RequestSchema<In>;
}

/** `{"<key>": schema}`, typed by its key. */
function keyed<const K extends string, S extends z.ZodType>(key: K, schema: S): z.ZodType<{ [P in K]: z.output<S> }> {
  return z.object({ [key]: schema }) as z.ZodType<{ [P in K]: z.output<S> }>;
}

/** Lists without a filter send nothing. */
const noFilter = z.object({});

/** `list`'s arguments: the call options alone when Kasm does not filter the kind, else the filter first. */
type ListArgs<F extends z.ZodType> = [F] extends [typeof noFilter] ? [options?: CallOptions] : [filter?: z.input<F>, options?: CallOptions];

export interface CrudKindSpec<
  K extends string,
  Rec extends z.ZodType,
  Create extends z.ZodType<object>,
  Update extends z.ZodObject,
  Filter extends z.ZodType,
> {
  /** Kasm's noun, e.g. `cast_config`: verbs, wrapper, id and reply keys follow from it. */
  readonly kind: K;
  /** One object of a reply. */
  readonly record: Rec;
  /** What a create takes (camelCase), checks included. */
  readonly create: Create;
  /** What an update may change besides the id; only the fields given are sent. A plain object: its shape is reused, refinements on it would not be. */
  readonly update: Update;
  /** The get_<kind>s payload when Kasm narrows the list; none by default. */
  readonly listFilter?: Filter;
  readonly permissions: { readonly view: readonly string[]; readonly modify: readonly string[] };
}

export function crudKind<
  const K extends string,
  Rec extends z.ZodType,
  Create extends z.ZodType<object>,
  Update extends z.ZodObject,
  Filter extends z.ZodType = typeof noFilter,
>(spec: CrudKindSpec<K, Rec, Create, Update, Filter>) {
  const { kind, record, permissions } = spec;
  const wrapper = `target_${kind}`;
  const idKey = snakeToCamel(`${kind}_id`);
  const idInput = (id: string) => ({ [idKey]: id }) as IdInput<K>;
  const target = wrapped<IdInput<K>>(z.object({ [idKey]: kasmId }), wrapper);
  const one = keyed(kind, record);

  const endpoint = <V extends Verb, Req extends z.ZodType, Res extends z.ZodType>(verb: V, request: Req, response: Res) => {
    const name = verbName(verb, kind);
    return defineEndpoint({
      name,
      path: `/api/public/${name}`,
      kind: verb === 'get' || verb === 'list' ? 'read' : 'write',
      permissions: verb === 'get' || verb === 'list' ? permissions.view : permissions.modify,
      request,
      response,
    });
  };
  const byVerb = {
    create: endpoint('create', wrapped<z.input<Create>>(spec.create, wrapper), one),
    update: endpoint(
      'update',
      wrapped<IdInput<K> & z.input<Update>>(z.object({ [idKey]: kasmId, ...spec.update.shape }), wrapper),
      // Kasm may answer an update with `{}`: the API then reads the object back.
      keyed(kind, record.optional()),
    ),
    delete: endpoint('delete', target, z.object({})),
    get: endpoint('get', target, one),
    list: endpoint('list', spec.listFilter ?? noFilter, keyed(`${kind}s`, listOf(record))),
  };
  /** Keyed as the areas always named them: createCastConfig, getCastConfigs, ... */
  const endpoints = Object.fromEntries(verbs.map((verb) => [snakeToCamel(verbName(verb, kind)), byVerb[verb]])) as {
    [V in Verb as SnakeToCamel<VerbName<V, K>>]: (typeof byVerb)[V];
  };

  type Item = z.output<Rec>;
  class Api {
    readonly #caller: KasmCaller;

    constructor(caller: KasmCaller) {
      this.#caller = caller;
    }

    async create(input: z.input<Create>, options?: CallOptions): Promise<Item> {
      return (await this.#caller.call(byVerb.create, input, options))[kind];
    }

    async get(id: string, options?: CallOptions): Promise<Item> {
      return (await this.#caller.call(byVerb.get, idInput(id), options))[kind];
    }

    /** Changes only the fields given. */
    async update(id: string, changes: z.input<Update>, options?: CallOptions): Promise<Item> {
      const reply = await this.#caller.call(byVerb.update, { ...changes, ...idInput(id) }, options);
      return reply[kind] ?? this.get(id, options);
    }

    async delete(id: string, options?: CallOptions): Promise<void> {
      await this.#caller.call(byVerb.delete, idInput(id), options);
    }

    /** Every object of the kind, or those the filter names (kinds Kasm filters only). */
    async list(...args: ListArgs<Filter>): Promise<Item[]> {
      const [filter, options] = (spec.listFilter === undefined ? [{}, args[0]] : [args[0] ?? {}, args[1]]) as [z.input<Filter>, CallOptions | undefined];
      return (await this.#caller.call(byVerb.list, filter, options))[`${kind}s`];
    }
  }

  return { endpoints, Api };
}
