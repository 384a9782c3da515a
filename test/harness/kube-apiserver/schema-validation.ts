/**
 * CRD structural-schema handling as kube-apiserver applies it to a custom resource on every write:
 *
 * 1. prune fields the schema does not declare (apiVersion, kind and metadata stay at the root and
 *    in embedded resources; anything stays under x-kubernetes-preserve-unknown-fields),
 * 2. drop nulls of non-nullable fields that have no default, then apply defaults,
 * 3. validate with the OpenAPI keywords (kube-openapi's rules, messages and order),
 * 4. check x-kubernetes-list-type set/map uniqueness,
 * 5. evaluate x-kubernetes-validations (CEL, see cel-subset.ts) unless step 3 or 4 found a
 *    blocking error (type, required, enum, too long, too many), as kube does.
 *
 * On update, errors on values left unchanged are dropped (kube's CRD validation ratcheting,
 * default on since 1.30); transition rules (those using oldSelf) run only when the value at that
 * path existed before and are never ratcheted.
 *
 * Field paths follow kube: OpenAPI keyword errors use kube-openapi's names (`spec.groups[2].name`,
 * map entries `spec.attributes.key`), CEL and list-type errors use field paths
 * (`spec.attributes[key]`); errors about the whole object have the field `<nil>`.
 */
import { z } from 'zod';
import { compileCel, CelEvaluationError, UnsupportedCelError } from './cel-subset.js';
import { cloneJson, isJsonObject, jsonEqual } from './kube-object.js';
import { memoize } from './memoize.js';
import { effectiveFormat, stringFormatChecker } from './schema-formats.js';
import {
  childPath,
  formatGoFloat,
  goQuote,
  indexPath,
  keyPath,
  renderPath,
  toStatusCause,
  type FieldError,
  type FieldPath,
} from './schema-field-errors.js';

export { UnsupportedCelError } from './cel-subset.js';

const schemaTypes = z.enum(['string', 'integer', 'number', 'boolean', 'object', 'array']);

const validationRuleSchema = z.object({
  rule: z.string(),
  message: z.string().optional(),
  messageExpression: z.string().optional(),
  reason: z.enum(['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate']).optional(),
  fieldPath: z.string().optional(),
  optionalOldSelf: z.boolean().optional(),
});
export type ValidationRule = z.infer<typeof validationRuleSchema>;

/** apiextensions.k8s.io/v1 JSONSchemaProps (the keys a structural schema may use). */
export const jsonSchemaPropsSchema = z.looseObject({
  type: schemaTypes.optional(),
  format: z.string().optional(),
  description: z.string().optional(),
  get properties() {
    return z.record(z.string(), jsonSchemaPropsSchema).optional();
  },
  required: z.array(z.string()).optional(),
  get items() {
    return jsonSchemaPropsSchema.optional();
  },
  get additionalProperties() {
    return z.union([z.boolean(), jsonSchemaPropsSchema]).optional();
  },
  enum: z.array(z.unknown()).optional(),
  pattern: z.string().optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  exclusiveMinimum: z.boolean().optional(),
  exclusiveMaximum: z.boolean().optional(),
  minLength: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  minItems: z.number().int().optional(),
  maxItems: z.number().int().optional(),
  uniqueItems: z.boolean().optional(),
  minProperties: z.number().int().optional(),
  maxProperties: z.number().int().optional(),
  multipleOf: z.number().optional(),
  nullable: z.boolean().optional(),
  default: z.unknown().optional(),
  get allOf() {
    return z.array(jsonSchemaPropsSchema).optional();
  },
  get anyOf() {
    return z.array(jsonSchemaPropsSchema).optional();
  },
  get oneOf() {
    return z.array(jsonSchemaPropsSchema).optional();
  },
  get not() {
    return jsonSchemaPropsSchema.optional();
  },
  'x-kubernetes-preserve-unknown-fields': z.boolean().optional(),
  'x-kubernetes-int-or-string': z.boolean().optional(),
  'x-kubernetes-embedded-resource': z.boolean().optional(),
  'x-kubernetes-list-type': z.enum(['atomic', 'set', 'map']).optional(),
  'x-kubernetes-list-map-keys': z.array(z.string()).optional(),
  'x-kubernetes-map-type': z.enum(['atomic', 'granular']).optional(),
  'x-kubernetes-validations': z.array(validationRuleSchema).optional(),
});
export type JsonSchemaProps = z.infer<typeof jsonSchemaPropsSchema>;

