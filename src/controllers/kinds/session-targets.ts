import type { KasmSession } from '../../kasm/areas/sessions.js';
import type { KasmUserRecord } from './kasm-user-record.js';
import { normalizeKasmId } from '../../kasm/ids.js';
import type { AdapterContext } from '../managed-kind.js';
import { ReferenceNotReadyError } from '../reconcile-errors.js';
import { resolveManagedRef } from '../reference-resolver.js';
import { findUser, observesPerObject, requireInKasm } from './kasm-inventories.js';
import { allSessions, SESSION_RECHECK_MS, SESSIONS_INVENTORY, sessionsInventory } from './kasm-session-inventory.js';

/**
 * What the kinds acting on a session (KasmSessionPermission, KasmSessionJoin, KasmExec) and on a
 * user (KasmLogin) share: finding the session and the user they name. Sessions are observed through
 * the connection's shared session list (kasm-session-inventory.ts: one get_kasms call per poll
 * interval; get_kasm_status is never used, it rotates the owner's session token).
 */
const RUNNING = 'running';

/** The identity of a session as a KasmSession reports it (design contract between the session kinds). */
export interface SessionTarget {
  kasmId: string;
  /** Kasm id of the session's owner. */
  ownerUserId?: string;
  shareId?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * A KasmSession named by `sessionRef`: waits (ReferenceNotReady) until it is Ready, which means
 * running in Kasm; then its kasm id, owner and share id from its status.
 */
export function resolveSessionRef(ctx: AdapterContext, name: string): SessionTarget {
  const kasmId = normalizeKasmId(resolveManagedRef(ctx, 'KasmSession', name));
  const atProvider = ctx.cluster.getObject('KasmSession', ctx.namespace, name)?.status?.atProvider as Record<string, unknown> | undefined;
  const ownerUserId = text(atProvider?.userId);
  const shareId = text(atProvider?.shareId);
  return { kasmId, ...(ownerUserId ? { ownerUserId: normalizeKasmId(ownerUserId) } : {}), ...(shareId ? { shareId } : {}) };
}

/**
 * The running session with this kasm id or share id, from the connection's session list. Waits
 * (ReferenceNotReady) while Kasm does not list it as running; a change of the listed session
 * requeues the caller.
 */
export async function requireRunningSession(ctx: AdapterContext, by: { kasmId: string } | { shareId: string }): Promise<KasmSession> {
  const key = 'kasmId' in by ? normalizeKasmId(by.kasmId) : by.shareId;
  const matches = (s: KasmSession): boolean => ('kasmId' in by ? s.kasmId === key : s.shareId === key);
  const running = (list: Iterable<KasmSession>): KasmSession | undefined => [...list].find((s) => matches(s) && s.operationalStatus === RUNNING);
  ctx.deps.dependOnKasm(SESSIONS_INVENTORY, key);
  let session: KasmSession | undefined;
  if (observesPerObject(ctx)) {
    session = running(await allSessions(ctx, false));
  } else {
    const inventory = await sessionsInventory(ctx);
    session = running(inventory.all());
    // A session just reported running (a KasmSession turning Ready) may postdate the snapshot.
    if (session === undefined && !inventory.isFresh(SESSION_RECHECK_MS)) {
      await inventory.refresh();
      session = running(inventory.all());
    }
  }
  const what = 'kasmId' in by ? 'Kasm session' : 'Kasm session with share id';
  // One message for every state before running, so waiting costs one status write.
  if (session === undefined) throw new ReferenceNotReadyError(what, key, 'is not running in Kasm (not started yet, starting, or ended)');
  return session;
}

/** The Kasm user named by `userRef` (a KasmUser, once Ready) or `userId`; waits while Kasm does not have it. */
export async function requireKasmUser(ctx: AdapterContext, ref: { userRef?: { name: string } | undefined; userId?: string | undefined }): Promise<KasmUserRecord> {
  const userId = ref.userRef ? resolveManagedRef(ctx, 'KasmUser', ref.userRef.name) : normalizeKasmId(ref.userId ?? '');
  return requireInKasm(await findUser(ctx, { userId }), 'Kasm user', userId);
}
