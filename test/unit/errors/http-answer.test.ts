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
