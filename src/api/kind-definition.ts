import { z } from 'zod';
import type { PrinterColumn } from './crd-types.js';
import { API_GROUP, API_GROUP_VERSION } from './group-version.js';

/**
 * One custom resource kind, described once: its zod spec and status schemas and the CRD metadata
 * (names, printer columns). The CRD generator, the examples test and the controllers all read it.
 */
export interface KindOptions<K extends string, Spec extends z.ZodType, Status extends z.ZodType> {
  kind: K;
  /** Lowercase plural used in URLs and the CRD name, e.g. `kasmusers`. */
  plural: string;
  shortNames: readonly string[];
  /** What the kind is, for `kubectl explain`. */
  description: string;
  /**
   * Backed by one Kasm object with the shared managed fields (connectionRef, deletionPolicy,
   * managementPolicies, status.externalId): adds the EXTERNAL-ID column.
   */
  managed: boolean;
  spec: Spec;
  status: Status;
  /** Kind-specific columns, shown right after NAME. */
  printerColumns?: readonly PrinterColumn[];
}

/** Metadata fields the operator reads; others pass through untouched. */
export const objectMetaSchema = z
  .object({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.int().optional(),
    creationTimestamp: z.string().optional(),
    deletionTimestamp: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    finalizers: z.array(z.string()).optional(),
  })
  .loose();
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

function resourceSchema<K extends string, Spec extends z.ZodType, Status extends z.ZodType>(kind: K, spec: Spec, status: Status) {
  return z.object({
    apiVersion: z.literal(API_GROUP_VERSION),
    kind: z.literal(kind),
    metadata: objectMetaSchema,
    spec,
    status: status.optional(),
  });
}

export interface KindDefinition<K extends string = string, Spec extends z.ZodType = z.ZodType, Status extends z.ZodType = z.ZodType>
  extends KindOptions<K, Spec, Status> {
  singular: string;
  listKind: string;
  group: string;
  apiVersion: typeof API_GROUP_VERSION;
  /** `<plural>.<group>`, the CRD's metadata.name. */
  crdName: string;
  printerColumns: readonly PrinterColumn[];
  /** The whole object (apiVersion, kind, metadata, spec, status): parses manifests and watch events. */
  resource: ReturnType<typeof resourceSchema<K, Spec, Status>>;
}

const PLURAL = /^[a-z][a-z0-9]*$/;
const SHORT_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function defineKind<const K extends string, Spec extends z.ZodType, Status extends z.ZodType>(
  options: KindOptions<K, Spec, Status>,
): KindDefinition<K, Spec, Status> {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(options.kind)) throw new Error(`kind "${options.kind}" must be CamelCase`);
  if (!PLURAL.test(options.plural)) throw new Error(`${options.kind}: plural "${options.plural}" must be lowercase letters and digits`);
  for (const s of options.shortNames) {
    if (!SHORT_NAME.test(s)) throw new Error(`${options.kind}: short name "${s}" must be a DNS-1035 label`);
  }
  return {
    ...options,
    singular: options.kind.toLowerCase(),
    listKind: `${options.kind}List`,
    group: API_GROUP,
    apiVersion: API_GROUP_VERSION,
    crdName: `${options.plural}.${API_GROUP}`,
    printerColumns: options.printerColumns ?? [],
    resource: resourceSchema(options.kind, options.spec, options.status),
  };
}