/** One entry of a 422 Status's details.causes, as kube-apiserver writes it. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface ValidateOptions {
  /** The stored object on update: enables transition rules (oldSelf) and ratcheting. */
  oldObject?: unknown;
  /**
   * A write to the status subresource. kube validates the whole object there too (spec is
   * unchanged, so its errors are ratcheted), so this changes nothing beyond documenting intent.
   */
  isStatusUpdate?: boolean;
}

/**
 * Prunes, defaults and validates `object` against a CRD version's schema (never mutates input).
 * Throws UnsupportedCelError (or CelSyntaxError) when a rule needs CEL beyond the supported subset.
 */
export function validateAgainstSchema(
  schema: JsonSchemaProps,
  object: unknown,
  opts: ValidateOptions = {},
): { object: unknown; causes: StatusCause[] } {
  const obj = normalizeForSchema(schema, object);
  const update = opts.oldObject !== undefined && opts.oldObject !== null;
  const old = update ? normalizeForSchema(schema, opts.oldObject) : undefined;
  const rootUnchanged = update && jsonEqual(old, obj);

  const errors = validateNode(schema, obj, '', update ? { old } : undefined);
  errors.push(...validateListTypes(schema, obj, undefined));
  if (hasValidationRules(schema)) {
    if (errors.some(isBlocking)) {
      errors.push({
        type: 'Invalid',
        field: '<nil>',
        badValue: null,
        detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      });
    } else {
      errors.push(...validateRules(schema, obj, { path: undefined, old, unchanged: rootUnchanged, resourceRoot: true }));
    }
  }
  return { object: obj, causes: errors.map(toStatusCause) };
}

/** Pruning, null removal and defaulting: what the decoder does before validation and on read. */
function normalizeForSchema(schema: JsonSchemaProps, object: unknown): unknown {
  const obj = cloneJson(object);
  prune(obj, schema, true);
  pruneNonNullableNulls(obj, schema);
  applyDefaults(obj, schema);
  return obj;
}

// ---------------------------------------------------------------------------------------------
// Pruning and defaulting

function additionalSchema(s: JsonSchemaProps | undefined): JsonSchemaProps | undefined {
  const ap = s?.additionalProperties;
  return typeof ap === 'object' ? ap : undefined;
}

const RESOURCE_META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function prune(value: unknown, s: JsonSchemaProps | undefined, resourceRoot: boolean): void {
  if (s === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) prune(item, s.items, s.items?.['x-kubernetes-embedded-resource'] === true);
    return;
  }
  if (!isJsonObject(value)) return;
  const additional = additionalSchema(s);
  const keepUnknown = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
  for (const key of Object.keys(value)) {
    const prop = s.properties?.[key];
    if (resourceRoot && RESOURCE_META_FIELDS.has(key)) {
      if (key !== 'metadata' && prop) prune(value[key], prop, false);
      continue;
    }
    const child = prop ?? additional;
    if (child) prune(value[key], child, child['x-kubernetes-embedded-resource'] === true);
    else if (!keepUnknown) delete value[key];
  }
}

function schemaForField(s: JsonSchemaProps | undefined, key: string): JsonSchemaProps | undefined {
  return s?.properties?.[key] ?? additionalSchema(s);
}

