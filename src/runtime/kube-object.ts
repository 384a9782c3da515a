import { z } from 'zod';

/**
 * The part of every Kubernetes object the generic runtime relies on. Loose objects: fields the
 * runtime does not know pass through untouched (spec, status, data ...).
 */
export const objectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: z
    .array(z.looseObject({ apiVersion: z.string(), kind: z.string(), name: z.string(), uid: z.string(), controller: z.boolean().optional() }))
    .optional(),
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

export const kubeObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
});
export type KubeObject = z.infer<typeof kubeObjectSchema>;

/** A list reply: items are validated one by one by the caller so one bad item cannot hide the rest. */
export const kubeListSchema = z.looseObject({
  metadata: z
    .looseObject({
      resourceVersion: z.string().optional(),
      continue: z.string().optional(),
    })
    .optional(),
  items: z.array(z.unknown()).nullish(),
});

/** metav1.Status, the body of API errors and of watch ERROR events. */
export const kubeStatusSchema = z.looseObject({
  kind: z.literal('Status').optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().int().optional(),
});
export type KubeStatus = z.infer<typeof kubeStatusSchema>;
