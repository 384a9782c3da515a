import { kasmSessionSchema, type KasmRecording, type KasmSession } from '../../kasm/areas/sessions.js';
import type { KasmSessionRequested } from '../../kasm/areas/sessions.js';
import type { KasmClient } from '../../kasm/client.js';
import { Inventory } from '../inventory.js';
import type { AdapterContext } from '../managed-kind.js';
import { PerObjectReads } from '../per-object-reads.js';
import { inventoryOf, observesPerObject } from './kasm-inventories.js';

/**
 * Sessions as KasmSession observes them: one get_kasms call per connection and poll interval
 * (get_kasm_status is per session and rotates its token). The fingerprint includes the keepalive
 * and expiration dates, so a list replaces a session whose expiration moved.
 */
export const SESSIONS_INVENTORY = 'kasm-sessions';
const SESSION_RECORDINGS_INVENTORY = 'session-recordings';

/** A snapshot younger than this is trusted when a session is missing from it; an older one is listed again first. */
export const SESSION_RECHECK_MS = 1_000;

export const sessionsInventory = inventoryOf<KasmSession>(SESSIONS_INVENTORY, (ctx) => ({
  list: async () => (await ctx.kasm.sessions.list({ priority: 'background' })).kasms,
  id: (s) => s.kasmId,
  naturalKeys: (s) => (s.shareId ? [s.shareId] : []),
  // Status shows state, progress and dates; the rest of a session does not change while it lives.
  fingerprint: (s) => JSON.stringify([s.kasmId, s.userId, s.imageId, s.shareId, s.operationalStatus, s.operationalProgress, s.keepaliveDate, s.expirationDate]),
}));

/** Every session Kasm lists, listed now when `refresh`. */
export async function allSessions(ctx: AdapterContext, refresh: boolean): Promise<KasmSession[]> {
  if (observesPerObject(ctx)) return (await ctx.kasm.sessions.list({ priority: 'background', signal: ctx.signal })).kasms;
  return [...(await sessionsInventory(ctx, refresh)).all()];
}

/** Ids each inventory has served: their absence from a later list means Kasm ended them. */
const servedIds = new WeakMap<Inventory<KasmSession>, Set<string>>();

/**
 * The session with this kasm id, or undefined when Kasm does not list it. A session missing from
 * the snapshot is looked for in a fresh list when it was never listed before (adopted by
 * annotation, started after the snapshot) or the snapshot is over a second old; a session that was
 * listed and is missing from a fresh snapshot has ended.
 */
export async function findSession(ctx: AdapterContext, kasmId: string): Promise<KasmSession | undefined> {
  if (observesPerObject(ctx)) return (await allSessions(ctx, false)).find((s) => s.kasmId === kasmId);
  const inventory = await sessionsInventory(ctx);
  let served = servedIds.get(inventory);
  if (!served) servedIds.set(inventory, (served = new Set<string>()));
  let found = inventory.get(kasmId);
  if (found === undefined && (!served.has(kasmId) || !inventory.isFresh(SESSION_RECHECK_MS))) {
    await inventory.refresh();
    found = inventory.get(kasmId);
  }
  if (found) served.add(kasmId);
  return found;
}

/** A session Kasm has just accepted, as get_kasms would list it before it runs. */
export function requestedSession(reply: KasmSessionRequested, imageId: string, persistentProfileMode: string | undefined): KasmSession {
  return kasmSessionSchema.parse({
    kasm_id: reply.kasmId,
    user_id: reply.userId,
    username: reply.username,
    image_id: imageId,
    operational_status: reply.status ?? 'requested',
    share_id: reply.shareId,
    persistent_profile_mode: persistentProfileMode ?? null,
  });
}

interface SessionRecordings {
  kasmId: string;
  recordings: KasmRecording[];
}

/** Sessions whose recordings objects asked for, per connection: the bulk call names only these. */
const wantedByClient = new WeakMap<KasmClient, Set<string>>();

const perObjectRecordings = new PerObjectReads<KasmRecording[]>((kasm, kasmId, signal) => kasm.sessions.recordings(kasmId, {}, { priority: 'background', signal }), 1);

/**
 * Recordings of the sessions objects ask about, in one get_sessions_recordings call per connection
 * and poll interval (get_session_recordings per object, as often, in per-object observation). A
 * session asked about for the first time is in the next call; a new recording requeues its object.
 */
export async function recordingsOf(ctx: AdapterContext, kasmId: string): Promise<KasmRecording[]> {
  if (observesPerObject(ctx)) return perObjectRecordings.get(ctx, kasmId);
  ctx.deps.dependOnKasm(SESSION_RECORDINGS_INVENTORY, kasmId);
  const kasm = ctx.kasm;
  let wanted = wantedByClient.get(kasm);
  if (!wanted) wantedByClient.set(kasm, (wanted = new Set<string>()));
  wanted.add(kasmId);
  const asked = wanted;
  const sessions = await sessionsInventory(ctx);
  const inventory = ctx.inventories.get<SessionRecordings>(
    SESSION_RECORDINGS_INVENTORY,
    () =>
      new Inventory<SessionRecordings>(
        {
          list: async () => {
            // Sessions Kasm no longer lists are not asked about again.
            for (const id of asked) if (sessions.get(id) === undefined) asked.delete(id);
            const ids = [...asked];
            if (ids.length === 0) return [];
            const bySession = await kasm.sessions.recordingsOf(ids, {}, { priority: 'background' });
            return ids.map((id) => ({ kasmId: id, recordings: bySession.get(id) ?? [] }));
          },
          id: (r) => r.kasmId,
          naturalKeys: () => [],
          fingerprint: (r) => r.recordings.map((x) => x.recordingId).join(','),
        },
        { maxAgeMs: ctx.pollIntervalMs },
      ),
  );
  await inventory.ensureFresh(ctx.pollIntervalMs);
  return inventory.get(kasmId)?.recordings ?? [];
}
