import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Kasm ids are UUIDs. Replies mostly print them as 32 lowercase hex characters; request_kasm prints
 * kasm_id and session_token dashed. Inputs take either form, as PostgreSQL's uuid type does.
 */
const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh id in the plain 32-hex form the simulator stores. */
export function newId(): string {
  return randomUUID().replaceAll('-', '');
}

/** Normalises a dashed or plain UUID to 32 lowercase hex; undefined when the text is not a UUID. */
export function normaliseId(text: string): string | undefined {
  if (HEX32.test(text) || DASHED.test(text)) {
    return text.replaceAll('-', '').toLowerCase();
  }
  return undefined;
}

/** The dashed 8-4-4-4-12 form of a stored id. */
export function dashed(id: string): string {
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

/** Short share ids, as a recorded reply shows them (8 hex characters). */
export function newShareId(): string {
  return randomBytes(4).toString('hex');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random [A-Za-z0-9] text, the alphabet of Kasm API keys and secrets. */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) {
    out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  }
  return out;
}
