import { errors } from 'jose';
import { claimFailureMessage } from '../../../lib/verification/claim-failure-message.js';

describe('claimFailureMessage: the failed claim and the rule, never a value from the token', () => {
  const rules = { tokenType: 'at+jwt', maxTokenAge: 3600 };
  const payload = { sub: 'SECRET-SUBJECT', typ: 'SECRET-TYPE', iss: 'https://evil.example' };

  it.each([
    [new errors.JWTClaimValidationFailed('x', payload, 'sub', 'missing'), '"sub" is missing'],
    [new errors.JWTClaimValidationFailed('x', payload, 'tid', 'missing'), '"tid" is missing'],
    [new errors.JWTClaimValidationFailed('x', payload, 'exp', 'invalid'), '"exp" must be a number'],
    [new errors.JWTClaimValidationFailed('x', payload, 'typ', 'check_failed'), '"typ" must be at+jwt'],
    [new errors.JWTClaimValidationFailed('x', payload, 'iss', 'check_failed'), '"iss" is not an accepted issuer'],
    [new errors.JWTClaimValidationFailed('x', payload, 'aud', 'check_failed'), '"aud" names no accepted audience'],
    [new errors.JWTClaimValidationFailed('x', payload, 'nbf', 'check_failed'), '"nbf" is in the future'],
    [new errors.JWTClaimValidationFailed('x', payload, 'iat', 'check_failed'), '"iat" is in the future'],
    [new errors.JWTClaimValidationFailed('x', payload, 'sub', 'check_failed'), '"sub" is invalid'],
    [new errors.JWTExpired('x', payload, 'exp', 'check_failed'), '"exp" is in the past'],
    [new errors.JWTExpired('x', payload, 'iat', 'check_failed'), '"iat" is older than maxTokenAge (3600 s)'],
  ])('%s', (error, message) => {
    const text = claimFailureMessage(error, rules);
    expect(text).toBe(message);
    expect(text).not.toMatch(/SECRET|evil/);
  });

  it('leaves the reason default for failures that are not about a claim', () => {
    expect(claimFailureMessage(new errors.JWSSignatureVerificationFailed(), rules)).toBeUndefined();
    expect(claimFailureMessage(new errors.JWSInvalid('Invalid Compact JWS'), rules)).toBeUndefined();
    expect(claimFailureMessage(new TypeError('x'), rules)).toBeUndefined();
  });
});
