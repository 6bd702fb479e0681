import { HttpException } from '@nestjs/common';
import { REASON_STATUS, SessionError, toHttpAnswer, type SessionErrorReason } from '../../../lib/index.js';

describe('toHttpAnswer', () => {
  it('answers token_missing with a bare challenge', () => {
    const answer = toHttpAnswer(new SessionError('token_missing'));
    expect(answer.wwwAuthenticate).toBe('Bearer');
    expect(toHttpAnswer(new SessionError('token_missing'), 'api').wwwAuthenticate).toBe('Bearer realm="api"');
    expect(answer.exception.getStatus()).toBe(401);
    expect(answer.exception.getResponse()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'No session token was presented', reason: 'token_missing' });
  });

  it.each(['token_malformed', 'token_expired', 'token_not_yet_valid', 'signature_invalid', 'algorithm_not_allowed', 'issuer_mismatch', 'audience_mismatch', 'key_not_found', 'claim_invalid', 'token_revoked'] as SessionErrorReason[])(
    '%s is 401 invalid_token',
    (reason) => {
      const answer = toHttpAnswer(new SessionError(reason), 'api');
      expect(answer.exception.getStatus()).toBe(401);
      expect(answer.wwwAuthenticate).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/);
    },
  );

  it.each(['missing_roles', 'missing_permissions'] as SessionErrorReason[])('%s is 403 insufficient_scope', (reason) => {
    const answer = toHttpAnswer(new SessionError(reason));
    expect(answer.exception.getStatus()).toBe(403);
    expect(answer.wwwAuthenticate).toMatch(/^Bearer error="insufficient_scope"/);
  });

  it.each(['tenant_not_member', 'tenant_required', 'claims_failed', 'csrf_failed', 'keys_unavailable', 'revocation_unavailable'] as SessionErrorReason[])(
    '%s carries no challenge',
    (reason) => {
      const answer = toHttpAnswer(new SessionError(reason));
      expect(answer.exception.getStatus()).toBe(REASON_STATUS[reason]);
      expect(answer.wwwAuthenticate).toBeUndefined();
    },
  );

  it('keeps the header value legal whatever the message holds', () => {
    const answer = toHttpAnswer(new SessionError('missing_roles', { message: 'Requires "a"\\ in tenant \r\nX-Evil: 1 ü' }));
    expect(answer.wwwAuthenticate).toBe('Bearer error="insufficient_scope", error_description="Requires a in tenant X-Evil: 1 "');
  });

  it('lists failed validators and hides the cause', () => {
    const answer = toHttpAnswer(new SessionError('claims_failed', { failedValidators: ['mfa'], cause: new Error('secret detail') }));
    expect(answer.exception).toBeInstanceOf(HttpException);
    expect(answer.exception.getResponse()).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String), reason: 'claims_failed', failedValidators: ['mfa'] });
    expect(JSON.stringify(answer.exception.getResponse())).not.toContain('secret detail');
  });

  it('answers 503 as Service Unavailable', () => {
    expect(toHttpAnswer(new SessionError('keys_unavailable')).exception.getResponse()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  });
});

describe('toHttpAnswer with the challenge params (realm, RFC 9728 resource_metadata)', () => {
  const params = { realm: 'api', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' };

  it('names the metadata last in every 401 challenge, and in no 403', () => {
    expect(toHttpAnswer(new SessionError('token_missing'), params).wwwAuthenticate).toBe(`Bearer realm="api", resource_metadata="${params.resourceMetadata}"`);
    expect(toHttpAnswer(new SessionError('token_expired'), params).wwwAuthenticate).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"]*", resource_metadata="https:\/\/api\.example\/\.well-known\/oauth-protected-resource"$/);
    expect(toHttpAnswer(new SessionError('missing_roles'), params).wwwAuthenticate).not.toContain('resource_metadata');
    expect(toHttpAnswer(new SessionError('claims_failed'), params).wwwAuthenticate).toBeUndefined();
  });

  it('a DPoP challenge carries it too', () => {
    const error = new SessionError('dpop_invalid', { dpopChallenge: { error: 'invalid_dpop_proof', algs: ['ES256'] } });
    expect(toHttpAnswer(error, params).wwwAuthenticate).toMatch(/^DPoP realm="api", error="invalid_dpop_proof", error_description="[^"]*", algs="ES256", resource_metadata="[^"]+"$/);
  });

  it('a step-up challenge: acr_values and max_age quoted, then the metadata', () => {
    const error = new SessionError('insufficient_user_authentication', { acrValues: ['gold', 'platinum'], maxAge: 60 });
    expect(toHttpAnswer(error, params).wwwAuthenticate).toBe(
      `Bearer realm="api", error="insufficient_user_authentication", error_description="${error.message}", acr_values="gold platinum", max_age="60", resource_metadata="${params.resourceMetadata}"`,
    );
    expect(toHttpAnswer(error).exception.getResponse()).toMatchObject({ statusCode: 401, reason: 'insufficient_user_authentication', acr_values: 'gold platinum', max_age: 60 });
  });
});
