/**
 * Why a pushed token (a logout token, a Security Event Token) was refused: the RFC 8935 error
 * codes, plus `temporarily_unavailable` when it was valid but could not be recorded.
 */
export type PushErrorCode =
  | 'invalid_request'
  | 'invalid_key'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'authentication_failed'
  | 'temporarily_unavailable';

/** A refusal of a pushed token; `description` never holds the token or a key. */
export class PushRejection extends Error {
  override readonly name = 'PushRejection';

  constructor(
    readonly code: PushErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}
