import type { KasmSession, KasmSessionStatus, SessionRef } from '../../kasm/areas/sessions.js';
import { KasmBusinessError, KasmNotFoundError, KasmPendingError } from '../../kasm/errors.js';
import type { AdapterContext } from '../managed-kind.js';

/**
 * Where a session is in its life, from the state Kasm lists and, while it starts, from
 * get_kasm_status: that call answers "currently requested" with the progress until the session
 * runs, then the session with a fresh connect URL.
 */
export type Phase = 'starting' | 'running' | 'stopped';

/** States in which Kasm is not bringing the session up: waiting does not make them run. */
const STOPPED = new Set(['paused', 'pausing', 'stopped', 'stopping', 'saving', 'deleting', 'destroying', 'destroyed', 'deleted']);

export function phaseOf(operationalStatus: string | null): Phase {
  if (operationalStatus === 'running') return 'running';
  return operationalStatus !== null && STOPPED.has(operationalStatus.toLowerCase()) ? 'stopped' : 'starting';
}

/** How soon a starting session is looked at again: a fraction of the poll interval, between 0.5 s and 3 s. */
export function startingPollMs(pollIntervalMs: number): number {
  return Math.min(3_000, Math.max(500, Math.round(pollIntervalMs / 20)));
}

export type StatusRead =
  | { kind: 'running'; reply: KasmSessionStatus }
  | { kind: 'starting'; session: KasmSession }
  | { kind: 'stopped'; message: string }
  | { kind: 'ended' };

/** One get_kasm_status, its Kasm answers sorted into phases (other failures are thrown). */
export async function readSessionStatus(ctx: AdapterContext, session: KasmSession): Promise<StatusRead> {
  const ref: SessionRef = { kasmId: session.kasmId, userId: session.userId };
  try {
    return { kind: 'running', reply: await ctx.kasm.sessions.status(ref, { signal: ctx.signal }) };
  } catch (err) {
    if (err instanceof KasmPendingError) {
      return {
        kind: 'starting',
        // The error carries the state and progress but not Kasm's message; an older message would mislead.
        session: { ...session, operationalStatus: err.operationalStatus ?? session.operationalStatus, operationalProgress: err.progress ?? session.operationalProgress, operationalMessage: null },
      };
    }
    if (err instanceof KasmNotFoundError) return { kind: 'ended' };
    if (err instanceof KasmBusinessError) return { kind: 'stopped', message: err.kasmMessage };
    throw err;
  }
}

/** Kasm's answer to a call on a session that is gone ("Invalid kasm_id") or no longer running. */
export function sessionGoneOrStopped(err: unknown): 'ended' | 'stopped' | undefined {
  if (err instanceof KasmNotFoundError) return 'ended';
  if (err instanceof KasmPendingError || err instanceof KasmBusinessError) return 'stopped';
  return undefined;
}

export function startingMessage(session: KasmSession): string {
  const progress = session.operationalProgress === null ? '' : ` ${session.operationalProgress}%`;
  const said = session.operationalMessage ? `: ${session.operationalMessage}` : '';
  return `Kasm is starting session ${session.kasmId} (${session.operationalStatus ?? 'requested'}${progress})${said}`;
}
