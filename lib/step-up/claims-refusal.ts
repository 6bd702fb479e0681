import { SessionError } from '../errors/session-error.js';
import type { ClaimValidator } from '../requirements/claim-validator.interface.js';
import type { StepUpConfig } from './step-up-options.js';

/**
 * The refusal for failed claim validators. Only step-up validators failed: 401
 * `insufficient_user_authentication` naming every unmet requirement (the failed `acr()` values in
 * order, then the multi-factor acr; the smallest `max_age`). Any other failure: 403 `claims_failed`.
 */
export function claimsRefusal(failed: readonly ClaimValidator[], stepUp: StepUpConfig | undefined): SessionError {
  const failedValidators = failed.map((validator) => validator.name);
  const message = `Claim requirements not met: ${failedValidators.join(', ')}`;
  if (!failed.every((validator) => validator.stepUp !== undefined)) return new SessionError('claims_failed', { message, failedValidators });

  const acrValues: string[] = [];
  let maxAge: number | undefined;
  for (const { stepUp: requirement } of failed) {
    acrValues.push(...(requirement!.acrValues ?? []), ...(requirement!.mfa ? (stepUp?.mfaAcr ?? []) : []));
    if (requirement!.maxAge !== undefined) maxAge = Math.min(maxAge ?? Infinity, requirement!.maxAge);
  }
  return new SessionError('insufficient_user_authentication', {
    message: `A stronger or more recent authentication is required: ${failedValidators.join(', ')}`,
    failedValidators,
    acrValues: [...new Set(acrValues)],
    ...(maxAge !== undefined && { maxAge }),
  });
}
