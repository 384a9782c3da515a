import { describe, expect, it } from 'vitest';
import { STALLED_REASONS } from '../../src/api/conditions.js';
import { computeKstatus } from './kstatus.js';
import { kasmObject, notReadyAsWritten, readyFalseReasons, statusFixtures } from './status-fixtures.js';

describe('computeKstatus', () => {
  it.each(statusFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    expect(computeKstatus(fixture.obj).status).toBe(fixture.kstatus);
  });

  it('explains an unobserved generation', () => {
    const result = computeKstatus(kasmObject({ generation: 4, observedGeneration: 3 }));
    expect(result).toEqual({ status: 'InProgress', message: 'KasmUser generation is 4, but latest observed generation is 3' });
  });

  it('reports the Stalled message as the failure', () => {
    const obj = kasmObject({ conditions: [{ type: 'Stalled', status: 'True', reason: 'Conflict', message: 'name taken by user 42' }] });
    expect(computeKstatus(obj)).toEqual({ status: 'Failed', message: 'name taken by user 42' });
  });

  it('lets the first of Reconciling=True and Stalled=True decide', () => {
    const reconcilingFirst = kasmObject({
      conditions: [
        { type: 'Reconciling', status: 'True', reason: 'Progressing' },
        { type: 'Stalled', status: 'True', reason: 'InvalidSpec' },
      ],
    });
    expect(computeKstatus(reconcilingFirst).status).toBe('InProgress');
    const stalledFirst = kasmObject({
      conditions: [
        { type: 'Stalled', status: 'True', reason: 'InvalidSpec' },
        { type: 'Reconciling', status: 'True', reason: 'Progressing' },
      ],
    });
    expect(computeKstatus(stalledFirst).status).toBe('Failed');
  });

  it('skips the generation check for objects without metadata.generation', () => {
    const obj = kasmObject({ conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] });
    delete (obj.metadata as Record<string, unknown>).generation;
    expect(computeKstatus(obj).status).toBe('Current');
  });

  it('cannot compute malformed status fields (Unknown)', () => {
    const obj = kasmObject({ conditions: [] });
    (obj.status as Record<string, unknown>).observedGeneration = '1';
    expect(computeKstatus(obj).status).toBe('Unknown');
    (obj.status as Record<string, unknown>).observedGeneration = 1;
    (obj.status as Record<string, unknown>).conditions = { Ready: 'True' };
    expect(computeKstatus(obj).status).toBe('Unknown');
    expect(computeKstatus('text').status).toBe('Unknown');
  });

  // The operator sets Stalled=True exactly for the reasons no retry can fix: Flux then fails fast.
  it.each(readyFalseReasons)('reads Ready=False with reason %s as the operator means it', (reason) => {
    expect(computeKstatus(notReadyAsWritten(reason)).status).toBe(STALLED_REASONS.has(reason) ? 'Failed' : 'InProgress');
  });
});