function pruneNonNullableNulls(value: unknown, s: JsonSchemaProps | undefined): void {
  if (Array.isArray(value)) {
    for (const item of value) pruneNonNullableNulls(item, s?.items);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const key of Object.keys(value)) {
    const child = schemaForField(s, key);
    if (value[key] === null && child && child.nullable !== true && child.default === undefined) delete value[key];
    else pruneNonNullableNulls(value[key], child);
  }
}

function isNonNullableNull(value: unknown, s: JsonSchemaProps | undefined): s is JsonSchemaProps {
  return value === null && s !== undefined && s.nullable !== true;
}

function applyDefaults(value: unknown, s: JsonSchemaProps | undefined): void {
  if (s === undefined) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (isNonNullableNull(value[i], s.items) && s.items?.default !== undefined) value[i] = cloneJson(s.items.default);
      applyDefaults(value[i], s.items);
    }
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(value, key) || isNonNullableNull(value[key], prop)) value[key] = cloneJson(prop.default);
  }
  const additional = additionalSchema(s);
  for (const key of Object.keys(value)) {
    const prop = s.properties?.[key];
    if (prop) {
      applyDefaults(value[key], prop);
    } else if (additional) {
      if (isNonNullableNull(value[key], additional) && additional.default !== undefined) value[key] = cloneJson(additional.default);
      applyDefaults(value[key], additional);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// OpenAPI keyword validation (kube-openapi's SchemaValidator)

type JsonKind = 'null' | 'boolean' | 'string' | 'integer' | 'number' | 'array' | 'object';

function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

/** Go's format name for a decoded JSON value (what kube-openapi reports on format mismatches). */
function goFormatOf(kind: JsonKind): string {
  return kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '';
}

function typesOf(s: JsonSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return s.type ? [s.type] : [];
}

/** kube-openapi names become field paths: a leading "." is dropped, "" is the whole object. */
function openapiField(name: string): string {
  const trimmed = name.startsWith('.') ? name.slice(1) : name;
  return trimmed.length === 0 ? '<nil>' : trimmed;
}

function openapiError(type: FieldError['type'], name: string, badValue: unknown, detail: string): FieldError {
  return { type, field: openapiField(name), badValue, detail };
}

/** "%s in body ..." as kube-openapi words it. */
function inBody(name: string, rest: string): string {
  return `${name} in body ${rest}`;
}

/** The old value at the same place, when kube can correlate it (object keys, list-type=map items). */
type Correlation = { old: unknown } | undefined;

function correlateKey(corr: Correlation, key: string): Correlation {
  return corr && isJsonObject(corr.old) && Object.hasOwn(corr.old, key) ? { old: corr.old[key] } : undefined;
}

function validateNode(s: JsonSchemaProps, value: unknown, name: string, corr: Correlation): FieldError[] {
  // Ratcheting: an unchanged value keeps whatever errors it already had.
  if (corr && jsonEqual(corr.old, value)) return [];
  const errors: FieldError[] = [];
  const kind = jsonKind(value);
  if (kind === 'null') {
    errors.push(...typeErrors(s, value, kind, name));
    errors.push(...enumErrors(s, value, name));
    return errors;
  }
  errors.push(...typeErrors(s, value, kind, name));
  errors.push(...combinatorErrors(s, value, name));
  if (kind === 'string') {
    errors.push(...stringErrors(s, value as string, name));
    errors.push(...formatErrors(s, value as string, name));
  }
  if (kind === 'integer' || kind === 'number') errors.push(...numberErrors(s, value as number, name));
  if (kind === 'array') errors.push(...arrayErrors(s, value as unknown[], name, corr));
  errors.push(...enumErrors(s, value, name));
  if (kind === 'object') errors.push(...objectErrors(s, value as Record<string, unknown>, name, corr));
  return errors;
}

function typeErrors(s: JsonSchemaProps, value: unknown, kind: JsonKind, name: string): FieldError[] {
  const types = typesOf(s);
  const format = effectiveFormat(types, s.format);
  if (types.length === 0 && format === '') return [];
  if (kind === 'null') {
    if (types.length > 0 && s.nullable !== true) {
      return [openapiError('TypeInvalid', name, 'null', inBody(name, `must be of type ${types.join(',')}: ${goQuote('null')}`))];
    }
    return [];
  }
  const isIntFloat = kind === 'integer' && types.includes('number');
  if (kind !== 'string' && kind !== 'array' && format !== '') {
    const ok = types.includes(kind) || goFormatOf(kind) === format || isIntFloat;
    if (!ok) {
      const dataFormat = goFormatOf(kind);
      return [openapiError('TypeInvalid', name, dataFormat, inBody(name, `must be of type ${format}: ${goQuote(dataFormat)}`))];
    }
  }
  if (!(types.includes('number') || types.includes('integer')) && format !== '' && (kind === 'string' || kind === 'array')) return [];
  if (!(types.includes(kind) || isIntFloat)) {
    return [openapiError('TypeInvalid', name, kind, inBody(name, `must be of type ${types.join(',')}: ${goQuote(kind)}`))];
  }
  return [];
}

function stringErrors(s: JsonSchemaProps, value: string, name: string): FieldError[] {
  const length = [...value].length;
  if (s.maxLength !== undefined && length > s.maxLength) {
    const unit = s.maxLength === 1 ? 'byte' : 'bytes';
    return [openapiError('TooLong', name, value, `may not be more than ${s.maxLength} ${unit}`)];
  }
  if (s.minLength !== undefined && length < s.minLength) {
    return [openapiError('Invalid', name, value, inBody(name, `should be at least ${s.minLength} chars long`))];
  }
  if (s.pattern !== undefined && s.pattern !== '') {
    const pattern = compiledPattern(s.pattern);
    if (typeof pattern === 'string') return [openapiError('Invalid', name, value, inBody(name, `should match '${s.pattern}, but pattern is invalid: ${pattern}'`))];
    if (!pattern.test(value)) return [openapiError('Invalid', name, value, inBody(name, `should match '${s.pattern}'`))];
  }
  return [];
}

/** A schema's patterns are few and checked on every write: each is compiled once (or its error kept). */
const compiledPattern = memoize((source: string): RegExp | string => {
  try {
    return new RegExp(source, 'u');
  } catch (err) {
    return (err as Error).message;
  }
});

function formatErrors(s: JsonSchemaProps, value: string, name: string): FieldError[] {
  const format = effectiveFormat(typesOf(s), s.format);
  if (format === '') return [];
  const check = stringFormatChecker(format);
  if (!check || check(value)) return [];
  return [openapiError('TypeInvalid', name, value, inBody(name, `must be of type ${format}: ${goQuote(value)}`))];
}

/** %v of a bound: Go truncates it to int64 when the value is an integer. */
function formatBound(bound: number, integerValue: boolean): string {
  return integerValue ? String(Math.trunc(bound)) : formatGoFloat(bound);
}

function isJsonInteger(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const rounded = Math.round(n);
  if (rounded === n) return true;
  return Math.abs(n - rounded) / Math.abs(n) < 1e-9;
}

function numberErrors(s: JsonSchemaProps, value: number, name: string): FieldError[] {
  const errors: FieldError[] = [];
  const integer = Number.isInteger(value);
  if (s.multipleOf !== undefined) {
    const factor = integer ? Math.trunc(s.multipleOf) : s.multipleOf;
    const ok = integer
      ? factor !== 0 && value % factor === 0
      : isJsonInteger(factor < 1 ? (1 / factor) * value : value / factor);
    if (!ok) errors.push(openapiError('Invalid', name, value, inBody(name, `should be a multiple of ${formatBound(factor, integer)}`)));
  }
  if (s.minimum !== undefined) {
    const min = integer ? Math.trunc(s.minimum) : s.minimum;
    const exclusive = s.exclusiveMinimum === true;
    if (exclusive ? value <= min : value < min) {
      const words = exclusive ? 'should be greater than' : 'should be greater than or equal to';
      errors.push(openapiError('Invalid', name, value, inBody(name, `${words} ${formatBound(s.minimum, integer)}`)));
    }
  }
  if (s.maximum !== undefined) {
    const max = integer ? Math.trunc(s.maximum) : s.maximum;
    const exclusive = s.exclusiveMaximum === true;
    if (exclusive ? value >= max : value > max) {
      const words = exclusive ? 'should be less than' : 'should be less than or equal to';
      errors.push(openapiError('Invalid', name, value, inBody(name, `${words} ${formatBound(s.maximum, integer)}`)));
    }
  }
  return errors;
}

function arrayErrors(s: JsonSchemaProps, value: unknown[], name: string, corr: Correlation): FieldError[] {
  const errors: FieldError[] = [];
  if (s.items) {
    const items = s.items;
    value.forEach((item, i) => {
      const oldItem = corr ? correlatedListItem(s, item, corr.old) : undefined;
      errors.push(...validateNode(items, item, `${name}[${i}]`, oldItem === undefined ? undefined : { old: oldItem }));
    });
  }
  if (s.minItems !== undefined && value.length < s.minItems) {
    errors.push(openapiError('Invalid', name, value.length, inBody(name, `should have at least ${s.minItems} items`)));
  }
  if (s.maxItems !== undefined && value.length > s.maxItems) {
    errors.push(openapiError('TooMany', name, value.length, tooManyDetail(s.maxItems)));
  }
  if (s.uniqueItems === true && value.some((item, i) => value.slice(0, i).some((prev) => jsonEqual(prev, item)))) {
    errors.push(openapiError('Invalid', name, '', inBody(name, "shouldn't contain duplicates")));
  }
  return errors;
}

function tooManyDetail(max: number): string {
  return `must have at most ${max} ${max === 1 ? 'item' : 'items'}`;
}

function enumErrors(s: JsonSchemaProps, value: unknown, name: string): FieldError[] {
  if (!s.enum || s.enum.length === 0) return [];
  if (value !== null && value !== undefined && s.enum.some((allowed) => jsonEqual(allowed, value))) return [];
  const supported = s.enum.map((allowed) => (typeof allowed === 'string' ? allowed : JSON.stringify(allowed)));
  return [openapiError('NotSupported', name, value ?? null, `supported values: ${supported.map(goQuote).join(', ')}`)];
}

function objectErrors(s: JsonSchemaProps, value: Record<string, unknown>, name: string, corr: Correlation): FieldError[] {
  const keys = Object.keys(value);
  if (s.minProperties !== undefined && keys.length < s.minProperties) {
    return [openapiError('Invalid', name, keys.length, inBody(name, `should have at least ${s.minProperties} properties`))];
  }
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) {
    return [openapiError('TooMany', name, keys.length, tooManyDetail(s.maxProperties))];
  }
  const errors: FieldError[] = [];
  const properties = s.properties ?? {};
  if (s.additionalProperties === false) {
    for (const key of keys) {
      if (!Object.hasOwn(properties, key)) {
        errors.push(openapiError('Invalid', name, key, `${name}.${key} in body is a forbidden property`));
      }
    }
  } else {
    const additional = additionalSchema(s);
    if (additional) {
      for (const key of keys) {
        if (!Object.hasOwn(properties, key)) errors.push(...validateNode(additional, value[key], `${name}.${key}`, correlateKey(corr, key)));
      }
    }
  }
  for (const [key, prop] of Object.entries(properties)) {
    if (Object.hasOwn(value, key)) errors.push(...validateNode(prop, value[key], name === '' ? key : `${name}.${key}`, correlateKey(corr, key)));
  }
  for (const key of s.required ?? []) {
    if (!Object.hasOwn(value, key)) errors.push(openapiError('Required', `${name}.${key}`, '', ''));
  }
  return errors;
}

/** allOf / anyOf / oneOf / not: kube reports these on the whole object with the path quoted. */
function combinatorErrors(s: JsonSchemaProps, value: unknown, name: string): FieldError[] {
  const errors: FieldError[] = [];
  const composite = (detail: string): FieldError => ({ type: 'Invalid', field: '<nil>', badValue: '', detail });
  if (s.anyOf && s.anyOf.length > 0) {
    const results = s.anyOf.map((branch) => validateNode(branch, value, name, undefined));
    if (!results.some((r) => r.length === 0)) {
      errors.push(composite(`${goQuote(name)} must validate at least one schema (anyOf)`));
      errors.push(...fewestErrors(results));
    }
  }
  if (s.oneOf && s.oneOf.length > 0) {
    const results = s.oneOf.map((branch) => validateNode(branch, value, name, undefined));
    const valid = results.filter((r) => r.length === 0).length;
    if (valid !== 1) {
      const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      errors.push(composite(`${goQuote(name)} must validate one and only one schema (oneOf). ${found}`));
      if (valid === 0) errors.push(...fewestErrors(results));
    }
  }
  if (s.allOf && s.allOf.length > 0) {
    const results = s.allOf.map((branch) => validateNode(branch, value, name, undefined));
    const valid = results.filter((r) => r.length === 0).length;
    for (const r of results) errors.push(...r);
    if (valid !== results.length) {
      errors.push(composite(`${goQuote(name)} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`));
    }
  }
  if (s.not && validateNode(s.not, value, name, undefined).length === 0) {
    errors.push(composite(`${goQuote(name)} must not validate the schema (not)`));
  }
  return errors;
}

/** kube keeps the errors of the alternative that came closest; fewest errors approximates that. */
function fewestErrors(results: FieldError[][]): FieldError[] {
  let best: FieldError[] | undefined;
  for (const r of results) if (best === undefined || r.length < best.length) best = r;
  return best ?? [];
}

// ---------------------------------------------------------------------------------------------
// x-kubernetes-list-type set / map

function listMapKey(item: unknown, keys: readonly string[]): string {
  const record = isJsonObject(item) ? item : {};
  return JSON.stringify(keys.map((k) => (Object.hasOwn(record, k) ? record[k] : { unspecified: true })));
}

function validateListTypes(s: JsonSchemaProps | undefined, node: unknown, path: FieldPath): FieldError[] {
  if (s === undefined) return [];
  const errors: FieldError[] = [];
  if (Array.isArray(node)) {
    const value: unknown[] = node;
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set') {
      const seen = new Map<string, number>();
      value.forEach((item, i) => {
        const key = JSON.stringify(item);
        const times = seen.get(key) ?? 0;
        seen.set(key, times + 1);
        if (times === 1) errors.push({ type: 'Duplicate', field: indexPath(path, i), badValue: item, detail: '' });
      });
    } else if (listType === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const nonObjects = value
        .map((item, i) => ({ item, i }))
        .filter(({ item }) => item !== null && !isJsonObject(item))
        .map(({ item, i }) => ({ type: 'Invalid' as const, field: indexPath(path, i), badValue: item, detail: 'must be an object for an array of list-type map' }));
      if (nonObjects.length > 0) return nonObjects;
      const seen = new Map<string, number>();
      value.forEach((item, i) => {
        if (item === null) return;
        const key = listMapKey(item, keys);
        const times = seen.get(key) ?? 0;
        seen.set(key, times + 1);
        if (times === 1) {
          const record = item as Record<string, unknown>;
          const keyValue = Object.fromEntries(keys.filter((k) => Object.hasOwn(record, k)).map((k) => [k, record[k]]));
          errors.push({ type: 'Duplicate', field: indexPath(path, i), badValue: keyValue, detail: '' });
        }
      });
    }
    value.forEach((item, i) => errors.push(...validateListTypes(s.items, item, indexPath(path, i))));
    return errors;
  }
  if (isJsonObject(node)) {
    const additional = additionalSchema(s);
    for (const [key, child] of Object.entries(node)) {
      const prop = s.properties?.[key];
      if (prop) errors.push(...validateListTypes(prop, child, childPath(path, key)));
      else if (additional) errors.push(...validateListTypes(additional, child, keyPath(path, key)));
    }
  }
  return errors;
}

