import { errors } from 'jose';

/** What the verifier expected, to say which rule a token broke. */
export interface ClaimRules {
  readonly tokenType?: string;
  readonly maxTokenAge?: number;
}

/**
 * The claim a jose failure names and the rule it broke, as the 401's `message` (`"sub" is
 * missing`, `"typ" must be at+jwt`); `undefined` leaves the reason's default. Built from the claim
 * name jose reports (a fixed name or one the options require) and the configured rules only:
 * never a value taken from the token.
 */
export function claimFailureMessage(error: unknown, rules: ClaimRules): string | undefined {
  if (error instanceof errors.JWTExpired) {
    if (error.claim === 'iat') return `"iat" is older than maxTokenAge (${rules.maxTokenAge} s)`;
    return '"exp" is in the past';
  }
  if (!(error instanceof errors.JWTClaimValidationFailed)) return undefined;
  const claim = `"${error.claim}"`;
  if (error.reason === 'missing') return `${claim} is missing`;
  if (error.reason === 'invalid') return `${claim} must be a number`;
  switch (error.claim) {
    case 'typ':
      return `"typ" must be ${rules.tokenType}`;
    case 'iss':
      return '"iss" is not an accepted issuer';
    case 'aud':
      return '"aud" names no accepted audience';
    case 'nbf':
    case 'iat':
      return `${claim} is in the future`;
    default:
      return `${claim} is invalid`;
  }
}
