import { toClaimValidator, type ClaimValidatorLike } from '../claim-validator.interface.js';
import { routeDecorator } from '../route-metadata.js';

/** Every validator must pass (403 `claims_failed`, naming those that failed). */
export const RequireClaims = (...validators: ClaimValidatorLike[]): ClassDecorator & MethodDecorator => {
  const added = validators.map(toClaimValidator);
  return routeDecorator((meta) => ({ ...meta, claimValidators: [...(meta.claimValidators ?? []), ...added] }));
};

/**
 * Drops the validators set in the module's `claimValidators` option for this route:
 * all of them, or only those named.
 */
export const SkipGlobalClaims = (...names: string[]): ClassDecorator & MethodDecorator =>
  routeDecorator((meta) => {
    if (names.length === 0 || meta.skipGlobalClaims === true) return { ...meta, skipGlobalClaims: true };
    return { ...meta, skipGlobalClaims: [...(meta.skipGlobalClaims ?? []), ...names] };
  });