function isBlocking(e: FieldError): boolean {
  return e.type === 'NotSupported' || e.type === 'Required' || e.type === 'TooLong' || e.type === 'TooMany' || e.type === 'TypeInvalid';
}

// ---------------------------------------------------------------------------------------------
// x-kubernetes-validations

function hasValidationRules(s: JsonSchemaProps | undefined): boolean {
  if (s === undefined) return false;
  if ((s['x-kubernetes-validations'] ?? []).length > 0) return true;
  if ((s.allOf ?? []).some(hasValidationRules)) return true;
  if (hasValidationRules(s.items) || hasValidationRules(additionalSchema(s))) return true;
  return Object.values(s.properties ?? {}).some(hasValidationRules);
}

interface RuleContext {
  path: FieldPath;
  /** The correlated old value (transition rules), undefined when there is none. */
  old: unknown;
  /** The value equals its old value at the nearest correlatable node (ratcheting). */
  unchanged: boolean;
  resourceRoot: boolean;
}

/** At a resource root, rules see apiVersion, kind and only metadata.name/generateName. */
function ruleView(value: unknown, resourceRoot: boolean): unknown {
  if (!resourceRoot || !isJsonObject(value) || !isJsonObject(value.metadata)) return value;
  const meta: Record<string, unknown> = {};
  if (value.metadata.name !== undefined) meta.name = value.metadata.name;
  if (value.metadata.generateName !== undefined) meta.generateName = value.metadata.generateName;
  return { ...value, metadata: meta };
}

