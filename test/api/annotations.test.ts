import { describe, expect, it } from 'vitest';
import {
  ANNOTATION_CREATE_PENDING,
  ANNOTATION_EXTERNAL_ID,
  ANNOTATION_PAUSED,
  ANNOTATION_POLL_INTERVAL,
  FINALIZER,
  InvalidAnnotationError,
  externalIdOf,
  isPaused,
  parseDuration,
  pollIntervalOf,
} from '../../src/api/annotations.js';
import { ConditionReason, ConditionType, STALLED_REASONS } from '../../src/api/conditions.js';

describe('annotation and finalizer names', () => {
  it('are the documented contract', () => {
    expect([FINALIZER, ANNOTATION_EXTERNAL_ID, ANNOTATION_CREATE_PENDING, ANNOTATION_PAUSED, ANNOTATION_POLL_INTERVAL]).toEqual([
      'kasm.io/finalizer',
      'kasm.io/external-id',
      'kasm.io/create-pending',
      'kasm.io/paused',
      'kasm.io/poll-interval',
    ]);
  });
});

describe('isPaused', () => {
  it('is true only for "true"', () => {
    expect(isPaused({ [ANNOTATION_PAUSED]: 'true' })).toBe(true);
    expect(isPaused({ [ANNOTATION_PAUSED]: 'yes' })).toBe(false);
    expect(isPaused({})).toBe(false);
    expect(isPaused(undefined)).toBe(false);
  });
});

describe('externalIdOf', () => {
  it('reads the id and ignores blanks', () => {
    expect(externalIdOf({ [ANNOTATION_EXTERNAL_ID]: ' abc ' })).toBe('abc');
    expect(externalIdOf({ [ANNOTATION_EXTERNAL_ID]: '  ' })).toBeUndefined();
    expect(externalIdOf(undefined)).toBeUndefined();
  });
});

describe('poll interval', () => {
  it('parses Go-style durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30')).toBeUndefined();
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('is undefined without the annotation and bounded with it', () => {
    expect(pollIntervalOf({})).toBeUndefined();
    expect(pollIntervalOf({ [ANNOTATION_POLL_INTERVAL]: '2m' })).toBe(120_000);
    expect(() => pollIntervalOf({ [ANNOTATION_POLL_INTERVAL]: '1s' })).toThrow(/between 5s and 24h/);
    expect(() => pollIntervalOf({ [ANNOTATION_POLL_INTERVAL]: 'often' })).toThrow(InvalidAnnotationError);
    expect(() => pollIntervalOf({ [ANNOTATION_POLL_INTERVAL]: 'often' })).toThrow('annotation kasm.io/poll-interval: "often" is not a duration');
  });
});

describe('conditions', () => {
  it('name the three types and the reasons the design lists', () => {
    expect(Object.values(ConditionType)).toEqual(['Ready', 'Synced', 'Stalled']);
    for (const r of ['Creating', 'Deleting', 'ReferenceNotReady', 'KasmUnavailable', 'InvalidSpec', 'Conflict', 'Available', 'ReconcileSuccess', 'ReconcileError', 'Paused']) {
      expect(Object.values(ConditionReason)).toContain(r);
    }
  });

  it('mark only reasons retrying cannot fix as stalling', () => {
    expect(STALLED_REASONS.has(ConditionReason.InvalidSpec)).toBe(true);
    expect(STALLED_REASONS.has(ConditionReason.KasmUnavailable)).toBe(false);
    expect(STALLED_REASONS.has(ConditionReason.ReferenceNotReady)).toBe(false);
  });
});
