import type { KasmClient } from '../../kasm/client.js';
import type { AdapterContext, ManagedObject, SyncOutcome } from '../managed-kind.js';

/**
 * Credentials Kasm hands out on request (a join URL, a login URL) and the operator keeps in an
 * owned Secret. Kasm cannot be asked again for the same URL, so the issued content is remembered
 * in memory, and after a restart read back from the Secret itself; a new one is requested only when
 * the target or the spec changed, the Secret lost its content, or the renewal interval passed.
 */

/** Status fields of an issued Secret (no secret values: when, for what, and the next renewal). */
export interface IssuedStatus {
  renewedAt?: string;
  nextRenewalAt?: string;
  /** metadata.generation the content was issued for. */
  issuedGeneration?: number;
  /** What it was issued for (ids only), e.g. `session <kasm id> user <user id>`. */
  issuedFor?: string;
}

interface Issued {
  secretName: string;
  target: string;
  generation: number;
  issuedAtMs: number;
  data: Record<string, string>;
}

/**
 * Issued content per connection (its client) and resource uid: only the process that asked Kasm
 * knows it. A new client (operator restart, changed connection) starts empty and reads the Secret.
 */
const issuedByClient = new WeakMap<KasmClient, Map<string, Issued>>();

function issuedOf(ctx: AdapterContext): Map<string, Issued> {
  let issued = issuedByClient.get(ctx.kasm);
  if (!issued) issuedByClient.set(ctx.kasm, (issued = new Map<string, Issued>()));
  return issued;
}

/** The key issued content is kept under: the resource's uid (its namespace/name before the API server gave one). */
export const issuedOwner = (ctx: AdapterContext, obj: ManagedObject): string => obj.metadata.uid ?? `${ctx.namespace}/${obj.metadata.name}`;

export function forgetIssued(ctx: AdapterContext, ownerUid: string | undefined): void {
  if (ownerUid !== undefined) issuedOf(ctx).delete(ownerUid);
}

export interface IssueRequest {
  ownerUid: string;
  secretName: string;
  /** Keys the Secret must have for its content to be reused after a restart. */
  keys: readonly string[];
  /** Keys the content may have, read back with it. */
  optionalKeys?: readonly string[];
  target: string;
  generation: number;
  status: Record<string, unknown>;
  renewIntervalMs: number | undefined;
  /** Whether the management policies allow asking Kasm for new credentials. */
  mayIssue: boolean;
  issue: () => Promise<Record<string, string>>;
}

/** After a restart: the content is reused when the status says it was issued for this target and generation. */
function fromSecret(ctx: AdapterContext, req: IssueRequest): Issued | undefined {
  const { issuedFor, issuedGeneration, renewedAt } = req.status;
  if (issuedFor !== req.target || issuedGeneration !== req.generation || typeof renewedAt !== 'string') return undefined;
  const issuedAtMs = Date.parse(renewedAt);
  if (Number.isNaN(issuedAtMs)) return undefined;
  try {
    const data = Object.fromEntries(req.keys.map((k) => [k, ctx.cluster.readSecretKey(ctx.namespace, req.secretName, k)]));
    for (const k of req.optionalKeys ?? []) {
      try {
        data[k] = ctx.cluster.readSecretKey(ctx.namespace, req.secretName, k);
      } catch {
        // Absent: the content had no such key.
      }
    }
    return { secretName: req.secretName, target: req.target, generation: req.generation, issuedAtMs, data };
  } catch {
    return undefined;
  }
}

function current(ctx: AdapterContext, req: IssueRequest): Issued | undefined {
  const known = issuedOf(ctx).get(req.ownerUid);
  if (known && known.secretName === req.secretName && known.target === req.target && known.generation === req.generation) return known;
  return fromSecret(ctx, req);
}

/**
 * The Secret output and status for this reconcile: the content already issued, or a new one from
 * Kasm when it is due. `requeueAfterMs` brings the next reconcile to the renewal time.
 */
export async function keepIssuedSecret(ctx: AdapterContext, req: IssueRequest): Promise<SyncOutcome & { renewed: boolean }> {
  const now = Date.now();
  let issued = current(ctx, req);
  const due = issued === undefined || (req.renewIntervalMs !== undefined && now - issued.issuedAtMs >= req.renewIntervalMs);
  let renewed = false;
  if (due && req.mayIssue) {
    issued = { secretName: req.secretName, target: req.target, generation: req.generation, issuedAtMs: now, data: await req.issue() };
    renewed = true;
  }
  if (issued === undefined) return { renewed, status: {} };
  issuedOf(ctx).set(req.ownerUid, issued);
  const nextAtMs = req.renewIntervalMs === undefined ? undefined : issued.issuedAtMs + req.renewIntervalMs;
  const status: IssuedStatus = {
    renewedAt: new Date(issued.issuedAtMs).toISOString(),
    ...(nextAtMs !== undefined ? { nextRenewalAt: new Date(nextAtMs).toISOString() } : {}),
    issuedGeneration: issued.generation,
    issuedFor: issued.target,
  };
  return {
    renewed,
    status: { ...status },
    outputs: [{ kind: 'Secret', name: req.secretName, data: issued.data }],
    // Under a policy that may not request, a due renewal waits for the policy to change.
    ...(nextAtMs !== undefined && req.mayIssue ? { requeueAfterMs: Math.max(nextAtMs - now, 1_000) } : {}),
  };
}
