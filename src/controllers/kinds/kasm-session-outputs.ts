import type { KasmSessionSpec } from '../../api/kasm-session.js';
import { screenshotIntervalMs } from '../../api/kasm-session.js';
import type { KasmSession, KasmSessionStatus, SessionRef } from '../../kasm/areas/sessions.js';
import { KasmBusinessError, KasmNotFoundError } from '../../kasm/errors.js';
import type { AdapterContext, SyncOutcome } from '../managed-kind.js';
import type { OwnedOutput } from '../owned-outputs.js';
import { keepIssuedSecret } from './issued-secret.js';
import { absoluteKasmUrl } from './kasm-urls.js';

/**
 * The session's outputs: the connection Secret (connect URL and token from get_kasm_status, RDP
 * details) and the screenshot ConfigMap. Kasm issues a new token on every status read and only the
 * latest works, so the Secret is renewed at the poll interval: a token rotated by someone else (the
 * Kasm UI, another client) is replaced within one interval.
 */

const SCREENSHOT_KEY = 'screenshot.jpg';

/** The token is the last segment of the connect path `/#/connect/kasm/<kasm id>/<user id>/<token>`. */
function tokenOf(kasmUrl: string): string | undefined {
  const last = kasmUrl.split('/').filter((part) => part !== '').at(-1);
  return last !== undefined && /^[0-9a-fA-F-]{32,36}$/.test(last) ? last : undefined;
}

const target = (kasmId: string): string => `session ${kasmId}`;

function identity(session: KasmSession): Record<string, string> {
  return { kasmId: session.kasmId, userId: session.userId, ...(session.shareId ? { shareId: session.shareId } : {}) };
}

export interface ConnectionSecretRequest {
  ownerUid: string;
  secretName: string;
  session: KasmSession;
  running: boolean;
  generation: number;
  status: Record<string, unknown>;
  /** Whether the management policies allow asking Kasm for a token (get_kasm_status rotates it). */
  mayIssue: boolean;
  rdp: NonNullable<KasmSessionSpec['options']>['rdp'];
  /** A status read made in this reconcile: its token is the latest, so it is used rather than a new read. */
  fresh: KasmSessionStatus | undefined;
}

/**
 * The Secret's content: the identity of the session at once, the URL and token once it runs. Returns
 * the status read made to renew it, if any, so the caller can use the session it reports.
 */
export async function connectionSecret(ctx: AdapterContext, req: ConnectionSecretRequest): Promise<SyncOutcome & { read?: KasmSessionStatus }> {
  const { session, secretName } = req;
  const named = { connectionSecretName: secretName };
  if (!req.running) {
    // Until it runs there is no URL to give; a Secret left from a session Kasm ended loses its URL now.
    if (req.status.issuedFor === target(session.kasmId)) return { status: named };
    return { status: named, outputs: [{ kind: 'Secret', name: secretName, data: identity(session) }] };
  }
  const ref: SessionRef = { kasmId: session.kasmId, userId: session.userId };
  // The issue callback fills this in when it reads the status.
  const made: { read?: KasmSessionStatus } = {};
  const outcome = await keepIssuedSecret(ctx, {
    ownerUid: req.ownerUid,
    secretName,
    keys: ['url', 'kasmId', 'userId'],
    optionalKeys: ['token', 'shareId', 'rdpFile', 'rdpUrl'],
    target: target(session.kasmId),
    generation: req.generation,
    status: req.status,
    // A status read made in this reconcile has already replaced the token: write its URL now.
    renewIntervalMs: req.fresh !== undefined ? 0 : ctx.pollIntervalMs,
    mayIssue: req.mayIssue,
    issue: async () => {
      const read = req.fresh ?? (await ctx.kasm.sessions.status(ref, { signal: ctx.signal }));
      made.read = read;
      if (read.kasmUrl === null) throw new Error(`Kasm get_kasm_status returned no kasm_url for session ${session.kasmId}; the Secret is written at the next try`);
      const token = tokenOf(read.kasmUrl);
      const rdpFile = req.rdp?.file === true ? await ctx.kasm.sessions.rdpFile(ref, { signal: ctx.signal }) : undefined;
      const rdpUrl = req.rdp?.url === true ? await ctx.kasm.sessions.rdpUrl(ref, { signal: ctx.signal }) : undefined;
      return {
        url: absoluteKasmUrl(ctx, read.kasmUrl),
        ...(token !== undefined ? { token } : {}),
        ...identity(read.kasm),
        ...(rdpFile !== undefined ? { rdpFile } : {}),
        ...(rdpUrl !== undefined ? { rdpUrl } : {}),
      };
    },
  });
  const { renewed, ...sync } = outcome;
  const firstForSession = renewed && req.status.issuedFor !== target(session.kasmId);
  // Without a token of its own (under Observe) the Secret still names the session.
  const outputs = sync.outputs ?? [{ kind: 'Secret', name: secretName, data: identity(session) } satisfies OwnedOutput];
  return {
    ...sync,
    status: { ...sync.status, ...named },
    outputs,
    // Renewals at each poll interval are routine; the first URL of a session is worth an event.
    ...(firstForSession ? { events: [{ type: 'Normal', reason: 'ConnectionSecretWritten', note: `Wrote the connect URL of session ${session.kasmId} to Secret "${secretName}"` }] } : {}),
    ...(made.read !== undefined ? { read: made.read } : {}),
  };
}

type ScreenshotOption = NonNullable<NonNullable<KasmSessionSpec['options']>['screenshot']>;

/** A screenshot into the ConfigMap when one is due; a failed one is an event, not a failed reconcile. */
export async function screenshot(
  ctx: AdapterContext,
  ref: SessionRef,
  option: ScreenshotOption,
  takenAt: string | undefined,
  now: number,
): Promise<SyncOutcome & { takenAt?: string }> {
  const intervalMs = screenshotIntervalMs(option.interval);
  const lastMs = takenAt === undefined ? Number.NaN : Date.parse(takenAt);
  const dueAtMs = Number.isNaN(lastMs) ? now : lastMs + intervalMs;
  const kept = takenAt !== undefined ? { takenAt } : {};
  if (now < dueAtMs) return { ...kept, requeueAfterMs: dueAtMs - now };
  try {
    const jpeg = await ctx.kasm.sessions.screenshot(
      { ...ref, ...(option.width !== undefined ? { width: option.width } : {}), ...(option.height !== undefined ? { height: option.height } : {}) },
      { signal: ctx.signal },
    );
    const at = new Date(now).toISOString();
    return {
      takenAt: at,
      requeueAfterMs: intervalMs,
      outputs: [{ kind: 'ConfigMap', name: option.configMapName, data: { kasmId: ref.kasmId, takenAt: at }, binaryData: { [SCREENSHOT_KEY]: jpeg } }],
    };
  } catch (err) {
    if (!(err instanceof KasmBusinessError || err instanceof KasmNotFoundError)) throw err;
    return {
      ...kept,
      requeueAfterMs: intervalMs,
      events: [{ type: 'Warning', reason: 'ScreenshotFailed', note: `Kasm did not give a screenshot of session ${ref.kasmId}: ${err.message}` }],
    };
  }
}
