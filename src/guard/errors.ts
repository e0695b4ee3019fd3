/**
 * The guard's HTTP error catalog: each refusal carries a stable code, an HTTP status and a message that is safe
 * to show the caller. Upstream failures are reported generically (never the upstream's address or body).
 */

/** One guard error code's behaviour. */
export interface GuardErrorSpec {
  readonly status: number;
  /** The message sent to the client (reasons may add detail that names no value). */
  readonly message: string;
}

export const GUARD_ERRORS = {
  LG_GUARD_UNAUTHENTICATED: { status: 401, message: 'Authentication required' },
  LG_GUARD_FORBIDDEN: { status: 403, message: 'Forbidden' },
  LG_GUARD_NOT_ALLOWED: { status: 403, message: 'Request not allowed for this role' },
  LG_GUARD_PURPOSE_REQUIRED: { status: 403, message: 'A purpose is required for this request' },
  LG_GUARD_LIMIT: { status: 400, message: 'Request exceeds a limit of this role' },
  LG_GUARD_QUOTA: { status: 429, message: 'Quota exceeded' },
  LG_GUARD_BLOCKED: { status: 403, message: 'Principal blocked after anomalous volume' },
  LG_GUARD_BAD_REQUEST: { status: 400, message: 'Malformed request' },
  LG_GUARD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  LG_GUARD_UPSTREAM: { status: 502, message: 'Upstream unavailable' },
  LG_GUARD_UPSTREAM_TIMEOUT: { status: 504, message: 'Upstream timed out' },
  LG_GUARD_UPSTREAM_INVALID: { status: 502, message: 'Upstream response could not be processed' },
  LG_GUARD_UNAVAILABLE: { status: 503, message: 'Guard temporarily unavailable' },
  LG_GUARD_INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, GuardErrorSpec>;

export type GuardErrorCode = keyof typeof GUARD_ERRORS;

/**
 * A refusal or failure the guard answers with. `reason` is shown to the client and written to the audit log;
 * it must never hold a personal value.
 *
 * @example
 * throw new GuardError('LG_GUARD_NOT_ALLOWED', 'method DELETE not allowed');
 */
export class GuardError extends Error {
  readonly code: GuardErrorCode;
  readonly status: number;
  readonly reason: string;
  /** Seconds to wait (429). */
  readonly retryAfter: number | undefined;

  constructor(code: GuardErrorCode, reason?: string, options?: { cause?: unknown; retryAfter?: number }) {
    const spec = GUARD_ERRORS[code];
    super(reason ? `${spec.message}: ${reason}` : spec.message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'GuardError';
    this.code = code;
    this.status = spec.status;
    this.reason = reason ?? spec.message;
    this.retryAfter = options?.retryAfter;
  }

  /** The JSON body sent to the client: `{ error: { code, message } }` (Elasticsearch clients show `message`). */
  body(): string {
    // 5xx: generic text only, never the cause.
    const message = this.status >= 500 ? GUARD_ERRORS[this.code].message : this.message;
    return JSON.stringify({ error: { code: this.code, message }, status: this.status });
  }
}

/** Whether `e` is a {@link GuardError}. */
export function isGuardError(e: unknown): e is GuardError {
  return e instanceof GuardError;
}
