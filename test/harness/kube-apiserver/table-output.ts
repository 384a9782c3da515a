/**
 * Server-side printing: the meta.k8s.io/v1 Table kubectl asks for, with a NAME column followed by the
 * kind's columns (a CRD's additionalPrinterColumns, evaluated as its convertor does), and the
 * PartialObjectMetadata forms.
 */
import { NAME_COLUMN } from './builtin-columns.js';
import { ageOf } from './human-duration.js';
import type { JsonObject, KubeObject } from './kube-object.js';
import { evaluateJsonPath, JsonPathError } from './printer-jsonpath.js';
import type { PrinterColumn, ResourceDefinition } from './resource-definition.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function partialObjectMetadata(obj: KubeObject): JsonObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function partialObjectMetadataList(objects: KubeObject[], meta: ListMeta): JsonObject {
  return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: objects.map(partialObjectMetadata) };
}

function printString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A CRD column's cell: typed like apiextensions' table convertor (missing or mistyped values are null). */
function jsonPathCell(column: PrinterColumn, obj: KubeObject, now: number): unknown {
  let results: unknown[];
  try {
    results = evaluateJsonPath(column.jsonPath ?? '', obj);
  } catch (err) {
    if (err instanceof JsonPathError) return null;
    throw err;
  }
  if (results.length === 0 || results[0] === undefined || results[0] === null) return null;
  const value = results[0];
  switch (column.type) {
    case 'string':
      return printString(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? ageOf(value, now) : null;
    default:
      return value;
  }
}

function cellOf(column: PrinterColumn, obj: KubeObject, now: number): unknown {
  if (column.cell) return column.cell(obj, now);
  return jsonPathCell(column, obj, now);
}

function columnDefinition(c: PrinterColumn): JsonObject {
  return { name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 };
}

function tableRow(def: ResourceDefinition, obj: KubeObject, includeObject: IncludeObject, now: number): JsonObject {
  const row: JsonObject = { cells: [obj.metadata.name ?? '', ...def.columns.map((c) => cellOf(c, obj, now))] };
  if (includeObject === 'Object') row.object = obj;
  else if (includeObject === 'Metadata') row.object = partialObjectMetadata(obj);
  return row;
}

export function toTable(def: ResourceDefinition, objects: KubeObject[], meta: ListMeta, includeObject: IncludeObject, now = Date.now()): JsonObject {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: [NAME_COLUMN, ...def.columns].map(columnDefinition),
    rows: objects.map((o) => tableRow(def, o, includeObject, now)),
  };
}

export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}
