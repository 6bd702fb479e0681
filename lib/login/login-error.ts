import { HttpException } from '@nestjs/common';

/** Why a login route refused a request. Stable strings. */
export type LoginErrorReason =
  /** No login under way for this browser (no or unknown login cookie), or it took longer than `loginTimeout`. */
  | 'login_expired'
  /** The callback's `state` is not the one this browser's login sent. */
  | 'state_mismatch'
  /** The ID token's `nonce` is not the one this browser's login sent. */
  | 'nonce_mismatch'
  /** The provider refused the authorization code (used twice, expired, or not for this client). */
  | 'code_rejected'
  /** The provider answered the authorization request with an error (`access_denied` ...). */
  | 'authorization_denied'
  /** The callback's tokens failed a check of the response (issuer, signature, claims) or the module's own validation. */
  | 'login_failed'
  /** `returnTo` names a URL that is neither a path of this app nor on `allowedReturnTo`. */
  | 'return_to_not_allowed';

/** A refused login step: answered 400 with `{ statusCode, error, message, reason }`, never a 500. */
export class LoginError extends Error {
  override readonly name = 'LoginError';

  constructor(
    readonly reason: LoginErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toHttpException(): HttpException {
    return new HttpException({ statusCode: 400, error: 'Bad Request', message: this.message, reason: this.reason }, 400);
  }
}
