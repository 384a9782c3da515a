import { EXEC_OUTPUT_NOT_REPORTED, kasmExecSpec, type KasmExecSpec } from '../../api/kasm-exec.js';
import type { ExecInput, KasmSession } from '../../kasm/areas/sessions.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { ManagedKindAdapter } from '../managed-kind.js';
import { ReferenceNotReadyError } from '../reconcile-errors.js';
import { sessionSummary } from './kasm-session-observations.js';
import { requireRunningSession, resolveSessionRef } from './session-targets.js';

interface ExecResolved {
  spec: KasmExecSpec;
  kasmId: string;
  /** The session's owner, on whose behalf Kasm runs the command. */
  ownerUserId: string;
  session: KasmSession;
  generation: number;
}

interface ExecObserved {
  session: KasmSession;
  /** Set by the reconcile that sent the command. */
  sent?: { at: string; generation: number; kasmId: string };
}

function execInput(spec: KasmExecSpec): ExecInput {
  return {
    cmd: spec.command,
    ...(spec.workingDirectory !== undefined ? { workdir: spec.workingDirectory } : {}),
    ...(spec.environment !== undefined ? { environment: spec.environment } : {}),
    ...(spec.user !== undefined ? { user: spec.user } : {}),
    ...(spec.privileged !== undefined ? { privileged: spec.privileged } : {}),
  };
}

/**
 * KasmExec observes the session it runs in (the command leaves nothing Kasm could report); the
 * command counts as differing from the spec until the status records it sent for this generation
 * and session, and the update sends it. The record lives in status, so neither a resync nor a
 * restart sends it again. Deleting the resource changes nothing in Kasm.
 */
export const kasmExecAdapter: ManagedKindAdapter<KasmExecSpec, ExecResolved, ExecObserved> = {
  kind: 'KasmExec',
  specSchema: kasmExecSpec,
  adoptsExisting: true,

  async resolve(spec, ctx, obj) {
    const target = spec.sessionRef
      ? resolveSessionRef(ctx, spec.sessionRef.name)
      : { kasmId: normalizeKasmId(spec.kasmId ?? ''), ...(spec.userId !== undefined ? { ownerUserId: normalizeKasmId(spec.userId) } : {}) };
    const session = await requireRunningSession(ctx, { kasmId: target.kasmId });
    return { spec, kasmId: session.kasmId, ownerUserId: target.ownerUserId ?? session.userId, session, generation: obj.metadata.generation ?? 0 };
  },

  naturalKey: (r) => r.kasmId,

  observe: (_ctx, { resolved }) => Promise.resolve({ observed: { session: resolved.session }, externalId: resolved.kasmId }),

  create(_ctx, resolved) {
    return Promise.reject(new ReferenceNotReadyError('Kasm session', resolved.kasmId, 'is not running in Kasm'));
  },

  async update(ctx, current, resolved) {
    const reply = await ctx.kasm.sessions.exec({ kasmId: resolved.kasmId, userId: resolved.ownerUserId }, execInput(resolved.spec), { signal: ctx.signal });
    ctx.logger.info({ kasmId: resolved.kasmId, generation: resolved.generation }, 'command sent; Kasm reports no output');
    return {
      ...current,
      observed: { session: reply.kasm ?? current.observed.session, sent: { at: new Date().toISOString(), generation: resolved.generation, kasmId: resolved.kasmId } },
    };
  },

  delete: () => Promise.resolve(),

  diff(resolved, _observed, status) {
    const sentGeneration = typeof status?.sentGeneration === 'number' ? status.sentGeneration : undefined;
    const sentKasmId = typeof status?.sentKasmId === 'string' ? status.sentKasmId : undefined;
    if (sentGeneration === resolved.generation && sentKasmId === resolved.kasmId) return [];
    const observed =
      sentGeneration === undefined
        ? 'not sent'
        : sentKasmId !== resolved.kasmId
          ? `sent to session ${sentKasmId ?? '(unknown)'}`
          : `sent for generation ${sentGeneration}`;
    // The spec (or the session) changed, not Kasm: never reported as drift.
    return [{ field: 'command', desired: `sent for generation ${resolved.generation}`, observed, fromInput: true }];
  },

  atProvider({ session }) {
    return { ...sessionSummary(session), userId: session.userId, username: session.username };
  },

  extraStatus(_resolved, observed) {
    const sent = observed.sent ? { sentAt: observed.sent.at, sentGeneration: observed.sent.generation, sentKasmId: observed.sent.kasmId } : {};
    return { ...sent, output: EXEC_OUTPUT_NOT_REPORTED };
  },
};
