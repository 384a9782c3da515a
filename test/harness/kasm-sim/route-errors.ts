/**
 * The three ways a handler fails, each answered the way Kasm answers it: business failures as HTTP 200
 * with `error_message`, server faults as an HTML 500 page, missing permissions as 403 `Unauthorized`.
 */
export class BusinessFailure extends Error {
  /** Extra top-level keys sent next to `error_message` (e.g. operational_status). */
  readonly extra: Readonly<Record<string, unknown>>;
  constructor(message: string, extra: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'BusinessFailure';
    this.extra = extra;
  }
}

export class ServerCrash extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ServerCrash';
  }
}

export class PermissionDenied extends Error {
  readonly missing: readonly string[];
  constructor(missing: readonly string[]) {
    super(`missing permissions: ${missing.join(', ')}`);
    this.name = 'PermissionDenied';
    this.missing = missing;
  }
}
