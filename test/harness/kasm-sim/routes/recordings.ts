import { z } from 'zod';
import { newId } from '../ids.js';
import { idField, parse } from '../payload.js';
import type { RecordingRecord } from '../records.js';
import { json, publicPath } from '../route.js';
import type { SimRoute } from '../route.js';
import { naiveTimestamp } from '../timestamps.js';

/** Session recordings. An id without recordings (or unknown) lists none. */
const oneSchema = z.object({ target_kasm_id: idField, preauth_download_link: z.boolean().nullish() });
const manySchema = z.object({ target_kasm_ids: z.array(idField), preauth_download_link: z.boolean().nullish() });

function recordingView(baseUrl: string, recording: RecordingRecord, preauth: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    recording_id: recording.recording_id,
    account_id: recording.account_id,
    session_recording_url: `${baseUrl}/recordings/${recording.kasm_id}/${recording.recording_id}.webm`,
    session_recording_metadata: {
      created: naiveTimestamp(recording.created),
      duration_seconds: recording.duration_seconds,
      content_type: 'video/webm',
    },
  };
  if (preauth) {
    view['session_recording_download_url'] = `${view['session_recording_url'] as string}?token=${newId()}`;
  }
  return view;
}

export const recordingRoutes: readonly SimRoute[] = [
  {
    name: 'get_session_recordings',
    path: publicPath('get_session_recordings'),
    permissions: ['Sessions View'],
    write: false,
    handle({ payload, state, baseUrl }) {
      const { target_kasm_id, preauth_download_link } = parse(oneSchema, payload);
      const recordings = state.recordings.get(target_kasm_id) ?? [];
      return json({ session_recordings: recordings.map((recording) => recordingView(baseUrl, recording, preauth_download_link === true)) });
    },
  },
  {
    name: 'get_sessions_recordings',
    path: publicPath('get_sessions_recordings'),
    permissions: ['Sessions View'],
    write: false,
    handle({ payload, state, baseUrl }) {
      const { target_kasm_ids, preauth_download_link } = parse(manySchema, payload);
      const sessions: Record<string, { session_recordings: Record<string, unknown>[] }> = {};
      for (const kasmId of target_kasm_ids) {
        const recordings = state.recordings.get(kasmId) ?? [];
        sessions[kasmId] = {
          session_recordings: recordings.map((recording) => recordingView(baseUrl, recording, preauth_download_link === true)),
        };
      }
      return json({ kasm_sessions: sessions });
    },
  },
];
