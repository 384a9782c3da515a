import { kasmLoginSpec, type KasmLoginSpec } from '../../api/kasm-login.js';
import { renewIntervalMs } from '../../api/renew-interval.js';
import type { KasmUserRecord } from './kasm-user-record.js';
import type { ManagedKindAdapter } from '../managed-kind.js';
import { ReferenceNotReadyError } from '../reconcile-errors.js';
import { forgetIssued, issuedOwner, keepIssuedSecret } from './issued-secret.js';
import { mayRequest } from '../policies.js';
import { requireKasmUser } from './session-targets.js';

interface LoginResolved {
  spec: KasmLoginSpec;
  ownerUid: string;
  user: KasmUserRecord;
}

interface LoginObserved {
  user: KasmUserRecord;
}

/**
 * KasmLogin observes its user (from the shared user list) and keeps a login link for it in the
 * owned Secret, renewed on spec.renewInterval. get_login changes nothing in Kasm that could be read
 * back, so the user is adopted as it is.
 */
export const kasmLoginAdapter: ManagedKindAdapter<KasmLoginSpec, LoginResolved, LoginObserved> = {
  kind: 'KasmLogin',
  specSchema: kasmLoginSpec,
  adoptsExisting: true,

  async resolve(spec, ctx, obj) {
    const user = await requireKasmUser(ctx, spec);
    return { spec, ownerUid: issuedOwner(ctx, obj), user };
  },

  naturalKey: (r) => r.user.userId,

  observe: (_ctx, { resolved }) => Promise.resolve({ observed: { user: resolved.user }, externalId: resolved.user.userId }),

  create(_ctx, resolved) {
    return Promise.reject(new ReferenceNotReadyError('Kasm user', resolved.user.userId, 'does not exist in Kasm'));
  },

  update: (_ctx, current) => Promise.resolve(current),

  delete(ctx, _current, resolved) {
    // Issued links cannot be revoked one by one; the Secret goes with the resource (owner reference).
    forgetIssued(ctx, resolved?.ownerUid);
    return Promise.resolve();
  },

  diff: () => [],

  atProvider({ user }) {
    return { userId: user.userId, username: user.username, disabled: user.disabled, locked: user.locked };
  },

  async afterSync(ctx, { resolved, status, generation }) {
    const { spec, user } = resolved;
    if (user.disabled === true || user.locked === true) {
      // A link would not sign a disabled or locked user in; the Secret keeps what it has.
      return {
        notReady: {
          reason: 'UserCannotSignIn',
          message: `Kasm user ${user.username} is ${user.disabled === true ? 'disabled' : 'locked'}; a login link is requested once it may sign in again`,
        },
      };
    }
    const secretName = spec.writeConnectionSecretToRef.name;
    const { renewed, ...sync } = await keepIssuedSecret(ctx, {
      ownerUid: resolved.ownerUid,
      secretName,
      keys: ['url', 'userId', 'username'],
      target: `user ${user.userId}`,
      generation,
      status,
      renewIntervalMs: renewIntervalMs(spec.renewInterval),
      mayIssue: mayRequest(spec.managementPolicies),
      issue: async () => ({ url: await ctx.kasm.users.loginUrl(user.userId, { signal: ctx.signal }), userId: user.userId, username: user.username }),
    });
    if (!renewed) return sync;
    return { ...sync, events: [{ type: 'Normal', reason: 'LoginLinkRenewed', note: `Wrote a new login link for ${user.username} to Secret "${secretName}"` }] };
  },
};
