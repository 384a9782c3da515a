import { describe, expect, it } from 'vitest';
import { KasmInvalidRequestError } from '../../../src/kasm/errors.js';
import { dashedKasmId, isKasmId, normalizeKasmId, sameKasmId, tryNormalizeKasmId } from '../../../src/kasm/ids.js';

const PLAIN = '4fa42139aef34c86929ae479cda68857';
const DASHED = '4fa42139-aef3-4c86-929a-e479cda68857';

describe('normalizeKasmId', () => {
  it('turns dashed, plain and upper-case UUIDs into 32 lowercase hex', () => {
    expect(normalizeKasmId(DASHED)).toBe(PLAIN);
    expect(normalizeKasmId(PLAIN)).toBe(PLAIN);
    expect(normalizeKasmId(DASHED.toUpperCase())).toBe(PLAIN);
    expect(normalizeKasmId(` ${PLAIN.toUpperCase()} `)).toBe(PLAIN);
  });

  it.each(['', 'not-a-uuid', PLAIN.slice(1), `${PLAIN}0`, '4fa42139-aef34c86-929a-e479cda68857', 'g'.repeat(32)])(
    'throws a KasmInvalidRequestError naming the field for %j',
    (text) => {
      let caught: unknown;
      try {
        normalizeKasmId(text, { field: 'userId', endpoint: 'get_user' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(KasmInvalidRequestError);
      const error = caught as KasmInvalidRequestError;
      expect(error.field).toBe('userId');
      expect(error.endpoint).toBe('get_user');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('userId');
      expect(error.message).toContain('UUID');
    },
  );

  it('names "id" when no field is given', () => {
    expect(() => normalizeKasmId('x')).toThrow(/^id must be a Kasm id/);
  });
});

describe('tryNormalizeKasmId / isKasmId', () => {
  it('return undefined / false instead of throwing', () => {
    expect(tryNormalizeKasmId('nope')).toBeUndefined();
    expect(tryNormalizeKasmId(DASHED)).toBe(PLAIN);
    expect(isKasmId(DASHED)).toBe(true);
    expect(isKasmId('nope')).toBe(false);
    expect(isKasmId(42)).toBe(false);
  });
});

describe('sameKasmId', () => {
  it('matches the same UUID in any spelling', () => {
    expect(sameKasmId(DASHED, PLAIN)).toBe(true);
    expect(sameKasmId(PLAIN.toUpperCase(), DASHED)).toBe(true);
  });

  it('does not match different ids, non-UUIDs or missing values', () => {
    expect(sameKasmId(PLAIN, PLAIN.replace('4fa', '5fa'))).toBe(false);
    expect(sameKasmId('abc', 'abc')).toBe(false);
    expect(sameKasmId(null, PLAIN)).toBe(false);
    expect(sameKasmId(PLAIN, undefined)).toBe(false);
  });
});

describe('dashedKasmId', () => {
  it('prints the 8-4-4-4-12 form', () => {
    expect(dashedKasmId(PLAIN.toUpperCase())).toBe(DASHED);
  });
});
