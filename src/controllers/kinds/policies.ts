import type { ManagementPolicy } from '../../api/managed-resource.js';

/**
 * Whether the management policies let an adapter ask Kasm for something new in its afterSync work
 * (a join or login link): Create, or everything. Under ["Observe"] nothing is requested.
 */
export function mayRequest(policies: readonly ManagementPolicy[]): boolean {
  return policies.includes('*') || policies.includes('Create');
}
