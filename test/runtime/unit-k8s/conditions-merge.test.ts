import { describe, expect, it } from 'vitest';
import { findCondition, mergeConditions, type Condition } from '../../../src/runtime/conditions-merge.js';

const T0 = '2024-05-01T10:00:00Z';
const now = Date.parse('2024-05-01T12:34:56.789Z');

describe('mergeConditions', () => {
  const old: Condition[] = [
    { type: 'Ready', status: 'True', reason: 'Available', message: 'ok', lastTransitionTime: T0 },
    { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: T0 },
  ];

  it('keeps lastTransitionTime when the status is unchanged, even with a new reason or message', () => {
    const merged = mergeConditions(old, [{ type: 'Ready', status: 'True', reason: 'StillAvailable', message: 'fine' }], now);
    expect(merged).toEqual([{ type: 'Ready', status: 'True', reason: 'StillAvailable', message: 'fine', lastTransitionTime: T0 }]);
  });

  it('moves lastTransitionTime to now (second precision) when the status flips', () => {
    const merged = mergeConditions(old, [{ type: 'Ready', status: 'False', reason: 'Creating' }], now);
    expect(findCondition(merged, 'Ready')?.lastTransitionTime).toBe('2024-05-01T12:34:56Z');
  });

  it('stamps new condition types with now, or keeps an explicit time', () => {
    const merged = mergeConditions(old, [
      { type: 'Stalled', status: 'False' },
      { type: 'Other', status: 'True', lastTransitionTime: '2020-01-01T00:00:00Z' },
    ], new Date(now));
    expect(merged[0]?.lastTransitionTime).toBe('2024-05-01T12:34:56Z');
    expect(merged[1]?.lastTransitionTime).toBe('2020-01-01T00:00:00Z');
  });

  it('treats next as the whole set unless keepMissing', () => {
    const next: Condition[] = [{ type: 'Ready', status: 'True' }];
    expect(mergeConditions(old, next, now).map((c) => c.type)).toEqual(['Ready']);
    expect(mergeConditions(old, next, now, { keepMissing: true }).map((c) => c.type)).toEqual(['Ready', 'Synced']);
  });

  it('does not mutate its inputs', () => {
    const next: Condition[] = [{ type: 'Ready', status: 'True' }];
    const snapshot = JSON.stringify([old, next]);
    mergeConditions(old, next, now);
    expect(JSON.stringify([old, next])).toBe(snapshot);
  });

  it('handles no old conditions', () => {
    expect(mergeConditions(undefined, [{ type: 'Ready', status: 'Unknown' }], now)).toEqual([
      { type: 'Ready', status: 'Unknown', lastTransitionTime: '2024-05-01T12:34:56Z' },
    ]);
  });
});
