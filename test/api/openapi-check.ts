import type { JSONSchemaProps } from '../../src/api/crd-types.js';

/**
 * A small validator for the subset of OpenAPI v3 the generated CRDs use, so tests can check that a
 * manifest is accepted by the CRD schema (as kube-apiserver would, CEL aside) and that no field of
 * it would be pruned as unknown. Returns one message per problem, each naming the field.
 */
export function checkAgainstSchema(value: unknown, schema: JSONSchemaProps, path = ''): string[] {
  const at = path || '<root>';
  if (value === null) return schema.nullable ? [] : [`${at}: null is not allowed`];
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  // An untyped node that keeps unknown fields accepts any JSON value (structural schemas allow it).
  if (schema['x-kubernetes-preserve-unknown-fields'] && schema.type === undefined) return problems;
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !Number.isInteger(value)) problems.push(`${at}: must be an integer or a string`);
    return problems;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: must be a string`];
      if (schema.minLength !== undefined && [...value].length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
      if (schema.maxLength !== undefined && [...value].length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${at}: does not match ${schema.pattern}`);
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: not a date-time`);
      return problems;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [`${at}: must be ${schema.type === 'integer' ? 'an integer' : 'a number'}`];
      if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) problems.push(`${at}: below the minimum ${schema.minimum}`);
      if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) problems.push(`${at}: above the maximum ${schema.maximum}`);
      return problems;
    }
    case 'boolean':
      return typeof value === 'boolean' ? problems : [`${at}: must be a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: must be a list`];
      if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${at}: more than ${schema.maxItems} items`);
      const keyOf = listKey(schema);
      const seen = new Set<string>();
      value.forEach((item: unknown, i) => {
        if (schema.items) problems.push(...checkAgainstSchema(item, schema.items, `${path}[${i}]`));
        if (keyOf) {
          const key = keyOf(item);
          if (seen.has(key)) problems.push(`${path}[${i}]: duplicate entry ${key}`);
          seen.add(key);
        }
      });
      return problems;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: must be an object`];
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (record[name] === undefined) problems.push(`${path ? `${path}.` : ''}${name}: required`);
      if (!schema.properties && !schema.additionalProperties) return problems; // metadata: Kubernetes' own schema
      for (const [name, child] of Object.entries(record)) {
        const childPath = path ? `${path}.${name}` : name;
        const childSchema = schema.properties?.[name] ?? schema.additionalProperties;
        if (!childSchema) problems.push(`${childPath}: unknown field (kube-apiserver would prune it)`);
        else problems.push(...checkAgainstSchema(child, childSchema, childPath));
      }
      return problems;
    }
    default:
      return [`${at}: schema has no type`];
  }
}

function listKey(schema: JSONSchemaProps): ((item: unknown) => string) | undefined {
  if (schema['x-kubernetes-list-type'] === 'set') return (item) => JSON.stringify(item);
  if (schema['x-kubernetes-list-type'] === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    return (item) => JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k]));
  }
  return undefined;
}
