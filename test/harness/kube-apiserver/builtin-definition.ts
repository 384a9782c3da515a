/**
 * The strategy the built-in kinds share (kube's registries for core types): namespaced, every verb, no
 * generation, unconditional PUT, strategic merge, malformed fields as decode errors, an Age column. Each
 * kind states only where it differs.
 */
import { AGE_COLUMN } from './builtin-columns.js';
import { metadataFieldLabels } from './field-selector.js';
import { ALL_VERBS, type ResourceDefinition } from './resource-definition.js';
import type { JsonSchemaProps } from './schema-validation.js';

type BuiltinFacts = Pick<ResourceDefinition, 'group' | 'resource' | 'kind' | 'singular'> & Partial<ResourceDefinition>;

export function builtinDefinition(facts: BuiltinFacts): ResourceDefinition {
  return {
    version: 'v1',
    listKind: `${facts.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    statusSubresource: false,
    storageKey: `${facts.group || 'core'}/${facts.resource}`,
    hasGeneration: false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: false,
    returnDeletedObject: false,
    // Object metadata's lists only; a kind with list fields of its own passes their strategies in `facts`.
    strategicMergeLists: {},
    isCustomResource: false,
    schemaErrorsAreDecodeErrors: true,
    fieldLabels: metadataFieldLabels(),
    columns: [AGE_COLUMN],
    ...facts,
  };
}

/** A built-in kind's decoding schema: type meta and open metadata, then the kind's own fields. */
export function builtinSchema(properties: Record<string, JsonSchemaProps>): JsonSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      ...properties,
    },
  };
}
