import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  formatKasmTimestamp,
  jsonObjectOrString,
  jsonTextInput,
  kasmBoolean,
  kasmId,
  kasmInteger,
  kasmNumber,
  kasmTimestamp,
  kasmTimestampInput,
  listOf,
  looseRecord,
  nullableKasmId,
  nullableString,
  parseKasmTimestamp,
} from '../../../src/kasm/schema-primitives.js';

const PLAIN = '50faa5439c574b518cd868dac9256e4b';
const DASHED = '50faa543-9c57-4b51-8cd8-68dac9256e4b';

describe('kasmId', () => {
  it('accepts both spellings and outputs 32 lowercase hex', () => {
    expect(kasmId.parse(DASHED)).toBe(PLAIN);
    expect(kasmId.parse(PLAIN.toUpperCase())).toBe(PLAIN);
  });

  it('rejects non-UUID text with a message that quotes it', () => {
    const result = kasmId.safeParse('admin');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"admin"');
  });
});

describe('nullableKasmId', () => {
  it.each([null, undefined, '', 'None'])('reads %j as null', (value) => {
    expect(nullableKasmId.parse(value)).toBeNull();
  });

  it('normalises a present id and rejects garbage', () => {
    expect(nullableKasmId.parse(DASHED)).toBe(PLAIN);
    expect(nullableKasmId.safeParse('zzz').success).toBe(false);
  });
});

describe('kasmTimestamp', () => {
  it('reads naive Kasm dates as UTC, keeping milliseconds of the microseconds', () => {
    expect(kasmTimestamp.parse('2020-11-12 14:29:25.808258')?.toISOString()).toBe('2020-11-12T14:29:25.808Z');
    expect(kasmTimestamp.parse('2024-12-31 23:59:59')?.toISOString()).toBe('2024-12-31T23:59:59.000Z');
    expect(kasmTimestamp.parse('2024-12-31 23:59:59.5')?.toISOString()).toBe('2024-12-31T23:59:59.500Z');
  });

  it('reads ISO 8601 with Z or an offset', () => {
    expect(kasmTimestamp.parse('2026-09-10T12:52:49Z')?.toISOString()).toBe('2026-09-10T12:52:49.000Z');
    expect(kasmTimestamp.parse('2026-09-10T14:52:49.250+02:00')?.toISOString()).toBe('2026-09-10T12:52:49.250Z');
    expect(kasmTimestamp.parse('2026-09-10T07:52:49-0500')?.toISOString()).toBe('2026-09-10T12:52:49.000Z');
  });

  it.each([null, undefined, '', 'None'])('reads %j as null', (value) => {
    expect(kasmTimestamp.parse(value)).toBeNull();
  });

  it.each(['yesterday', '2024-02-30 10:00:00', '2024-01-01 25:00:00', '12/31/2024'])('rejects %j', (text) => {
    const result = kasmTimestamp.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(JSON.stringify(text));
  });

  it('parseKasmTimestamp returns undefined for text that is not a date', () => {
    expect(parseKasmTimestamp('nope')).toBeUndefined();
  });
});

describe('formatKasmTimestamp / kasmTimestampInput', () => {
  it('prints naive UTC without fraction', () => {
    expect(formatKasmTimestamp(new Date('2024-12-31T23:59:59.999Z'))).toBe('2024-12-31 23:59:59');
  });

  it('takes a Date or a date text and sends naive UTC', () => {
    expect(kasmTimestampInput.parse(new Date('2025-01-02T03:04:05Z'))).toBe('2025-01-02 03:04:05');
    expect(kasmTimestampInput.parse('2025-01-02T05:04:05+02:00')).toBe('2025-01-02 03:04:05');
    expect(kasmTimestampInput.safeParse('soon').success).toBe(false);
    expect(kasmTimestampInput.safeParse(new Date(Number.NaN)).success).toBe(false);
  });

  it('formatKasmTimestamp refuses an invalid Date', () => {
    expect(() => formatKasmTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('jsonObjectOrString', () => {
  it('accepts an object or its JSON text and outputs the object', () => {
    expect(jsonObjectOrString.parse({ hostname: 'kasm' })).toEqual({ hostname: 'kasm' });
    expect(jsonObjectOrString.parse('{"hostname":"kasm"}')).toEqual({ hostname: 'kasm' });
  });

  it.each([null, undefined, '', 'None'])('reads %j as null', (value) => {
    expect(jsonObjectOrString.parse(value)).toBeNull();
  });

  it.each(['{not json', '[1,2]', '3'])('rejects %j', (text) => {
    expect(jsonObjectOrString.safeParse(text).success).toBe(false);
  });
});

describe('jsonTextInput', () => {
  it('encodes objects and passes JSON-object text through', () => {
    expect(jsonTextInput.parse({ a: 1 })).toBe('{"a":1}');
    expect(jsonTextInput.parse('{"a":1}')).toBe('{"a":1}');
  });

  it('rejects text that is not a JSON object', () => {
    const result = jsonTextInput.safeParse('a=1');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('JSON');
  });
});

describe('numbers and booleans as Kasm sends them', () => {
  it('kasmNumber reads numbers and numeric text', () => {
    expect(kasmNumber.parse(1.5)).toBe(1.5);
    expect(kasmNumber.parse('2.25')).toBe(2.25);
    expect(kasmNumber.parse('3600')).toBe(3600);
    expect(kasmNumber.safeParse('12abc').success).toBe(false);
    expect(kasmNumber.safeParse('').success).toBe(false);
  });

  it('kasmInteger requires a whole number', () => {
    expect(kasmInteger.parse('2147483648')).toBe(2147483648);
    expect(kasmInteger.parse(4.0)).toBe(4);
    expect(kasmInteger.safeParse(1.5).success).toBe(false);
  });

  it('kasmBoolean reads booleans, "true"/"false" in any case and 0/1', () => {
    expect(kasmBoolean.parse(true)).toBe(true);
    expect(kasmBoolean.parse('False')).toBe(false);
    expect(kasmBoolean.parse('TRUE')).toBe(true);
    expect(kasmBoolean.parse(0)).toBe(false);
    expect(kasmBoolean.parse('1')).toBe(true);
    expect(kasmBoolean.safeParse('maybe').success).toBe(false);
  });
});

describe('optional reply fields', () => {
  const schema = z.object({ notes: nullableString, tags: listOf(z.string()), extra: looseRecord });

  it('turn missing and null into null, [] and {}', () => {
    expect(schema.parse({})).toEqual({ notes: null, tags: [], extra: {} });
    expect(schema.parse({ notes: null, tags: null, extra: null })).toEqual({ notes: null, tags: [], extra: {} });
  });

  it('keep present values', () => {
    expect(schema.parse({ notes: 'n', tags: ['a'], extra: { k: 1 } })).toEqual({ notes: 'n', tags: ['a'], extra: { k: 1 } });
  });
});
