import { ANNOTATION_EXTERNAL_ID } from '../../api/annotations.js';
import { keepaliveMs, kasmSessionSpec, type KasmSessionSpec } from '../../api/kasm-session.js';
import type { KasmImage } from '../../kasm/areas/images.js';
import type { KasmSession, KasmSessionStatus } from '../../kasm/areas/sessions.js';
import { normalizeKasmId, tryNormalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext, FieldDiff, ManagedKindAdapter, Observation, SyncOutcome } from '../managed-kind.js';
import type { OwnedOutput } from '../owned-outputs.js';
import { InvalidSpecError } from '../reconcile-errors.js';
import { resolveManagedRef } from '../reference-resolver.js';
import { forgetIssued, issuedOwner } from './issued-secret.js';
import { findImage, forgetIn, rememberIn, requireInKasm } from './kasm-inventories.js';
import { SESSIONS_INVENTORY, allSessions, findSession, recordingsOf, requestedSession, sessionsInventory } from './kasm-session-inventory.js';
import { keepSessionAlive } from './kasm-session-keepalive.js';
import { frameStatsOf, recordingsStatus, sessionAtProvider } from './kasm-session-observations.js';
import { connectionSecret, screenshot } from './kasm-session-outputs.js';
import { phaseOf, readSessionStatus, sessionGoneOrStopped, startingMessage, startingPollMs, type Phase } from './kasm-session-phase.js';
import { allows, mayRequest } from '../policies.js';
import { requireKasmUser } from './session-targets.js';

/**
 * KasmSession: request_kasm to start, get_kasms (the shared session list) to observe, destroy_kasm
 * to delete. Ready once Kasm reports the session running; afterSync keeps it alive, writes the
 * connection Secret and the screenshot ConfigMap, and reads frame statistics and recordings.
 * Sessions have no natural key: one is found without its id only after an interrupted create.
 */

interface SessionResolved {
  spec: KasmSessionSpec;
  ownerUid: string;
  userId: string;
  username: string;
  imageId: string;
  imageName: string;
  /** get_kasm_status issues a new token: only when the policies let the operator ask Kasm for things. */
  mayIssue: boolean;
  /** keepalive changes the session's expiration: only with Update. */
  mayUpdate: boolean;
}

const observation = (session: KasmSession): Observation<KasmSession> => ({ observed: session, externalId: session.kasmId });

