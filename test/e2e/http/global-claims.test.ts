import { Controller, Get } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { mfa, OptionalSession, Public, RequireClaims, SkipGlobalClaims, type ClaimValidator, type Session } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';

const notSuspended: ClaimValidator = { name: 'notSuspended', validate: (session) => session.claims.suspended !== true };

function emailVerified(session: Session): boolean {
  return session.claims.email_verified === true;
}

@Controller('g')
class GlobalClaimsController {
  @Get('default') byDefault() { return { ok: true }; }
  @SkipGlobalClaims() @Get('skip-all') skipAll() { return { ok: true }; }
  @SkipGlobalClaims('notSuspended') @Get('skip-one') skipOne() { return { ok: true }; }
  @SkipGlobalClaims() @RequireClaims(mfa()) @Get('skip-all-with-own') skipAllWithOwn() { return { ok: true }; }
  @RequireClaims(mfa()) @Get('with-own') withOwn() { return { ok: true }; }
  @Public() @Get('public') open() { return { ok: true }; }
  @OptionalSession() @Get('optional') optional() { return { ok: true }; }
}

@SkipGlobalClaims('emailVerified')
@Controller('class-skip')
class ClassSkipController {
  @Get('plain') plain() { return { ok: true }; }
  @SkipGlobalClaims('notSuspended') @Get('both-skipped') bothSkipped() { return { ok: true }; }
}

describe.each(HTTP_ADAPTERS)('global claim validators (claimValidators option, @SkipGlobalClaims) over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  const tokenFor = (claims: JWTPayload) => signSession(claims, { key });
  const get = async (path: string, claims?: JWTPayload) =>
    call(`${app.url}${path}`, claims === undefined ? {} : { token: await tokenFor(claims) });

  const good = { email_verified: true };
  const suspended = { email_verified: true, suspended: true };
  const both = { suspended: true };

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startApp(
      { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, claimValidators: [notSuspended, emailVerified] },
      [GlobalClaimsController, ClassSkipController],
    );
  });
  afterAll(() => app.close());

  it('apply to every guarded route', async () => {
    expect((await get('/g/default', good)).status).toBe(200);
    expectRefusal(await get('/g/default', suspended), 403, 'claims_failed', { failedValidators: ['notSuspended'] });
    expectRefusal(await get('/g/default', both), 403, 'claims_failed', { failedValidators: ['notSuspended', 'emailVerified'] });
  });

  it('add up with the route validators', async () => {
    expect((await get('/g/with-own', { ...good, amr: ['mfa'] })).status).toBe(200);
    expectRefusal(await get('/g/with-own', both), 403, 'claims_failed', {
      failedValidators: ['notSuspended', 'emailVerified', expect.stringMatching(/^mfa\b/)],
    });
  });

  it('@SkipGlobalClaims() drops them all', async () => {
    expect((await get('/g/skip-all', both)).status).toBe(200);
  });

  it('@SkipGlobalClaims() keeps the route own validators', async () => {
    // mfa() alone failing is a step-up (RFC 9470): 401, not 403.
    expectRefusal(await get('/g/skip-all-with-own', both), 401, 'insufficient_user_authentication', { failedValidators: [expect.stringMatching(/^mfa\b/)] });
    expect((await get('/g/skip-all-with-own', { ...both, amr: ['mfa'] })).status).toBe(200);
  });

  it('@SkipGlobalClaims("name") drops that one only', async () => {
    expect((await get('/g/skip-one', suspended)).status).toBe(200);
    expectRefusal(await get('/g/skip-one', both), 403, 'claims_failed', { failedValidators: ['emailVerified'] });
  });

  it('a class @SkipGlobalClaims("name") and a method one add up', async () => {
    expectRefusal(await get('/class-skip/plain', both), 403, 'claims_failed', { failedValidators: ['notSuspended'] });
    expect((await get('/class-skip/plain', { email_verified: false })).status).toBe(200);
    expect((await get('/class-skip/both-skipped', both)).status).toBe(200);
  });

  it('do not run on @Public routes, nor on @OptionalSession routes without a token', async () => {
    expect((await get('/g/public')).status).toBe(200);
    expect((await get('/g/optional')).status).toBe(200);
  });

  it('do run on @OptionalSession routes when a token is present', async () => {
    expectRefusal(await get('/g/optional', both), 403, 'claims_failed', { failedValidators: ['notSuspended', 'emailVerified'] });
  });
});