/** A rule's fieldPath (`.spec.x`, `['key']`) as the single child kube appends to the path. */
function normalizedRuleFieldPath(fieldPath: string | undefined): string {
  if (!fieldPath) return '';
  let out = '';
  const re = /\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]/g;
  for (const m of fieldPath.matchAll(re)) {
    if (m[1] !== undefined) out += out === '' ? m[1] : `.${m[1]}`;
    else out += `[${(m[2] ?? '').replace(/\\(.)/g, '$1')}]`;
  }
  return out;
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message && rule.message.trim() !== '' ? rule.message.trim() : rule.rule.trim();
}

function ruleFailure(rule: ValidationRule, s: JsonSchemaProps, path: FieldPath, detail: string): FieldError {
  const normalized = normalizedRuleFieldPath(rule.fieldPath);
  const field = renderPath(normalized === '' ? path : childPath(path, normalized));
  const badValue = s.type ?? '';
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return { type: 'Forbidden', field, badValue: '', detail };
    case 'FieldValueRequired':
      return { type: 'Required', field, badValue: '', detail };
    case 'FieldValueDuplicate':
      return { type: 'Duplicate', field, badValue, detail: '' };
    default:
      return { type: 'Invalid', field, badValue, detail };
  }
}

function evaluateMessageExpression(rule: ValidationRule, vars: { self: unknown; oldSelf?: unknown }): string | undefined {
  if (!rule.messageExpression) return undefined;
  try {
    const message = compileCel(rule.messageExpression).evaluate(vars);
    if (typeof message !== 'string') return undefined;
    const trimmed = message.trim();
    return trimmed === '' || trimmed.includes('\n') ? undefined : trimmed;
  } catch (err) {
    if (err instanceof CelEvaluationError) return undefined;
    throw err;
  }
}

