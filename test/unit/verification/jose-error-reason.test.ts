import { errors } from 'jose';
import { reasonForJoseError } from '../../../lib/verification/jose-error-reason.js';

describe('reasonForJoseError', () => {
  it.each([
    [new errors.JWTExpired('x', {}, 'exp', 'check_failed'), 'token_expired'],
    [new errors.JWTExpired('x', {}, 'iat', 'check_failed'), 'token_expired'],
    [new errors.JWTClaimValidationFailed('x', {}, 'nbf', 'check_failed'), 'token_not_yet_valid'],
    [new errors.JWTClaimValidationFailed('x', {}, 'nbf', 'invalid'), 'claim_invalid'],
    [new errors.JWTClaimValidationFailed('x', {}, 'iss', 'check_failed'), 'issuer_mismatch'],
    [new errors.JWTClaimValidationFailed('x', {}, 'iss', 'missing'), 'issuer_mismatch'],
    [new errors.JWTClaimValidationFailed('x', {}, 'aud', 'missing'), 'audience_mismatch'],
    [new errors.JWTClaimValidationFailed('x', {}, 'exp', 'missing'), 'claim_invalid'],
    [new errors.JWTClaimValidationFailed('x', {}, 'exp', 'invalid'), 'claim_invalid'],
    [new errors.JWTClaimValidationFailed('x', {}, 'typ', 'check_failed'), 'claim_invalid'],
    [new errors.JOSEAlgNotAllowed('x'), 'algorithm_not_allowed'],
    [new errors.JWSSignatureVerificationFailed(), 'signature_invalid'],
    [new errors.JWKSNoMatchingKey(), 'key_not_found'],
    [new errors.JWSInvalid('x'), 'token_malformed'],
    [new errors.JWTInvalid('x'), 'token_malformed'],
    [new errors.JOSENotSupported('crit'), 'token_malformed'],
    [new TypeError('anything else'), 'token_malformed'],
  ])('%s → %s', (error, reason) => {
    expect(reasonForJoseError(error)).toBe(reason);
  });
});
