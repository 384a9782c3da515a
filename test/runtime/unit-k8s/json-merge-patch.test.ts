import { describe, expect, it } from 'vitest';
import { createReplacingMergePatch, jsonEqual } from '../../../src/runtime/json-merge-patch.js';
// The test server's RFC 7386 implementation is written independently: a good oracle for the patches the operator builds.
import { applyMergePatch } from '../../harness/kube-apiserver/patch.js';

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
