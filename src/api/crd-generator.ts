import { stringify } from 'yaml';
import { z } from 'zod';
import type { CustomResourceDefinition, JSONSchemaProps, PrinterColumn } from './crd-types.js';
import { CATEGORY } from './group-version.js';
import type { KindDefinition } from './kind-definition.js';
import type { CelRule } from './validation-rules.js';

/**
 * Turns a kind definition into an apiextensions.k8s.io/v1 CRD whose schema kube-apiserver accepts
 * as structural: every node typed, no `$ref`/`anyOf`/`oneOf`/`allOf`/`not`, `properties` and
 * `additionalProperties` never together, no `default` (defaults are applied by the operator, see
 * managed-resource.ts), RE2-compatible patterns, and a description on every field for
 * `kubectl explain`. Anything zod can express but a structural schema cannot is an error that
 * names the field, never a silently different CRD.
 */

export class CrdSchemaError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'CrdSchemaError';
  }
}

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const FORMATS = new Set(['date-time', 'date', 'int32', 'int64', 'float', 'double', 'byte']);

// Copied unchanged when zod emits them; everything else is handled below or refused.
const PASSTHROUGH = new Set([
  'description',
  'type',
  'format',
  'nullable',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'required',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
]);

// A fixed key order keeps the generated YAML stable and readable.
const KEY_ORDER = [
  'description',
  'type',
  'format',
  'nullable',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'x-kubernetes-validations',
];

