import type { DpopChallenge } from '../dpop/dpop-challenge.js';
import { REASON_MESSAGE, REASON_STATUS, type SessionErrorReason } from './session-error-reason.js';

export interface SessionErrorOptions {
  /** Replaces the reason's default message; must not contain the token or key material. */
  message?: string;
  cause?: unknown;
  /** Names of the claim validators that failed (`claims_failed`). */
  failedValidators?: readonly string[];
  /** The provider's OAuth error code (`refresh_failed`), e.g. `invalid_grant`. */
  providerError?: string;
  /** `insufficient_user_authentication`: the acr values that would satisfy the route, most preferred first (RFC 9470). */
  acrValues?: readonly string[];
  /** `insufficient_user_authentication`: the longest time since authentication the route accepts, in seconds (RFC 9470). */
  maxAge?: number;
  /** The RFC 9449 `DPoP` challenge answering this refusal, instead of `Bearer`. */
  dpopChallenge?: DpopChallenge;
}

/** The one error type of this module: every refusal carries a stable `reason`. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly reason: SessionErrorReason;
  readonly status: 401 | 403 | 503;
  readonly failedValidators?: readonly string[];
  readonly providerError?: string;
  readonly acrValues?: readonly string[];
  readonly maxAge?: number;
  readonly dpopChallenge?: DpopChallenge;

  constructor(reason: SessionErrorReason, options: SessionErrorOptions = {}) {
    super(options.message ?? REASON_MESSAGE[reason], options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.status = REASON_STATUS[reason];
    if (options.failedValidators) this.failedValidators = Object.freeze([...options.failedValidators]);
    if (options.providerError !== undefined) this.providerError = options.providerError;
    if (options.acrValues?.length) this.acrValues = Object.freeze([...options.acrValues]);
    if (options.maxAge !== undefined) this.maxAge = options.maxAge;
    if (options.dpopChallenge !== undefined) this.dpopChallenge = options.dpopChallenge;
  }
}

export function isSessionError(error: unknown): error is SessionError {
  return error instanceof SessionError;
}
