import { Controller, Get } from '@nestjs/common';
import { CurrentSession, type RequestCredentials, type TokenExtractor } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';

@Controller()
class WhoAmIController {
  @Get('me') me(@CurrentSession('userId') userId: string) { return { userId }; }
}

/** Reads the token from `x-session-token`, and checks the extractor sees the framework request too. */
const headerExtractor: TokenExtractor = (request: RequestCredentials) => {
  const raw = request.raw as { headers?: Record<string, unknown> } | undefined;
  if (typeof raw?.headers !== 'object') return undefined;
  return request.header('x-session-token');
};

describe.each(HTTP_ADAPTERS)('token location over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let apps: { byDefault: TestApp; noCookie: TestApp; namedCookie: TestApp; custom: TestApp };
  const tokenFor = (sub: string) => signSession({ sub }, { key });
  const me = (app: TestApp, headers: Record<string, string> = {}) => call(`${app.url}/me`, { headers });

  beforeAll(async () => {
    key = await makeKey('ES256');
    const base = { issuer: ISSUER, jwks: { keys: [key.publicJwk] } };
    const [byDefault, noCookie, namedCookie, custom] = await Promise.all([
      startApp(base, [WhoAmIController]),
      startApp({ ...base, cookieName: false }, [WhoAmIController]),
      startApp({ ...base, cookieName: 'app_session' }, [WhoAmIController]),
      startApp({ ...base, extractToken: headerExtractor }, [WhoAmIController]),
    ]);
    apps = { byDefault, noCookie, namedCookie, custom };
  });
  afterAll(() => Promise.all(Object.values(apps).map((app) => app.close())));

  describe('Authorization: Bearer', () => {
    it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the scheme spelled %s', async (scheme) => {
      const answer = await me(apps.byDefault, { authorization: `${scheme} ${await tokenFor('U-bearer')}` });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ userId: 'U-bearer' });
    });

    it('another scheme is not a bearer token: no token found', async () => {
      expectRefusal(await me(apps.byDefault, { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }), 401, 'token_missing');
    });
  });

  describe('DS cookie (no cookie middleware installed)', () => {
    it('reads the DS cookie', async () => {
      expect((await me(apps.byDefault, { cookie: `DS=${await tokenFor('U-cookie')}` })).body).toEqual({ userId: 'U-cookie' });
    });

    it('finds DS among other cookies', async () => {
      const cookie = `theme=dark; DSR=refresh-token; DS=${await tokenFor('U-cookie')}; lang=en`;
      expect((await me(apps.byDefault, { cookie })).body).toEqual({ userId: 'U-cookie' });
    });

    it('an invalid DS cookie is refused as a token, not ignored', async () => {
      expectRefusal(await me(apps.byDefault, { cookie: 'DS=garbage' }), 401, 'token_malformed');
    });

    it('an empty DS cookie, or only the refresh cookie, is no token', async () => {
      expectRefusal(await me(apps.byDefault, { cookie: 'DS=' }), 401, 'token_missing');
      expectRefusal(await me(apps.byDefault, { cookie: `DSR=${await tokenFor('U-refresh')}` }), 401, 'token_missing');
      expectRefusal(await me(apps.byDefault, { cookie: `XDS=${await tokenFor('U-other')}` }), 401, 'token_missing');
    });

    it('the cookie is used when the Authorization header holds another scheme', async () => {
      const answer = await me(apps.byDefault, { authorization: 'Basic dTpw', cookie: `DS=${await tokenFor('U-cookie')}` });
      expect(answer.body).toEqual({ userId: 'U-cookie' });
    });
  });

  describe('Bearer before the cookie', () => {
    it('prefers the Bearer token when both are present', async () => {
      const answer = await me(apps.byDefault, {
        authorization: `Bearer ${await tokenFor('U-bearer')}`,
        cookie: `DS=${await tokenFor('U-cookie')}`,
      });
      expect(answer.body).toEqual({ userId: 'U-bearer' });
    });

    it('an invalid Bearer token is refused even with a valid cookie beside it', async () => {
      const answer = await me(apps.byDefault, { authorization: 'Bearer garbage', cookie: `DS=${await tokenFor('U-cookie')}` });
      expectRefusal(answer, 401, 'token_malformed');
    });

    it('a valid Bearer token is not spoiled by a broken cookie', async () => {
      const answer = await me(apps.byDefault, { authorization: `Bearer ${await tokenFor('U-bearer')}`, cookie: 'DS=garbage' });
      expect(answer.body).toEqual({ userId: 'U-bearer' });
    });
  });

  describe('cookieName option', () => {
    it('cookieName: false ignores the DS cookie', async () => {
      expectRefusal(await me(apps.noCookie, { cookie: `DS=${await tokenFor('U-cookie')}` }), 401, 'token_missing');
      expect((await me(apps.noCookie, { authorization: `Bearer ${await tokenFor('U-bearer')}` })).body).toEqual({ userId: 'U-bearer' });
    });

    it('a custom cookie name is read instead of DS', async () => {
      expect((await me(apps.namedCookie, { cookie: `app_session=${await tokenFor('U-named')}` })).body).toEqual({ userId: 'U-named' });
      expectRefusal(await me(apps.namedCookie, { cookie: `DS=${await tokenFor('U-cookie')}` }), 401, 'token_missing');
    });
  });

  describe('custom extractToken', () => {
    it('finds the token where the extractor looks', async () => {
      expect((await me(apps.custom, { 'x-session-token': await tokenFor('U-custom') })).body).toEqual({ userId: 'U-custom' });
    });

    it('replaces the default locations', async () => {
      expectRefusal(await me(apps.custom, { authorization: `Bearer ${await tokenFor('U-bearer')}` }), 401, 'token_missing');
      expectRefusal(await me(apps.custom, { cookie: `DS=${await tokenFor('U-cookie')}` }), 401, 'token_missing');
    });

    it('a token it finds is verified like any other', async () => {
      expectRefusal(await me(apps.custom, { 'x-session-token': 'garbage' }), 401, 'token_malformed');
    });
  });
});
