import type { SimClock } from './clock.js';
import { dashed, newId, normaliseId } from './ids.js';
import type { ExecRecord, RecordingRecord, SessionRecord } from './records.js';
import type { SimState } from './state.js';

/**
 * What tests do to sessions that no API call does: connect a viewer (get_kasm_frame_stats needs one),
 * read recorded exec calls, finish the start, force a status, expire a session, add a recording.
 * Ids may be dashed or plain.
 */
export const DEFAULT_VIEWER_ID = 'sim-viewer';

export interface SimSessionControls {
  connectViewer(kasmId: string, clientId?: string): void;
  /** Without clientId, disconnects every viewer. */
  disconnectViewer(kasmId: string, clientId?: string): void;
  /** Recorded exec_command_kasm calls, in order, optionally for one session. */
  execCalls(kasmId?: string): readonly ExecRecord[];
  /** Finishes the start now: the next get_kasm_status sees it running. */
  markRunning(kasmId: string): void;
  /** Forces operational_status (e.g. "paused", "stopped"); null returns to the computed one. */
  setStatus(kasmId: string, status: string | null): void;
  /** Moves expiration_date to now: the session is gone from the next request on. */
  expire(kasmId: string): void;
  addRecording(kasmId: string, durationSeconds?: number): RecordingRecord;
  /** The current session token, dashed (it changes on every get_kasm_status of a running session). */
  token(kasmId: string): string;
}

export class SessionControls implements SimSessionControls {
  readonly #state: SimState;
  readonly #clock: SimClock;

  constructor(state: SimState, clock: SimClock) {
    this.#state = state;
    this.#clock = clock;
  }

  #session(kasmId: string): SessionRecord {
    const id = normaliseId(kasmId);
    const session = id === undefined ? undefined : this.#state.sessions.get(id);
    if (session === undefined) {
      throw new Error(`no session with kasm_id "${kasmId}" in the simulator (ended, expired or never requested)`);
    }
    return session;
  }

  connectViewer(kasmId: string, clientId: string = DEFAULT_VIEWER_ID): void {
    this.#session(kasmId).viewers.add(clientId);
  }

  disconnectViewer(kasmId: string, clientId?: string): void {
    const viewers = this.#session(kasmId).viewers;
    if (clientId === undefined) viewers.clear();
    else viewers.delete(clientId);
  }

  execCalls(kasmId?: string): readonly ExecRecord[] {
    if (kasmId === undefined) return [...this.#state.execCalls];
    const id = normaliseId(kasmId);
    return this.#state.execCalls.filter((call) => call.kasm_id === id);
  }

  markRunning(kasmId: string): void {
    const session = this.#session(kasmId);
    const now = this.#clock.now();
    session.startingAt = Math.min(session.startingAt, now);
    session.runningAt = Math.min(session.runningAt, now);
  }

  setStatus(kasmId: string, status: string | null): void {
    this.#session(kasmId).statusOverride = status;
  }

  expire(kasmId: string): void {
    const session = this.#session(kasmId);
    session.expiration_date = this.#clock.now();
    this.#state.noteExpiry(session.expiration_date);
  }

  addRecording(kasmId: string, durationSeconds = 60): RecordingRecord {
    const id = normaliseId(kasmId);
    if (id === undefined) throw new Error(`addRecording: "${kasmId}" is not a UUID`);
    const session = this.#state.sessions.get(id);
    return this.#state.addRecording({
      recording_id: newId(),
      kasm_id: id,
      account_id: session?.user_id ?? newId(),
      created: this.#clock.now(),
      duration_seconds: durationSeconds,
    });
  }

  token(kasmId: string): string {
    return dashed(this.#session(kasmId).token);
  }
}
