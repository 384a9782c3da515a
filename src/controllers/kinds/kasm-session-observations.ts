import type { KasmSessionAtProvider } from '../../api/kasm-session.js';
import type { KasmFrameStats, KasmRecording, KasmSession, SessionRef } from '../../kasm/areas/sessions.js';
import type { KasmClient } from '../../kasm/client.js';
import { KasmBusinessError, KasmNotFoundError } from '../../kasm/errors.js';
import type { AdapterContext } from '../managed-kind.js';
import { PerObjectReads } from '../per-object-reads.js';

/** What status.atProvider shows of a session, from get_kasms or get_kasm_status (no URL, no token). */

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** The workspace a session runs, by the name users know it by. */
const imageName = (s: KasmSession): string | null => s.image?.friendlyName ?? s.image?.name ?? null;

/** What the kinds acting on a session (KasmExec, KasmSessionJoin) show of it in status. */
export function sessionSummary(s: KasmSession): { kasmId: string; operationalStatus: KasmSession['operationalStatus']; image: string | null } {
  return { kasmId: s.kasmId, operationalStatus: s.operationalStatus, image: imageName(s) };
}

export function sessionAtProvider(s: KasmSession): KasmSessionAtProvider {
  return {
    userId: s.userId,
    username: s.username,
    imageId: s.imageId,
    image: imageName(s),
    operationalStatus: s.operationalStatus,
    operationalMessage: s.operationalMessage,
    operationalProgress: s.operationalProgress,
    hostname: s.hostname,
    zoneName: s.zoneName,
    shareId: s.shareId,
    persistentProfileMode: s.persistentProfileMode,
    startDate: iso(s.startDate),
    keepaliveDate: iso(s.keepaliveDate),
    expirationDate: iso(s.expirationDate),
  };
}

type FrameStatsStatus = NonNullable<KasmSessionAtProvider['frameStats']>;
type RecordingStatus = NonNullable<KasmSessionAtProvider['recordings']>[number];

function frameStatsStatus(stats: KasmFrameStats): FrameStatsStatus {
  return {
    width: stats.frame?.resx ?? null,
    height: stats.frame?.resy ?? null,
    changed: stats.frame?.changed ?? null,
    serverTimeMs: stats.frame?.serverTime ?? null,
    encodingTotalMs: stats.encodingTotal,
    clients: stats.clients.map((c) => ({ client: c.client, clientTimeMs: c.clientTime, pingMs: c.ping })),
  };
}

/** Frame statistics exist only while a client is connected; Kasm answers an error otherwise, which means "none". */
async function readFrameStats(kasm: KasmClient, key: string, signal: AbortSignal): Promise<FrameStatsStatus | null> {
  const [kasmId = '', userId = ''] = key.split('/');
  try {
    return frameStatsStatus(await kasm.sessions.frameStats({ kasmId, userId, client: 'all' }, { priority: 'background', signal }));
  } catch (err) {
    if (err instanceof KasmBusinessError || err instanceof KasmNotFoundError) return null;
    throw err;
  }
}

/** Frame statistics have no list endpoint: each running session is asked at this multiple of the poll interval. */
const FRAME_STATS_POLL_FACTOR = 2;

const frameStatsReads = new PerObjectReads<FrameStatsStatus | null>(readFrameStats, FRAME_STATS_POLL_FACTOR);

/** The session's frame statistics; undefined while no client is connected. */
export async function frameStatsOf(ctx: AdapterContext, ref: SessionRef): Promise<FrameStatsStatus | undefined> {
  return (await frameStatsReads.get(ctx, `${ref.kasmId}/${ref.userId}`)) ?? undefined;
}

/** Recordings shown in status, the newest ones when there are more. */
const RECORDINGS_SHOWN = 50;

/** Recordings keep their id, date and length; their URLs stay in Kasm. */
export function recordingsStatus(recordings: readonly KasmRecording[]): RecordingStatus[] {
  const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return recordings.slice(-RECORDINGS_SHOWN).map((r) => {
    const meta = r.sessionRecordingMetadata;
    const created = meta['created'];
    return {
      recordingId: r.recordingId,
      created: typeof created === 'string' ? created : null,
      durationSeconds: number(meta['duration_seconds'] ?? meta['durationSeconds']),
    };
  });
}
