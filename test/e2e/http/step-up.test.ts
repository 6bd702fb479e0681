import { Controller, Get } from '@nestjs/common';
import { acr, claimEquals, maxAuthAge, mfa, RequireClaims, SkipGlobalClaims } from '../../../lib/index.js';
import type { JWTPayload } from 'jose';
import { call, type TestApp } from '../../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';

const MFA_ACR = 'urn:example:mfa';
const GOLD = 'urn:example:gold';
const SILVER = 'urn:example:silver';

@Controller('step-up')
class StepUpController {
  @SkipGlobalClaims() @RequireClaims(acr(GOLD)) @Get('gold') gold() { return { ok: true }; }
  @SkipGlobalClaims() @RequireClaims(acr(GOLD, SILVER)) @Get('gold-or-silver') goldOrSilver() { return { ok: true }; }
  @SkipGlobalClaims() @RequireClaims(acr(GOLD), maxAuthAge(300), mfa()) @Get('all-three') allThree() { return { ok: true }; }
  @SkipGlobalClaims() @RequireClaims(acr(GOLD), claimEquals('plan', 'pro')) @Get('mixed') mixed() { return { ok: true }; }
  @Get('global') global() { return { ok: true }; }
}

@SkipGlobalClaims()
@RequireClaims(maxAuthAge(600))
@Controller('fresh')
class FreshController {
  @RequireClaims(maxAuthAge(60)) @Get('strict') strict() { return { ok: true }; }
}

describe.each(HTTP_ADAPTERS)('step-up authentication (RFC 9470) over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  const now = () => Math.floor(Date.now() / 1000);
  const get = async (path: string, claims: JWTPayload) => call(`${app.url}${path}`, { token: await signSession(claims, { key }) });

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startApp(
      { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, realm: 'orders', stepUp: { mfaAcr: MFA_ACR }, claimValidators: [acr(GOLD)] },
      [StepUpController, FreshController],
    );
  });
  afterAll(() => app.close());

  it('acr() passes when the token acr is one of the values', async () => {
    expect((await get('/step-up/gold', { acr: GOLD })).status).toBe(200);
    expect((await get('/step-up/gold-or-silver', { acr: SILVER })).status).toBe(200);
  });

  it('a failed acr() is 401 insufficient_user_authentication naming the acr values in order', async () => {
    expectRefusal(await get('/step-up/gold', { acr: SILVER }), 401, 'insufficient_user_authentication', { realm: 'orders', failedValidators: [`acr(${GOLD})`], acrValues: GOLD });
    expectRefusal(await get('/step-up/gold-or-silver', {}), 401, 'insufficient_user_authentication', {
      realm: 'orders',
      failedValidators: [`acr(${GOLD},${SILVER})`],
      acrValues: `${GOLD} ${SILVER}`,
    });
  });

  it('acr() is never met by a non-string acr', async () => {
    expect((await get('/step-up/gold', { acr: [GOLD] })).status).toBe(401);
  });

  it('every unmet step-up requirement is named: acr values, the multi-factor acr, max_age', async () => {
    const answer = await get('/step-up/all-three', { acr: SILVER, amr: ['pwd'], auth_time: now() - 3600 });
    expectRefusal(answer, 401, 'insufficient_user_authentication', {
      realm: 'orders',
      failedValidators: [`acr(${GOLD})`, 'maxAuthAge(300)', 'mfa'],
      acrValues: `${GOLD} ${MFA_ACR}`,
      maxAge: 300,
    });
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer realm="orders", error="insufficient_user_authentication", error_description="${answer.body.message}", acr_values="${GOLD} ${MFA_ACR}", max_age="300"`,
    );
  });

  it('only what failed is named', async () => {
    const answer = await get('/step-up/all-three', { acr: GOLD, amr: ['mfa'], auth_time: now() - 3600 });
    expectRefusal(answer, 401, 'insufficient_user_authentication', { realm: 'orders', failedValidators: ['maxAuthAge(300)'], maxAge: 300 });
    expect((await get('/step-up/all-three', { acr: GOLD, amr: ['mfa'], auth_time: now() - 10 })).status).toBe(200);
  });

  it('max_age is the smallest failed maxAuthAge(), class and method together', async () => {
    expectRefusal(await get('/fresh/strict', { auth_time: now() - 3600 }), 401, 'insufficient_user_authentication', {
      realm: 'orders',
      failedValidators: ['maxAuthAge(600)', 'maxAuthAge(60)'],
      maxAge: 60,
    });
    expectRefusal(await get('/fresh/strict', { auth_time: now() - 120 }), 401, 'insufficient_user_authentication', {
      realm: 'orders',
      failedValidators: ['maxAuthAge(60)'],
      maxAge: 60,
    });
  });

  it('any failed validator that is not a step-up one makes it 403 claims_failed naming all', async () => {
    expectRefusal(await get('/step-up/mixed', { acr: SILVER, plan: 'free' }), 403, 'claims_failed', {
      realm: 'orders',
      failedValidators: [`acr(${GOLD})`, 'claimEquals(plan)'],
    });
    expectRefusal(await get('/step-up/mixed', { acr: SILVER, plan: 'pro' }), 401, 'insufficient_user_authentication', {
      realm: 'orders',
      failedValidators: [`acr(${GOLD})`],
      acrValues: GOLD,
    });
  });

  it('global claimValidators step up the same way', async () => {
    expectRefusal(await get('/step-up/global', { acr: SILVER }), 401, 'insufficient_user_authentication', { realm: 'orders', failedValidators: [`acr(${GOLD})`], acrValues: GOLD });
    expect((await get('/step-up/global', { acr: GOLD })).status).toBe(200);
  });
});

describe('mfa() without a configured multi-factor acr', () => {
  let key: TestKey;
  let app: TestApp;

  @Controller()
  class MfaController {
    @RequireClaims(mfa()) @Get('mfa') mfa() { return { ok: true }; }
  }

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await onAdapter('express').startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }, [MfaController]);
  });
  afterAll(() => app.close());

  it('is still a step-up: 401 without acr_values', async () => {
    const answer = await call(`${app.url}/mfa`, { token: await signSession({ amr: ['pwd'] }, { key }) });
    expectRefusal(answer, 401, 'insufficient_user_authentication', { failedValidators: ['mfa'] });
    expect(answer.headers.get('www-authenticate')).not.toContain('acr_values');
  });

  it('acr() needs at least one value', () => {
    expect(() => acr()).toThrow(TypeError);
    expect(() => acr('')).toThrow(TypeError);
  });
});
