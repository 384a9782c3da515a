/**
 * What the server knows about one served resource (one group/version/resource): discovery facts, the
 * strategy knobs kube-apiserver's per-kind registries differ on, and the kind-specific hooks (validation,
 * defaulting, table columns, version conversion).
 */
import type { FieldLabelReader } from './field-selector.js';
import type { KubeObject } from './kube-object.js';
import type { JsonSchemaProps, StatusCause } from './schema-validation.js';
import type { StrategicMergeLists } from './patch.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  /** CRD columns: evaluated with the JSONPath subset. */
  jsonPath?: string;
  /** Built-in columns: computed from the object. */
  cell?: (obj: KubeObject, now: number) => unknown;
}

export interface ResourceDefinition {
  group: string;
  version: string;
  /** Plural, lower case: `kasmusers`. */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  statusSubresource: boolean;
  /** Objects of every version of one resource share one store (and events share it across two groups). */
  storageKey: string;
  /** metadata.generation is kept (custom resources, CRDs); core kinds like Secret have none. */
  hasGeneration: boolean;
  /** PUT without metadata.resourceVersion overwrites (true for most core kinds, false for custom resources). */
  allowUnconditionalUpdate: boolean;
  /** PUT of a missing object creates it (core Events only among the kinds served here). */
  allowCreateOnUpdate: boolean;
  /** DELETE answers with the deleted object (custom resources) rather than a Success Status. */
  returnDeletedObject: boolean;
  /** Strategic merge patch is accepted with these list strategies (built-in kinds); undefined: refused with 415 (custom resources). */
  strategicMergeLists: StrategicMergeLists | undefined;
  isCustomResource: boolean;
  /** Drives pruning and type checks: a CRD version's openAPIV3Schema, or a decoding schema for built-ins. */
  schema?: JsonSchemaProps;
  /** Built-ins answer malformed field types with 400 (decoding) instead of 422 (schema validation). */
  schemaErrorsAreDecodeErrors: boolean;
  fieldLabels: ReadonlyMap<string, FieldLabelReader>;
  /** Columns after NAME in table output. */
  columns: PrinterColumn[];
  /** Kind-specific normalisation on create (defaults, Secret stringData). Mutates obj. */
  prepareForCreate?: (obj: KubeObject) => void;
  /** Kind-specific normalisation on update. Mutates obj. */
  prepareForUpdate?: (obj: KubeObject, old: KubeObject) => void;
  /** Kind-specific validation beyond the schema. */
  validate?: (obj: KubeObject, old: KubeObject | undefined) => StatusCause[];
  /** Converts an object of this version into the shared storage form. */
  toStorage?: (obj: KubeObject) => KubeObject;
  /** Converts the storage form into this version. */
  fromStorage?: (obj: KubeObject) => KubeObject;
  /** For server-side apply: the keys of an associative list at `path` (field names from the root). */
  listMapKeys?: (path: string[]) => string[] | undefined;
}

export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export function groupResource(def: ResourceDefinition): { group: string; resource: string } {
  return { group: def.group, resource: def.resource };
}

export function groupKind(def: ResourceDefinition): { group: string; kind: string } {
  return { group: def.group, kind: def.kind };
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
