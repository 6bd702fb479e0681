import type { Session } from '../claims/session.interface.js';

/** A named check on a verified session; the name is what a `claims_failed` answer lists. */
export interface ClaimValidator {
  readonly name: string;
  validate(session: Session): boolean;
}

/** A validator object, or a plain predicate (named after the function). */
export type ClaimValidatorLike = ClaimValidator | ((session: Session) => boolean);

export function toClaimValidator(validator: ClaimValidatorLike): ClaimValidator {
  if (typeof validator === 'function') {
    return { name: validator.name || 'custom', validate: validator };
  }
  return validator;
}
