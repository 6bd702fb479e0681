import { SessionConfigError } from '../errors/session-config.error.js';
import { toClaimValidator, type ClaimValidator, type ClaimValidatorLike } from './claim-validator.interface.js';

/** What every guarded route must satisfy, as an application writes it (part of `SessionModuleOptions`). */
export interface ClaimValidatorOptions {
  /** Claim validators applied to every guarded route (drop them with `@SkipGlobalClaims()`). */
  claimValidators?: ClaimValidatorLike[];
}

export const CLAIM_VALIDATOR_OPTION_KEYS: readonly (keyof ClaimValidatorOptions)[] = Object.freeze(['claimValidators']);

export function readClaimValidators(validators: ClaimValidatorOptions['claimValidators']): readonly ClaimValidator[] {
  if (validators === undefined) return Object.freeze([]);
  if (!Array.isArray(validators)) throw new SessionConfigError('claimValidators', 'must be an array of validators or predicates');
  return Object.freeze(
    validators.map((validator) => {
      const valid = typeof validator === 'function' || (typeof validator?.validate === 'function' && typeof validator.name === 'string');
      if (!valid) throw new SessionConfigError('claimValidators', 'must hold validators ({ name, validate }) or predicates');
      return toClaimValidator(validator);
    }),
  );
}
