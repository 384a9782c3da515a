import { kasmSessionJoinSpec, type KasmSessionJoinSpec } from '../../api/kasm-session-join.js';
import { renewIntervalMs } from '../../api/renew-interval.js';
import type { KasmSession } from '../../kasm/areas/sessions.js';
import type { KasmUserRecord } from './kasm-user-record.js';
import type { ManagedKindAdapter, Observation } from '../managed-kind.js';
import { ReferenceNotReadyError } from '../reconcile-errors.js';
import { forgetIssued, issuedOwner, keepIssuedSecret } from './issued-secret.js';
import { sessionSummary } from './kasm-session-observations.js';
import { absoluteKasmUrl } from './kasm-urls.js';
import { mayRequest } from '../policies.js';
import { requireKasmUser, requireRunningSession, resolveSessionRef } from './session-targets.js';

interface JoinResolved {
  spec: KasmSessionJoinSpec;
  ownerUid: string;
  session: KasmSession;
  user: KasmUserRecord;
}

interface JoinObserved {
  session: KasmSession;
  user: KasmUserRecord;
}

const observation = (r: JoinResolved): Observation<JoinObserved> => ({ observed: { session: r.session, user: r.user }, externalId: r.session.kasmId });

/**
 * KasmSessionJoin observes the shared session (from the session list) and the joining user; the
 * join link itself is obtained after sync and kept in the owned Secret. Nothing is written to Kasm
 * but the join, so the session is adopted as it is.
 */
export const kasmSessionJoinAdapter: ManagedKindAdapter<KasmSessionJoinSpec, JoinResolved, JoinObserved> = {
  kind: 'KasmSessionJoin',
  specSchema: kasmSessionJoinSpec,
  adoptsExisting: true,

  async resolve(spec, ctx, obj) {
    let shareId = spec.shareId;
    if (spec.sessionRef) {
      shareId = resolveSessionRef(ctx, spec.sessionRef.name).shareId;
      if (shareId === undefined) throw new ReferenceNotReadyError('KasmSession', spec.sessionRef.name, 'has no share id: sharing is off; re-create it with spec.enableSharing: true');
    }
    const session = await requireRunningSession(ctx, { shareId: shareId ?? '' });
    const user = await requireKasmUser(ctx, spec);
    return { spec, ownerUid: issuedOwner(ctx, obj), session, user };
  },

  naturalKey: (r) => r.session.shareId ?? r.session.kasmId,

  observe: (_ctx, { resolved }) => Promise.resolve(observation(resolved)),

  create(_ctx, resolved) {
    return Promise.reject(new ReferenceNotReadyError('Kasm session with share id', resolved.session.shareId ?? '', 'is not running in Kasm'));
  },

  update: (_ctx, current) => Promise.resolve(current),

  delete(ctx, _current, resolved) {
    // A join link cannot be taken back in Kasm; the Secret goes with the resource (owner reference).
    forgetIssued(ctx, resolved?.ownerUid);
    return Promise.resolve();
  },

  diff: () => [],

  atProvider({ session, user }) {
    return { ...sessionSummary(session), shareId: session.shareId, ownerUsername: session.username, userId: user.userId, username: user.username };
  },

  async afterSync(ctx, { resolved, status, generation }) {
    const { spec, session, user } = resolved;
    const secretName = spec.writeConnectionSecretToRef.name;
    const shareId = session.shareId ?? '';
    const outcome = await keepIssuedSecret(ctx, {
      ownerUid: resolved.ownerUid,
      secretName,
      keys: ['url', 'shareId', 'kasmId', 'userId'],
      optionalKeys: ['token'],
      target: `session ${session.kasmId} user ${user.userId}`,
      generation,
      status,
      renewIntervalMs: renewIntervalMs(spec.renewInterval),
      mayIssue: mayRequest(spec.managementPolicies),
      issue: async () => {
        const reply = await ctx.kasm.sessions.join({ shareId, userId: user.userId }, { signal: ctx.signal });
        return {
          url: absoluteKasmUrl(ctx, reply.kasmUrl),
          ...(reply.sessionToken ? { token: reply.sessionToken } : {}),
          shareId,
          kasmId: session.kasmId,
          userId: user.userId,
        };
      },
    });
    const { renewed, ...sync } = outcome;
    if (!renewed) return sync;
    return {
      ...sync,
      events: [{ type: 'Normal', reason: 'JoinLinkIssued', note: `Wrote ${user.username}'s link into the shared session ${shareId} to Secret "${secretName}"` }],
    };
  },
};
