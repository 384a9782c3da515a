import { describe, expect, it } from 'vitest';
import { withoutNullFields } from '../../../src/runtime/status-writer.js';

describe('withoutNullFields', () => {
  it('drops null object fields at any depth, as a merge patch would store them, and keeps arrays whole', () => {
    expect(withoutNullFields({ a: null, b: { c: null, d: 1 }, e: [{ f: null }], g: 'x' })).toEqual({ b: { d: 1 }, e: [{ f: null }], g: 'x' });
  });
});
