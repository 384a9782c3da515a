/**
 * The list/watch filter: namespace, label selector and field selector, applied to stored objects.
 */
import { matchesFields, parseFieldSelector, type FieldSelector } from './field-selector.js';
import type { KubeObject } from './kube-object.js';
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.js';
import type { ResourceDefinition } from './resource-definition.js';

export interface ObjectFilter {
  namespace: string | undefined;
  labels: LabelSelector;
  fields: FieldSelector;
  matches(obj: KubeObject): boolean;
}

export function buildObjectFilter(
  def: ResourceDefinition,
  namespace: string | undefined,
  labelSelector: string | null,
  fieldSelector: string | null,
  name?: string,
): ObjectFilter {
  const labels = parseLabelSelector(labelSelector ?? undefined);
  const fields = parseFieldSelector(fieldSelector ?? undefined, def.fieldLabels);
  // A watch on one object (…/name?watch=true) is a watch with metadata.name=<name>.
  if (name !== undefined) fields.push({ field: 'metadata.name', op: '=', value: name });
  return {
    namespace,
    labels,
    fields,
    matches: (obj) =>
      (namespace === undefined || obj.metadata.namespace === namespace) &&
      matchesLabels(labels, obj.metadata.labels) &&
      matchesFields(fields, obj, def.fieldLabels),
  };
}
