/**
 * coordination.k8s.io/v1 Leases, the lock leader election takes.
 */
import { AGE_COLUMN } from './builtin-columns.js';
import { builtinDefinition, builtinSchema } from './builtin-definition.js';
import { isJsonObject } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { StatusCause } from './schema-validation.js';
import { cause } from './status-errors.js';

export function leaseDefinition(): ResourceDefinition {
  return builtinDefinition({
    group: 'coordination.k8s.io',
    resource: 'leases',
    kind: 'Lease',
    singular: 'lease',
    schema: builtinSchema({
      spec: {
        type: 'object',
        properties: {
          holderIdentity: { type: 'string', nullable: true },
          leaseDurationSeconds: { type: 'integer', nullable: true },
          acquireTime: { type: 'string', nullable: true },
          renewTime: { type: 'string', nullable: true },
          leaseTransitions: { type: 'integer', nullable: true },
          strategy: { type: 'string', nullable: true },
          preferredHolder: { type: 'string', nullable: true },
        },
      },
    }),
    columns: [
      {
        name: 'Holder',
        type: 'string',
        cell: (o) => (isJsonObject(o.spec) && typeof o.spec.holderIdentity === 'string' ? o.spec.holderIdentity : ''),
      },
      AGE_COLUMN,
    ],
    validate(obj) {
      const causes: StatusCause[] = [];
      const spec = isJsonObject(obj.spec) ? obj.spec : {};
      const duration = spec.leaseDurationSeconds;
      if (typeof duration === 'number' && duration <= 0) {
        causes.push(cause.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
      }
      const transitions = spec.leaseTransitions;
      if (typeof transitions === 'number' && transitions < 0) {
        causes.push(cause.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
      }
      return causes;
    },
  });
}
