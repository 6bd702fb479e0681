import { ISSUER, makeKey, type TestKey } from '../support/keys.js';
import { forge } from './support/forge.js';
import { AUDIENCE, expectInvalid, startTarget, type Target } from './support/target-app.js';

/**
 * Registered claims of the wrong type or out of range, each in a token correctly signed by the
 * issuer's own key (the worst case: only the claim is wrong).
 */
describe('claims of the wrong type or range (signed by the real key)', () => {
  let key: TestKey;
  let app: Target;
  let lifetimeApp: Target;
  const now = () => Math.floor(Date.now() / 1000);
  const base = () => ({ iss: ISSUER, aud: AUDIENCE, sub: 'U1', iat: now(), exp: now() + 300 });

  /** A signed token with these claims over the valid base (`undefined` removes a claim). */
  const token = (claims: Record<string, unknown> = {}) => forge({ alg: 'ES256', kid: key.kid }, { ...base(), ...claims }, key);
  /** A signed token whose claim `name` is the raw JSON text `value` (numbers JSON.stringify cannot write). */
  const rawToken = (name: string, value: string) => {
    const { [name as keyof ReturnType<typeof base>]: _dropped, ...rest } = base();
    return forge({ alg: 'ES256', kid: key.kid }, `${JSON.stringify(rest).slice(0, -1)},"${name}":${value}}`, key);
  };
  const expectRefused = async (tokenValue: string, reason: string, target = app) => expectInvalid(await target.get('/me', { token: tokenValue }), reason, tokenValue);

  beforeAll(async () => {
    key = await makeKey('ES256', 'claims-key');
    app = await startTarget({ jwks: { keys: [key.publicJwk] } });
    lifetimeApp = await startTarget({ jwks: { keys: [key.publicJwk] }, maxTokenLifetime: 3600 });
  });
  afterAll(async () => {
    await app.close();
    await lifetimeApp.close();
  });

  it('accepts the valid base the cases start from', async () => {
    const answer = await app.get('/me', { token: await token() });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ userId: 'U1', issuer: ISSUER, audience: [AUDIENCE] });
  });

  it.each([
    ['a number', 42],
    ['an array holding the issuer', [ISSUER]],
    ['an object', { iss: ISSUER }],
    ['null', null],
    ['an empty string', ''],
    ['true', true],
    ['the issuer in another case', ISSUER.toUpperCase()],
    ['the issuer with a trailing space', `${ISSUER} `],
    ['missing', undefined],
  ])('iss as %s is issuer_mismatch', async (_name, iss) => {
    await expectRefused(await token({ iss }), 'issuer_mismatch');
  });

  it.each([
    ['a number', 42],
    ['an object', { aud: AUDIENCE }],
    ['an empty array', []],
    ['an array of non-strings', [42, null, {}]],
    ['null', null],
    ['true', true],
    ['the audience in another case', AUDIENCE.toUpperCase()],
    ['an array without the audience', ['api://other', 'api://third']],
    ['missing', undefined],
  ])('aud as %s is audience_mismatch', async (_name, aud) => {
    await expectRefused(await token({ aud }), 'audience_mismatch');
  });

  it('aud as an array holding the audience is accepted; only its strings reach the session', async () => {
    const listed = await app.get('/me', { token: await token({ aud: ['api://other', AUDIENCE] }) });
    expect({ status: listed.status, audience: listed.body.audience }).toEqual({ status: 200, audience: ['api://other', AUDIENCE] });
    const mixed = await app.get('/me', { token: await token({ aud: [42, AUDIENCE, { x: 1 }] }) });
    expect({ status: mixed.status, audience: mixed.body.audience }).toEqual({ status: 200, audience: [AUDIENCE] });
  });

  it.each([
    ['a number', 42],
    ['an array', ['U1']],
    ['an object', { id: 'U1' }],
    ['null', null],
    ['an empty string', ''],
    ['true', true],
    ['missing', undefined],
  ])('sub as %s is claim_invalid', async (_name, sub) => {
    await expectRefused(await token({ sub }), 'claim_invalid');
  });

  describe('exp, nbf and iat', () => {
    const notNumbers: [string, unknown][] = [
      ['a numeric string', String(Math.floor(Date.now() / 1000) + 300)],
      ['a date string', '2099-01-01T00:00:00Z'],
      ['"NaN"', 'NaN'],
      ['"Infinity"', 'Infinity'],
      ['null', null],
      ['true', true],
      ['an object', { seconds: 1 }],
      ['an array', [Math.floor(Date.now() / 1000) + 300]],
    ];

    it.each(notNumbers)('exp as %s is claim_invalid', async (_name, exp) => {
      await expectRefused(await token({ exp }), 'claim_invalid');
    });
    it.each(notNumbers)('nbf as %s is claim_invalid', async (_name, nbf) => {
      await expectRefused(await token({ nbf }), 'claim_invalid');
    });
    it.each(notNumbers)('iat as %s is claim_invalid', async (_name, iat) => {
      await expectRefused(await token({ iat }), 'claim_invalid');
    });

    it('exp missing is claim_invalid', async () => {
      await expectRefused(await token({ exp: undefined }), 'claim_invalid');
    });

    it('exp negative, zero or just past is token_expired', async () => {
      for (const exp of [-1, -1e308, 0, now() - 60]) await expectRefused(await token({ exp }), 'token_expired');
      await expectRefused(await rawToken('exp', '-1e400'), 'token_expired');
    });

    it('exp beyond any date (1e308, 1e400 which JSON reads as Infinity) is claim_invalid, not "never expires"', async () => {
      await expectRefused(await token({ exp: 1e308 }), 'claim_invalid');
      await expectRefused(await token({ exp: 8.64e12 + 1 }), 'claim_invalid');
      await expectRefused(await rawToken('exp', '1e400'), 'claim_invalid');
    });

    it('nbf or iat negative, -1e400 (-Infinity) or past year 275760 is claim_invalid', async () => {
      for (const name of ['nbf', 'iat']) {
        for (const value of [-1, -1e308]) await expectRefused(await token({ [name]: value }), 'claim_invalid');
        await expectRefused(await rawToken(name, '-1e400'), 'claim_invalid');
      }
      await expectRefused(await token({ iat: 1e308 }), 'claim_invalid');
      await expectRefused(await rawToken('iat', '1e400'), 'claim_invalid');
    });

    it('nbf in the future, however far, is token_not_yet_valid', async () => {
      await expectRefused(await token({ nbf: now() + 600 }), 'token_not_yet_valid');
      await expectRefused(await token({ nbf: 1e308 }), 'token_not_yet_valid');
      await expectRefused(await rawToken('nbf', '1e400'), 'token_not_yet_valid');
    });

    it('iat in the future beyond the clock tolerance (5 s) is claim_invalid; within it, accepted', async () => {
      await expectRefused(await token({ iat: now() + 3600 }), 'claim_invalid');
      await expectRefused(await token({ iat: now() + 60 }), 'claim_invalid');
      expect((await app.get('/me', { token: await token({ iat: now() + 2 }) })).status).toBe(200);
    });

    it('fractional NumericDates are accepted (RFC 7519 allows them)', async () => {
      const answer = await app.get('/me', { token: await token({ iat: now() - 0.5, nbf: now() - 1.25, exp: now() + 300.75 }) });
      expect(answer.status).toBe(200);
    });
  });

  describe('lifetime (exp - iat) with maxTokenLifetime: 3600', () => {
    it('a token living longer than the maximum is claim_invalid, even though it has not expired', async () => {
      await expectRefused(await token({ exp: now() + 7200 }), 'claim_invalid', lifetimeApp);
      await expectRefused(await token({ iat: now() - 100, exp: now() + 3600 }), 'claim_invalid', lifetimeApp);
      await expectRefused(await token({ exp: 1e12 }), 'claim_invalid', lifetimeApp);
    });

    it('a token without iat has no provable lifetime and is claim_invalid', async () => {
      await expectRefused(await token({ iat: undefined }), 'claim_invalid', lifetimeApp);
    });

    it('a lifetime up to the maximum is accepted', async () => {
      expect((await lifetimeApp.get('/me', { token: await token({ exp: now() + 3600 }) })).status).toBe(200);
      expect((await lifetimeApp.get('/me', { token: await token({ exp: now() + 60 }) })).status).toBe(200);
    });

    it('without the option, a long-lived token is accepted', async () => {
      expect((await app.get('/me', { token: await token({ exp: now() + 10 * 365 * 86400 }) })).status).toBe(200);
    });
  });
});
