import { describe, expect, expectTypeOf, it } from 'vitest';
import { camelKeys, camelToSnake, snakeKeys, snakeToCamel } from '../../../src/kasm/areas/key-case.js';

describe('key case mapping', () => {
  it.each([
    ['user_id', 'userId'],
    ['allow_kasm_clipboard_down', 'allowKasmClipboardDown'],
    ['x_res', 'xRes'],
    ['uncompressed_size_mb', 'uncompressedSizeMb'],
    ['name', 'name'],
  ])('%s <-> %s', (snake, camel) => {
    expect(snakeToCamel(snake)).toBe(camel);
    expect(camelToSnake(camel)).toBe(snake);
  });

  it('keeps keys Kasm already spells in camelCase', () => {
    expect(camelKeys({ imageAttributes: [] })).toEqual({ imageAttributes: [] });
  });

  it('camelKeys maps every key, keeping null values, and types follow', () => {
    const out = camelKeys({ first_name: null as string | null, group_id: 'g' });
    expect(out).toEqual({ firstName: null, groupId: 'g' });
    expectTypeOf(out).toEqualTypeOf<{ firstName: string | null; groupId: string }>();
  });

  it('snakeKeys drops undefined values so partial updates send only what changes', () => {
    const out = snakeKeys({ firstName: undefined, lastName: null, locked: false, gpuCount: 0 });
    expect(out).toEqual({ last_name: null, locked: false, gpu_count: 0 });
    expect(Object.keys(out)).not.toContain('first_name');
  });
});
