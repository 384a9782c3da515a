/**
 * Column definitions shared by the built-in kinds' tables, worded like kube-apiserver's printers.
 */
import { ageOf } from './human-duration.js';
import type { KubeObject } from './kube-object.js';
import type { PrinterColumn } from './resource-definition.js';

export const NAME_COLUMN: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.',
  cell: (obj: KubeObject, now: number) => ageOf(obj.metadata.creationTimestamp, now),
};

/** The default table of kinds without their own printer: Name and Created At. */
export const CREATED_AT_COLUMN: PrinterColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (obj: KubeObject) => obj.metadata.creationTimestamp ?? null,
};
