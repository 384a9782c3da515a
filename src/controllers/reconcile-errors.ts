/**
 * Errors a reconcile raises on the Kubernetes side of a managed object. With the Kasm client's
 * errors (src/kasm/errors.ts) they are everything the managed reconciler turns into conditions.
 */
export abstract class ReconcileError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly reason: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The spec cannot be acted on as written; the message names the field and the fix. */
export class InvalidSpecError extends ReconcileError {
  readonly retryable = false;
  readonly reason = 'InvalidSpec';
}

/** A referenced object (another kind, a connection) exists but is not Ready yet, or does not exist yet. */
export class ReferenceNotReadyError extends ReconcileError {
  readonly retryable = true;
  readonly reason = 'ReferenceNotReady';
  constructor(
    readonly refKind: string,
    readonly refName: string,
    detail: string,
  ) {
    super(`${refKind} "${refName}" ${detail}`);
  }
}

/** A Secret or key the spec names is missing; fixed by creating it (Secrets are watched). */
export class SecretNotFoundError extends ReconcileError {
  readonly retryable = false;
  readonly reason = 'SecretNotFound';
}

/** The Kasm object's natural key is taken by an object this resource may not adopt. */
export class AdoptionRefusedError extends ReconcileError {
  readonly retryable = false;
  readonly reason = 'Conflict';
}

/** Kasm refused a delete for a reason the spec can change (a user with live sessions and no forceDelete). */
export class DeleteBlockedError extends ReconcileError {
  readonly retryable = true;
  readonly reason = 'DeleteBlocked';
}
