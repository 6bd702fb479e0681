import { errors } from 'jose';
import type { SessionErrorReason } from '../errors/session-error-reason.js';

/** Which claim jose's claim-set validation named, mapped to the reason a client can act on. */
const CLAIM_REASONS: Readonly<Record<string, SessionErrorReason>> = {
  iss: 'issuer_mismatch',
  aud: 'audience_mismatch',
  nbf: 'token_not_yet_valid',
};

/** Each jose failure maps to exactly one reason; anything unforeseen counts as a malformed token. */
export function reasonForJoseError(error: unknown): SessionErrorReason {
  if (error instanceof errors.JWTExpired) return 'token_expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A missing or mistyped `nbf` is not "not yet valid": it is an invalid claim.
    if (error.reason === 'check_failed') return CLAIM_REASONS[error.claim] ?? 'claim_invalid';
    return error.claim === 'iss' || error.claim === 'aud' ? CLAIM_REASONS[error.claim]! : 'claim_invalid';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature_invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'key_not_found';
  return 'token_malformed';
}
