import { describe, expect, it } from 'vitest';
import { needsReconcile } from '../../src/controllers/kind-controller.js';
import type { ManagedObject } from '../../src/controllers/managed-kind.js';
import { classifyFailure } from '../../src/controllers/managed-reconciler.js';
import { InvalidSpecError, ReferenceNotReadyError, SecretNotFoundError } from '../../src/controllers/reconcile-errors.js';
import { InvalidAnnotationError } from '../../src/api/annotations.js';
import { KasmAuthenticationError, KasmCircuitOpenError, KasmConflictError, KasmPermissionError, KasmServerError, KasmTransportError } from '../../src/kasm/errors.js';

const fields = { endpoint: 'create_user', status: 0 };

describe('classifyFailure', () => {
  it.each([
    ['invalid spec', new InvalidSpecError('spec.x: bad'), 'InvalidSpec', true],
    ['bad annotation', new InvalidAnnotationError('kasm.io/poll-interval', 'bad'), 'InvalidSpec', true],
    ['missing Secret', new SecretNotFoundError('Secret "x" not found'), 'SecretNotFound', true],
    ['reference not ready', new ReferenceNotReadyError('KasmGroup', 'g', 'is not Ready yet'), 'ReferenceNotReady', false],
    ['permission', new KasmPermissionError('lacks Users Create', { ...fields, status: 403, requiredPermissions: ['Users Create'] }), 'PermissionDenied', true],
    ['authentication', new KasmAuthenticationError('bad key', { ...fields, status: 401 }), 'AuthenticationFailed', true],
    ['name taken', new KasmConflictError('exists', { ...fields, status: 200 }), 'Conflict', true],
    ['server error', new KasmServerError('500', { ...fields, status: 500 }), 'KasmUnavailable', false],
    ['refused', new KasmTransportError('refused', { ...fields, failure: 'refused', mayHaveTakenEffect: false }), 'KasmUnavailable', false],
    ['breaker open', new KasmCircuitOpenError('open', { ...fields, retryAt: new Date() }), 'KasmUnavailable', false],
  ])('%s → Ready reason %s, stalled %s', (_name, err, reason, stalled) => {
    const c = classifyFailure(err);
    expect(c.readyReason).toBe(reason);
    expect(c.stalled).toBe(stalled);
  });
});

const obj = (meta: Partial<ManagedObject['metadata']>): ManagedObject => ({ metadata: { name: 'a', namespace: 'n', generation: 1, ...meta } });

describe('needsReconcile', () => {
  it('reacts to spec, annotations, labels and deletion, not to status or finalizer writes', () => {
    expect(needsReconcile(obj({}), obj({ generation: 2 }))).toBe(true);
    expect(needsReconcile(obj({}), obj({ annotations: { 'kasm.io/paused': 'true' } }))).toBe(true);
    expect(needsReconcile(obj({}), obj({ labels: { a: 'b' } }))).toBe(true);
    expect(needsReconcile(obj({}), obj({ deletionTimestamp: '2026-01-01T00:00:00Z' }))).toBe(true);
    expect(needsReconcile(obj({}), obj({ resourceVersion: '9', finalizers: ['kasm.io/finalizer'] }))).toBe(false);
    expect(needsReconcile({ ...obj({}), status: { a: 1 } }, { ...obj({}), status: { a: 2 } })).toBe(false);
  });
});
