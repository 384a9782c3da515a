/**
 * Errors a reconcile raises on the Kubernetes side of a managed object. With the Kasm client's
 * errors (src/kasm/errors.ts) they are everything the managed reconciler turns into conditions.
 */
export abstract class ReconcileError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly reason: string;
  /**
   * Fuller text for the Warning event and the log, where the condition message is kept the same
   * across retries (so that the status is not rewritten each time the detail changes).
   */
  readonly detail?: string;
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

/** Lists this short are named in the condition message; longer ones are counted. */
const LISTED_BY_NAME = 3;
/** Waiting entries named in the event. */
const WAITING_SHOWN = 5;

/**
 * Some entries of a list field wait: references not Ready, Kasm objects not there yet (a
 * membership applied together with its users). The condition message names the field and what it
 * lists, words that stay the same while the waiting entries become Ready one by one, so the wait
 * costs one status write rather than one per entry; `detail` (the Warning event, the log) names
 * the entries still waiting and why.
 */
export class ListReferencesNotReadyError extends ReconcileError {
  readonly retryable = true;
  readonly reason = 'ReferenceNotReady';
  override readonly detail: string;
  constructor(
    readonly field: string,
    /** How each entry of the field is named (reference name, username, id), in spec order. */
    listed: readonly string[],
    /** Why each waiting entry waits (`KasmUser "bob" is not Ready yet`), in spec order. */
    readonly waiting: readonly string[],
  ) {
    const what = listed.length <= LISTED_BY_NAME ? `listed: ${listed.map((n) => `"${n}"`).join(', ')}` : `${listed.length} listed`;
    super(`Waiting for ${field} (${what}): not every entry is Ready, or in Kasm, yet; the ReferenceNotReady events name the ones still waiting`);
    const shown = waiting.slice(0, WAITING_SHOWN);
    const more = waiting.length > WAITING_SHOWN ? `; and ${waiting.length - WAITING_SHOWN} more` : '';
    this.detail = `${field}: ${waiting.length} of ${listed.length} entries waiting: ${shown.join('; ')}${more}`;
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