function rulesAt(s: JsonSchemaProps): ValidationRule[] {
  return [...(s['x-kubernetes-validations'] ?? []), ...(s.allOf ?? []).flatMap((branch) => branch['x-kubernetes-validations'] ?? [])];
}

function evaluateRules(s: JsonSchemaProps, value: unknown, ctx: RuleContext): FieldError[] {
  const errors: FieldError[] = [];
  const typeName = s.type ?? '';
  for (const rule of rulesAt(s)) {
    if (rule.optionalOldSelf === true) throw new UnsupportedCelError(rule.rule, 'optionalOldSelf (optional types)');
    const compiled = compileCel(rule.rule);
    const hasOld = ctx.old !== undefined && ctx.old !== null;
    if (compiled.usesOldSelf && !hasOld) continue;
    const vars = compiled.usesOldSelf
      ? { self: ruleView(value, ctx.resourceRoot), oldSelf: ruleView(ctx.old, ctx.resourceRoot) }
      : { self: ruleView(value, ctx.resourceRoot) };
    let error: FieldError | undefined;
    try {
      const result = compiled.evaluate(vars);
      if (result !== true) {
        const detail = evaluateMessageExpression(rule, vars) ?? (rule.message?.trim() ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`);
        error = ruleFailure(rule, s, ctx.path, detail);
      }
    } catch (err) {
      if (!(err instanceof CelEvaluationError)) throw err;
      const detail = err.message.startsWith('no such overload')
        ? `'${err.message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`
        : `${err.message} evaluating rule: ${ruleErrorString(rule)}`;
      errors.push({ type: 'Invalid', field: renderPath(ctx.path), badValue: typeName, detail });
      continue;
    }
    if (error && !(ctx.unchanged && !compiled.usesOldSelf)) errors.push(error);
  }
  return errors;
}

function correlatedListItem(s: JsonSchemaProps, item: unknown, old: unknown): unknown {
  if (s['x-kubernetes-list-type'] !== 'map' || !Array.isArray(old)) return undefined;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const wanted = listMapKey(item, keys);
  return old.find((candidate) => listMapKey(candidate, keys) === wanted);
}

function validateRules(s: JsonSchemaProps | undefined, value: unknown, ctx: RuleContext): FieldError[] {
  if (s === undefined || value === null || value === undefined) return [];
  const errors = evaluateRules(s, value, ctx);
  const childContext = (path: string, childOld: unknown, child: unknown, embedded: boolean): RuleContext => ({
    path,
    old: childOld,
    unchanged: childOld === undefined ? ctx.unchanged : jsonEqual(childOld, child),
    resourceRoot: embedded,
  });
  if (Array.isArray(value)) {
    const items = s.items;
    if (!items) return errors;
    value.forEach((item, i) => {
      const oldItem = correlatedListItem(s, item, ctx.old);
      errors.push(...validateRules(items, item, childContext(indexPath(ctx.path, i), oldItem, item, items['x-kubernetes-embedded-resource'] === true)));
    });
    return errors;
  }
  if (!isJsonObject(value)) return errors;
  const oldMap = isJsonObject(ctx.old) ? ctx.old : undefined;
  const additional = additionalSchema(s);
  for (const key of Object.keys(value)) {
    const child = value[key];
    const prop = s.properties?.[key];
    const sub = prop ?? additional;
    if (!sub) continue;
    if (ctx.resourceRoot && prop === undefined && RESOURCE_META_FIELDS.has(key)) continue;
    const childOld = oldMap && Object.hasOwn(oldMap, key) ? oldMap[key] : undefined;
    const path = prop ? childPath(ctx.path, key) : keyPath(ctx.path, key);
    errors.push(...validateRules(sub, child, childContext(path, childOld, child, sub['x-kubernetes-embedded-resource'] === true)));
  }
  return errors;
}
