import { effectiveInt } from './effective-settings.js';
import { newId } from './ids.js';
import type { SessionRecord } from './records.js';
import { BusinessFailure } from './route-errors.js';
import type { SimConfig } from './sim-config.js';
import type { SimState } from './state.js';

/**
 * A session's life on the simulator's clock: requested for the first quarter of the start time,
 * starting for the rest, then running until it expires (expiration_date, moved by keepalive).
 */
export interface SessionStatus {
  operational_status: string;
  operational_progress: number;
  operational_message: string;
}

export function sessionStatus(session: SessionRecord, now: number): SessionStatus {
  if (session.statusOverride !== null) {
    return { operational_status: session.statusOverride, operational_progress: 100, operational_message: '' };
  }
  if (now >= session.runningAt) {
    return { operational_status: 'running', operational_progress: 100, operational_message: 'Session is running' };
  }
  if (now >= session.startingAt) {
    const span = Math.max(1, session.runningAt - session.startingAt);
    return {
      operational_status: 'starting',
      operational_progress: Math.min(99, 25 + Math.floor((75 * (now - session.startingAt)) / span)),
      operational_message: 'Starting the session container',
    };
  }
  const span = Math.max(1, session.startingAt - session.requestedAt);
  return {
    operational_status: 'requested',
    operational_progress: Math.min(24, Math.floor((25 * (now - session.requestedAt)) / span)),
    operational_message: 'Waiting for an agent to accept the session',
  };
}

export function isRunning(session: SessionRecord, now: number): boolean {
  return sessionStatus(session, now).operational_status === 'running';
}

/** The session, unless it is unknown or past its expiration (then it is ended now). */
export function liveSession(state: SimState, kasmId: string, now: number): SessionRecord | undefined {
  const session = state.sessions.get(kasmId);
  if (session === undefined) return undefined;
  if (session.expiration_date <= now) {
    state.endSession(kasmId);
    return undefined;
  }
  return session;
}

/** Like liveSession, but an unknown id is Kasm's "Invalid kasm_id" error; a given user_id must own it. */
export function requireSession(state: SimState, kasmId: string, now: number, userId?: string): SessionRecord {
  const session = liveSession(state, kasmId, now);
  if (session === undefined || (userId !== undefined && session.user_id !== userId)) {
    throw new BusinessFailure(`Invalid kasm_id (${kasmId})`);
  }
  return session;
}

/**
 * Kasm's answer for a session that is not running (HTTP 200, error_message plus progress). Kasm's
 * recorded wording is "requested"; it is kept for the starting phase too, and a forced status
 * (paused, stopped) names itself.
 */
export function pendingFailure(session: SessionRecord, now: number): BusinessFailure {
  const phase = session.statusOverride ?? 'requested';
  return new BusinessFailure(`This session is currently ${phase}.`, { ...sessionStatus(session, now) });
}

export function requireRunning(session: SessionRecord, now: number): void {
  if (!isRunning(session, now)) {
    throw pendingFailure(session, now);
  }
}

/** Moves expiration_date to now + the owner's keepalive_expiration. */
export function keepAlive(state: SimState, config: SimConfig, session: SessionRecord, now: number): void {
  const seconds = effectiveInt(state, config, session.user_id, 'keepalive_expiration');
  session.keepalive_date = now;
  session.expiration_date = now + seconds * 1000;
  state.noteExpiry(session.expiration_date);
}

/** A new session token; the previous one stops working. */
export function rotateToken(session: SessionRecord): string {
  session.token = newId();
  return session.token;
}