async function requireImage(ctx: AdapterContext, spec: KasmSessionSpec): Promise<KasmImage> {
  const imageId = normalizeKasmId(spec.imageRef ? resolveManagedRef(ctx, 'KasmImage', spec.imageRef.name) : (spec.imageId ?? ''));
  return requireInKasm(await findImage(ctx, imageId), 'Kasm image', imageId);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The newest of the sessions: the one an interrupted request_kasm most likely started. */
function newest(sessions: readonly KasmSession[]): KasmSession | undefined {
  const time = (s: KasmSession): number => (s.createdDate ?? s.startDate)?.getTime() ?? 0;
  return [...sessions].sort((a, b) => time(b) - time(a))[0];
}

/** A call found the session gone: drop it from the list so the next reconcile decides (recreate or report). */
async function missing(ctx: AdapterContext, kasmId: string): Promise<SyncOutcome> {
  await forgetIn(ctx, sessionsInventory, kasmId);
  return { notReady: { reason: 'SessionMissing', message: `Kasm no longer knows session ${kasmId}; checking the session list` }, requeueAfterMs: startingPollMs(ctx.pollIntervalMs) };
}

/** Collects what the parts of afterSync return into one outcome. */
class Outcome {
  readonly status: Record<string, unknown> = {};
  readonly outputs: OwnedOutput[] = [];
  readonly events: NonNullable<SyncOutcome['events']>[number][] = [];
  private requeueMs: number | undefined;

  add(part: SyncOutcome): void {
    Object.assign(this.status, part.status);
    this.outputs.push(...(part.outputs ?? []));
    this.events.push(...(part.events ?? []));
    this.requeueSoon(part.requeueAfterMs);
  }

  requeueSoon(ms: number | undefined): void {
    if (ms !== undefined) this.requeueMs = this.requeueMs === undefined ? ms : Math.min(this.requeueMs, ms);
  }

  result(notReady: SyncOutcome['notReady']): SyncOutcome {
    return {
      status: this.status,
      outputs: this.outputs,
      events: this.events,
      ...(notReady ? { notReady } : {}),
      ...(this.requeueMs !== undefined ? { requeueAfterMs: Math.max(0, this.requeueMs) } : {}),
    };
  }
}

export const kasmSessionAdapter: ManagedKindAdapter<KasmSessionSpec, SessionResolved, KasmSession> = {
  kind: 'KasmSession',
  specSchema: kasmSessionSpec,

  async resolve(spec, ctx, obj) {
    const user = await requireKasmUser(ctx, spec);
    const image = await requireImage(ctx, spec);
    const policies = spec.managementPolicies;
    return {
      spec,
      ownerUid: issuedOwner(ctx, obj),
      userId: user.userId,
      username: user.username,
      imageId: image.imageId,
      imageName: image.friendlyName ?? image.name,
      mayIssue: mayRequest(policies),
      mayUpdate: allows(policies, 'Update'),
    };
  },

  naturalKey: (r) => `${r.username}/${r.imageName}`,

  async observe(ctx, { externalId, byNaturalKey, resolved, refresh }) {
    if (externalId !== undefined) {
      const kasmId = tryNormalizeKasmId(externalId);
      if (kasmId === undefined) {
        throw new InvalidSpecError(`annotation ${ANNOTATION_EXTERNAL_ID}: "${externalId}" is not a Kasm session id; set the kasm id (32 hex digits) of the session to adopt, or remove it`);
      }
      ctx.deps.dependOnKasm(SESSIONS_INVENTORY, kasmId);
      const session = await findSession(ctx, kasmId);
      return session && observation(session);
    }
    // Without an id, only a create whose reply was lost is looked for: the newest session of this user and image.
    if (!byNaturalKey || refresh !== true) return undefined;
    const candidates = (await allSessions(ctx, true)).filter((s) => s.userId === resolved.userId && s.imageId === resolved.imageId);
    const found = newest(candidates);
    return found && observation(found);
  },

  async create(ctx, resolved) {
    const { spec } = resolved;
    const reply = await ctx.kasm.sessions.request(
      {
        userId: resolved.userId,
        imageId: resolved.imageId,
        ...(spec.enableSharing !== undefined ? { enableSharing: spec.enableSharing } : {}),
        ...(spec.environment !== undefined ? { environment: spec.environment } : {}),
        ...(spec.persistentProfileMode !== undefined ? { persistentProfileMode: spec.persistentProfileMode } : {}),
      },
      { signal: ctx.signal },
    );
    // The reply's URL and token are dropped: get_kasm_status issues the ones that work once it runs.
    const session = requestedSession(reply, resolved.imageId, spec.persistentProfileMode);
    await rememberIn(ctx, sessionsInventory, session);
    return observation(session);
  },

  update(_ctx, current, _resolved, diff) {
    const fields = diff.map((d) => `${d.field} (spec ${d.desired ?? ''}, session ${d.observed ?? ''})`).join(', ');
    return Promise.reject(
      new InvalidSpecError(
        `Kasm session ${current.externalId} differs from the spec in ${fields}, which Kasm fixes when a session starts; ` +
          `correct the spec, point ${ANNOTATION_EXTERNAL_ID} at a matching session, or delete and re-create this KasmSession`,
      ),
    );
  },

  async delete(ctx, current, resolved) {
    forgetIssued(ctx, resolved?.ownerUid);
    const kasmId = normalizeKasmId(current.externalId);
    // With its references gone the reconciler passes no observation: the owner comes from the session list.
    const owner = current.observed?.userId ?? (await findSession(ctx, kasmId))?.userId;
    if (owner === undefined) return;
    await ctx.kasm.sessions.destroy({ kasmId, userId: owner }, { signal: ctx.signal });
    await forgetIn(ctx, sessionsInventory, kasmId);
  },

  diff(resolved, session) {
    const diff: FieldDiff[] = [];
    const { spec } = resolved;
    if (session.userId !== resolved.userId) diff.push({ field: spec.userRef ? 'userRef' : 'userId', desired: resolved.userId, observed: session.userId });
    if (session.imageId !== null && session.imageId !== resolved.imageId) {
      diff.push({ field: spec.imageRef ? 'imageRef' : 'imageId', desired: resolved.imageId, observed: session.imageId });
    }
    const shared = session.shareId !== null;
    if (spec.enableSharing !== undefined && shared !== spec.enableSharing) diff.push({ field: 'enableSharing', desired: String(spec.enableSharing), observed: String(shared) });
    return diff;
  },

  atProvider: sessionAtProvider,

  whenGone(resolved, status) {
    if (resolved.spec.recreatePolicy === 'Always') return 'recreate';
    const id = text(status.externalId) ?? '';
    return {
      reason: 'SessionEnded',
      message: `Kasm ended session ${id} (it expired or was destroyed outside the operator) and recreatePolicy is Never; set recreatePolicy: Always, or delete and re-create this KasmSession, to start a new one`,
    };
  },

  async afterSync(ctx, { resolved, current, status, generation }) {
    const { spec } = resolved;
    const now = Date.now();
    const out = new Outcome();
    let session = current.observed;
    let phase: Phase = phaseOf(session.operationalStatus);
    let stoppedMessage: string | undefined;
    let fresh: KasmSessionStatus | undefined;

    // While it starts, get_kasm_status tells the progress, and the moment it runs.
    if (phase === 'starting' && resolved.mayIssue) {
      const read = await readSessionStatus(ctx, session);
      if (read.kind === 'ended') return missing(ctx, session.kasmId);
      if (read.kind === 'running') {
        fresh = read.reply;
        session = read.reply.kasm;
        phase = 'running';
        await rememberIn(ctx, sessionsInventory, session);
      } else if (read.kind === 'starting') {
        session = read.session;
      } else {
        phase = 'stopped';
        stoppedMessage = read.message;
      }
    }

    try {
      if (spec.writeConnectionSecretToRef) {
        const secret = await connectionSecret(ctx, {
          ownerUid: resolved.ownerUid,
          secretName: spec.writeConnectionSecretToRef.name,
          session,
          running: phase === 'running',
          generation,
          status,
          mayIssue: resolved.mayIssue,
          rdp: spec.options?.rdp,
          fresh,
        });
        if (secret.read) {
          session = secret.read.kasm;
          await rememberIn(ctx, sessionsInventory, session);
        }
        out.add(secret);
      }
      const intervalMs = keepaliveMs(spec.keepalive);
      if (phase === 'running' && intervalMs !== undefined && resolved.mayUpdate) {
        out.add(await keepSessionAlive(ctx, session.kasmId, intervalMs, { keepaliveSentAt: text(status.keepaliveSentAt), keepaliveUsageReached: status.keepaliveUsageReached === true }, now));
      }
      const ref = { kasmId: session.kasmId, userId: session.userId };
      const shot = spec.options?.screenshot;
      if (phase === 'running' && shot) {
        const { takenAt, ...part } = await screenshot(ctx, ref, shot, text(status.screenshotTakenAt), now);
        out.add({ ...part, status: takenAt !== undefined ? { screenshotTakenAt: takenAt } : {} });
      }
      const frameStats = phase === 'running' ? await frameStatsOf(ctx, ref) : undefined;
      const recordings = recordingsStatus(await recordingsOf(ctx, session.kasmId));
      out.add({
        status: {
          atProvider: { ...sessionAtProvider(session), ...(frameStats ? { frameStats } : {}), ...(recordings.length > 0 ? { recordings } : {}) },
        },
      });
    } catch (err) {
      const gone = sessionGoneOrStopped(err);
      if (gone === 'ended') return missing(ctx, session.kasmId);
      if (gone === undefined) throw err;
      // Listed as running a moment ago, no longer: the next list says what it is now.
      phase = 'stopped';
      stoppedMessage = err instanceof Error ? err.message : String(err);
    }

    if (phase === 'starting') {
      out.requeueSoon(resolved.mayIssue ? startingPollMs(ctx.pollIntervalMs) : undefined);
      return out.result({ reason: 'Starting', message: startingMessage(session) });
    }
    if (phase === 'stopped') {
      const state = session.operationalStatus ?? 'not running';
      return out.result({ reason: 'NotRunning', message: `Kasm reports session ${session.kasmId} as ${state}${stoppedMessage ? `: ${stoppedMessage}` : ''}` });
    }
    return out.result(undefined);
  },
};
