import type { AdapterContext, SyncOutcome } from '../managed-kind.js';

/**
 * Keepalive at the spec's interval: the time of the last call is kept in status, so a restart or an
 * extra reconcile (a Secret event, a poll) does not send one early, and the next reconcile is
 * brought to the time the next one is due.
 */
export type KeepaliveState = {
  keepaliveSentAt?: string | undefined;
  keepaliveUsageReached?: boolean;
};

export async function keepSessionAlive(
  ctx: AdapterContext,
  kasmId: string,
  intervalMs: number,
  previous: KeepaliveState,
  now: number,
): Promise<Pick<SyncOutcome, 'requeueAfterMs' | 'events'> & { status: KeepaliveState }> {
  const sentAtMs = previous.keepaliveSentAt === undefined ? Number.NaN : Date.parse(previous.keepaliveSentAt);
  const dueAtMs = Number.isNaN(sentAtMs) ? now : sentAtMs + intervalMs;
  if (now < dueAtMs) {
    const status: KeepaliveState = { ...(previous.keepaliveSentAt !== undefined ? { keepaliveSentAt: previous.keepaliveSentAt } : {}) };
    if (previous.keepaliveUsageReached !== undefined) status.keepaliveUsageReached = previous.keepaliveUsageReached;
    return { status, requeueAfterMs: dueAtMs - now };
  }
  const { usageReached } = await ctx.kasm.sessions.keepalive(kasmId, { signal: ctx.signal });
  const events: SyncOutcome['events'] =
    usageReached && previous.keepaliveUsageReached !== true
      ? [{ type: 'Warning', reason: 'KeepaliveUsageReached', note: `Kasm answered keepalive for session ${kasmId} with usage_reached: the owner's usage quota is spent` }]
      : [];
  return { status: { keepaliveSentAt: new Date(now).toISOString(), keepaliveUsageReached: usageReached }, requeueAfterMs: intervalMs, events };
}
