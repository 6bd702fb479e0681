import type { Session } from '../claims/session.interface.js';

/**
 * What a step-up validator asks for when it fails (RFC 9470): an authentication context (`acr`),
 * a multi-factor authentication (the `stepUp.mfaAcr` option names its acr value), a recent one.
 */
export interface StepUpRequirement {
  readonly acrValues?: readonly string[];
  readonly mfa?: boolean;
  /** Seconds since the authentication. */
  readonly maxAge?: number;
}

/** A named check on a verified session; the name is what a `claims_failed` answer lists. */
export interface ClaimValidator {
  readonly name: string;
  validate(session: Session): boolean;
  /** Set on validators a stronger or fresher login can satisfy: their failure asks for a step-up (401). */
  readonly stepUp?: StepUpRequirement;
}

/** A validator object, or a plain predicate (named after the function). */
export type ClaimValidatorLike = ClaimValidator | ((session: Session) => boolean);

export function toClaimValidator(validator: ClaimValidatorLike): ClaimValidator {
  if (typeof validator === 'function') {
    return { name: validator.name || 'custom', validate: validator };
  }
  return validator;
}
