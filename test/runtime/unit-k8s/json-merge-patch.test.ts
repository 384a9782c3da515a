import { describe, expect, it } from 'vitest';
import { applyMergePatch, createMergePatch, createReplacingMergePatch, jsonEqual } from '../../../src/runtime/json-merge-patch.js';

describe('jsonEqual', () => {
  it('compares deeply, ignoring key order and undefined values', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: {} }, { a: [] })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});

describe('createMergePatch', () => {
  it('is undefined for equal objects', () => {
    expect(createMergePatch({ a: { b: 1 } }, { a: { b: 1 } })).toBeUndefined();
  });

  it('sets changed fields, nulls removed ones, recurses into objects, replaces arrays', () => {
    const from = { keep: 1, gone: 'x', nested: { a: 1, drop: true }, list: [1, 2] };
    const to = { keep: 1, nested: { a: 2 }, list: [1], added: 'y' };
    const patch = createMergePatch(from, to);
    expect(patch).toEqual({ gone: null, nested: { a: 2, drop: null }, list: [1], added: 'y' });
    expect(applyMergePatch(from, patch)).toEqual(to);
  });
});

describe('createReplacingMergePatch', () => {
  it('carries every field of the target and deletes what the target lacks', () => {
    const from = { a: 1, b: { c: 1, d: 2 }, e: 'x' };
    const to = { a: 1, b: { c: 2 } };
    const patch = createReplacingMergePatch(from, to);
    expect(patch).toEqual({ a: 1, b: { c: 2, d: null }, e: null });
    expect(applyMergePatch(from, patch)).toEqual(to);
    // Applied to a copy that already had part of the change, the result is still the target.
    expect(applyMergePatch({ a: 1, b: { c: 2 } }, patch)).toEqual(to);
  });
});
