import type { ManagementPolicy } from '../api/managed-resource.js';

export type PolicyAction = Exclude<ManagementPolicy, '*'>;

/** Whether the management policies allow `action`: listed, or everything ("*"). */
export function allows(policies: readonly ManagementPolicy[], action: PolicyAction): boolean {
  return policies.includes('*') || policies.includes(action);
}

/**
 * Whether the management policies let an adapter ask Kasm for something new in its afterSync work
 * (a join or login link): Create, or everything. Under ["Observe"] nothing is requested.
 */
export const mayRequest = (policies: readonly ManagementPolicy[]): boolean => allows(policies, 'Create');