const REFUSED_HINTS: Record<string, string> = {
  anyOf: 'a union cannot be a structural schema; model alternatives as optional fields with exactlyOneOf()',
  oneOf: 'a union cannot be a structural schema; model alternatives as optional fields with exactlyOneOf()',
  allOf: 'an intersection cannot be a structural schema; merge the objects into one',
  not: 'negation cannot be a structural schema; state the constraint as a CEL rule',
  $ref: 'a recursive or shared-by-id schema cannot be a structural schema; inline it',
  const: 'use an enum of one value (z.literal emits one)',
  patternProperties: 'use a record with a key-less value schema, or a list of {name, value}',
  uniqueItems: 'kube-apiserver forbids uniqueItems; use x-kubernetes-list-type: set or map',
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's regexp (RE2) has no lookaround and no backreferences. */
function assertRe2(pattern: string, path: string): void {
  if (/\(\?<?[=!]/.test(pattern)) throw new CrdSchemaError(path, `pattern ${pattern} uses lookaround, which kube-apiserver (RE2) does not support`);
  if (/\\[1-9]/.test(pattern)) throw new CrdSchemaError(path, `pattern ${pattern} uses a backreference, which kube-apiserver (RE2) does not support`);
}

function renderDefault(value: unknown): string | undefined {
  if (isRecord(value) && Object.keys(value).length === 0) return undefined; // an object default only triggers its fields' own defaults
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function assertRules(rules: unknown, path: string): void {
  if (!Array.isArray(rules)) throw new CrdSchemaError(path, 'x-kubernetes-validations must be a list');
  for (const r of rules as unknown[]) {
    const rule = r as Partial<CelRule>;
    if (typeof rule.rule !== 'string' || typeof rule.message !== 'string') {
      throw new CrdSchemaError(path, 'every CEL rule needs a rule and a message that tells the user the fix');
    }
  }
}

function order(node: Raw): JSONSchemaProps {
  const out: Raw = {};
  for (const k of KEY_ORDER) if (node[k] !== undefined) out[k] = node[k];
  return out;
}

function normaliseInteger(node: Raw): void {
  if (node.type !== 'integer') return;
  // zod writes the JS safe-integer range for every int; Kubernetes integers are int64 by nature.
  if (node.minimum === -MAX_SAFE) delete node.minimum;
  if (node.maximum === MAX_SAFE) delete node.maximum;
  if (node.minimum === INT32_MIN && node.maximum === INT32_MAX) {
    delete node.minimum;
    delete node.maximum;
    node.format = 'int32';
  }
  node.format ??= 'int64';
}

function sanitize(raw: Raw, path: string): JSONSchemaProps {
  const node: Raw = {};
  let defaultValue: unknown;
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema' || key === 'id') continue;
    if (key === 'default') {
      defaultValue = value;
      continue;
    }
    if (key === 'properties') {
      if (!isRecord(value)) throw new CrdSchemaError(path, 'properties must be an object');
      const props: Record<string, JSONSchemaProps> = {};
      for (const [name, child] of Object.entries(value)) {
        const childPath = `${path}.${name}`;
        if (!isRecord(child)) throw new CrdSchemaError(childPath, 'schema must be an object');
        const converted = sanitize(child, childPath);
        if (!converted.description) throw new CrdSchemaError(childPath, 'has no description; add .describe(...) so kubectl explain can show it');
        props[name] = converted;
      }
      node.properties = props;
      continue;
    }
    if (key === 'additionalProperties') {
      // zod writes `false` (strict) or `{}` (loose) next to properties; pruning already drops unknown fields.
      if (value === false || (isRecord(value) && Object.keys(value).length === 0)) continue;
      if (!isRecord(value)) throw new CrdSchemaError(path, 'additionalProperties must be a schema');
      node.additionalProperties = sanitize(value, `${path}.*`);
      continue;
    }
    if (key === 'items') {
      if (!isRecord(value)) throw new CrdSchemaError(path, 'items must be one schema (tuples are not supported)');
      node.items = sanitize(value, `${path}[*]`);
      continue;
    }
    if (PASSTHROUGH.has(key)) {
      node[key] = value;
      continue;
    }
    throw new CrdSchemaError(path, `"${key}" is not allowed in a structural CRD schema: ${REFUSED_HINTS[key] ?? 'remove it'}`);
  }

  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === undefined && !intOrString && !preserve) throw new CrdSchemaError(path, 'has no type');
  if (node.type !== undefined && (typeof node.type !== 'string' || !TYPES.has(node.type))) {
    throw new CrdSchemaError(path, `type ${JSON.stringify(node.type)} is not a CRD type (type "null" is written as nullable)`);
  }
  if (isRecord(node.properties) && Object.keys(node.properties).length === 0) delete node.properties;
  if (node.properties && node.additionalProperties) throw new CrdSchemaError(path, 'properties and additionalProperties are mutually exclusive');
  if (node.type === 'object' && !node.properties && !node.additionalProperties && !preserve) {
    throw new CrdSchemaError(path, 'an object with neither properties nor additionalProperties would lose every field to pruning');
  }
  if (node.type === 'array' && !node.items) throw new CrdSchemaError(path, 'an array needs an item schema');
  normaliseInteger(node);
  if (typeof node.format === 'string' && !FORMATS.has(node.format)) {
    throw new CrdSchemaError(path, `format "${node.format}" is not one kube-apiserver validates; use a pattern instead`);
  }
  if (typeof node.pattern === 'string') assertRe2(node.pattern, path);
  if (node['x-kubernetes-validations'] !== undefined) assertRules(node['x-kubernetes-validations'], path);
  if (Array.isArray(node.required)) {
    if (node.required.length === 0) delete node.required;
  }
  if (node['x-kubernetes-list-type'] === 'map') {
    const keys = node['x-kubernetes-list-map-keys'];
    const item = node.items as JSONSchemaProps | undefined;
    if (!Array.isArray(keys) || keys.length === 0) throw new CrdSchemaError(path, 'a list of type map needs x-kubernetes-list-map-keys');
    for (const k of keys as string[]) {
      if (!item?.properties?.[k] || !item.required?.includes(k)) throw new CrdSchemaError(path, `list map key "${k}" must be a required field of the items`);
    }
  }
  if (defaultValue !== undefined) {
    const text = renderDefault(defaultValue);
    if (text !== undefined) node.description = `${typeof node.description === 'string' ? `${node.description} ` : ''}Default: ${text}.`;
  }
  return order(node);
}

/** The structural OpenAPI v3 schema of a zod schema; throws CrdSchemaError naming the first field that cannot be expressed. */
export function toStructuralSchema(schema: z.ZodType, path: string): JSONSchemaProps {
  let raw: unknown;
  try {
    // io 'input': fields with a code default are optional in the manifest; 'inline' avoids $ref.
    raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw', reused: 'inline', cycles: 'throw' });
  } catch (err) {
    throw new CrdSchemaError(path, `zod cannot express it as JSON Schema: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(raw)) throw new CrdSchemaError(path, 'zod produced a non-object schema');
  return sanitize(raw, path);
}

const conditionColumn = (type: string, description: string): PrinterColumn => ({
  name: type.toUpperCase(),
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
  description,
});

/** Columns in `kubectl get` order: kind-specific, READY, SYNCED, EXTERNAL-ID (managed kinds), AGE, then -o wide extras. */
export function printerColumns(def: KindDefinition): PrinterColumn[] {
  const own = def.printerColumns.filter((c) => (c.priority ?? 0) === 0);
  const wide = def.printerColumns.filter((c) => (c.priority ?? 0) > 0);
  return [
    ...own,
    conditionColumn('Ready', 'Whether the Kasm object exists and equals the spec.'),
    conditionColumn('Synced', 'Whether the last reconcile ran without error.'),
    ...(def.managed ? [{ name: 'EXTERNAL-ID', type: 'string', jsonPath: '.status.externalId', description: 'Id of the Kasm object.' } as const] : []),
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since the object was created.' },
    {
      name: 'REASON',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
      description: 'Reason of the Ready condition.',
      priority: 1,
    },
    ...wide,
  ];
}

/** The whole object's schema: only spec and status are described; metadata is Kubernetes' own. */
export function resourceSchema(def: KindDefinition): JSONSchemaProps {
  const spec = toStructuralSchema(def.spec, 'spec');
  const status = toStructuralSchema(def.status, 'status');
  if (!spec.description) throw new CrdSchemaError('spec', `${def.kind} spec has no description`);
  if (!status.description) throw new CrdSchemaError('status', `${def.kind} status has no description`);
  return {
    description: def.description,
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: {
        description: 'Versioned schema of this representation of an object: kasm.io/v1alpha1.',
        type: 'string',
      },
      kind: { description: `Kind of this object: ${def.kind}.`, type: 'string' },
      metadata: { type: 'object' },
      spec,
      status,
    },
  };
}

export function buildCrd(def: KindDefinition): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: def.crdName, labels: { 'app.kubernetes.io/name': 'kasm-operator' } },
    spec: {
      group: def.group,
      names: {
        kind: def.kind,
        listKind: def.listKind,
        plural: def.plural,
        singular: def.singular,
        shortNames: [...def.shortNames],
        categories: [CATEGORY],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: def.apiVersion.split('/')[1] ?? '',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: resourceSchema(def) },
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns(def),
        },
      ],
    },
  };
}

const HEADER = '# Generated by `npm run generate` from src/api. Do not edit: change the zod schema and regenerate.\n';

export function renderCrdYaml(def: KindDefinition): string {
  return HEADER + stringify(buildCrd(def), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** File name under deploy/crds. */
export function crdFileName(def: KindDefinition): string {
  return `${def.crdName}.yaml`;
}
