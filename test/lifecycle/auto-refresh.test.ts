import { Controller, Get } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { CurrentSession, OptionalSession, SessionService, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, HTTP_ADAPTERS, startApp, type HttpAnswer, type TestApp } from '../support/app.js';
import { CLIENT, OidcProviderServer, RESOURCE } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = '/token';

@Controller()
class MeController {
  @Get('me')
  me(@CurrentSession() session: Session) {
    return { userId: session.userId, token: session.token };
  }

  @Get('welcome')
  @OptionalSession()
  welcome(@CurrentSession('userId') userId: string | undefined) {
    return { signedIn: userId !== undefined };
  }
}

interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function setCookies(answer: HttpAnswer): Map<string, SetCookie> {
  const cookies = new Map<string, SetCookie>();
  for (const line of answer.headers.getSetCookie()) {
    const [pair, ...rest] = line.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    const attributes = new Map(rest.map((part) => {
      const at = part.indexOf('=');
      return at === -1 ? [part.toLowerCase(), ''] : [part.slice(0, at).toLowerCase(), part.slice(at + 1)];
    }));
    cookies.set(pair!.slice(0, eq), { name: pair!.slice(0, eq), value: decodeURIComponent(pair!.slice(eq + 1)), attributes });
  }
  return cookies;
}

function cookieHeader(cookies: Record<string, string | undefined>): Record<string, string> {
  const pairs = Object.entries(cookies).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${encodeURIComponent(value!)}`);
  return { cookie: pairs.join('; ') };
}

describe.each(HTTP_ADAPTERS)('Automatic refresh in the guard (%s)', (adapter) => {
  /** Access tokens for 1 s: expired ones are at hand. */
  const shortLived = new OidcProviderServer({ accessTokenTTL: 1 });
  const longLived = new OidcProviderServer({ accessTokenTTL: 600 });
  const apps: TestApp[] = [];

  async function app(op: OidcProviderServer, extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const api = await startApp(
      {
        issuer: op.issuer,
        audience: RESOURCE,
        discovery: true,
        claims: 'oidc',
        clockTolerance: 0,
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
        autoRefresh: true,
        ...extra,
      },
      [MeController],
      [],
      adapter,
    );
    apps.push(api);
    return api;
  }

  /** A login whose access token has expired. */
  async function expiredLogin(api: TestApp, user: string) {
    const login = await shortLived.authorizationCodeTokens(user);
    const sessions = api.app.get(SessionService);
    await waitFor(async () => (await sessions.validateSession(login.access_token).then(() => 'valid', (error: { reason: string }) => error.reason)) === 'token_expired', 5000, 100);
    return login;
  }

  beforeAll(async () => {
    await Promise.all([shortLived.start(), longLived.start()]);
  });

  afterAll(async () => {
    await Promise.all(apps.map((api) => api.close()));
    await Promise.all([shortLived.stop(), longLived.stop()]);
  });

  it('an expired DS cookie with a DSR cookie: refreshed, new cookies set, and the request goes on', async () => {
    const api = await app(shortLived);
    const login = await expiredLogin(api, 'user-expired');
    const answer = await call(`${api.url}/me`, { headers: cookieHeader({ DS: login.access_token, DSR: login.refresh_token }) });
    expect(answer.status).toBe(200);
    const cookies = setCookies(answer);
    const ds = cookies.get('DS')!;
    const dsr = cookies.get('DSR')!;
    expect(answer.body).toEqual({ userId: 'user-expired', token: ds.value });
    expect(ds.value).not.toBe(login.access_token);
    expect(dsr.value).not.toBe(login.refresh_token);
    expect(decodeJwt(ds.value).sub).toBe('user-expired');
  });

  it('only a DSR cookie (the browser dropped DS at its Max-Age): refreshed; cookies HttpOnly, Secure, SameSite=Strict, Max-Age from the tokens, DSR on its path', async () => {
    const api = await app(longLived, { refreshCookiePath: '/' });
    const login = await longLived.authorizationCodeTokens('user-cookies');
    const answer = await call(`${api.url}/me`, { headers: cookieHeader({ DSR: login.refresh_token }) });
    expect(answer.status).toBe(200);
    const cookies = setCookies(answer);
    const ds = cookies.get('DS')!;
    const dsr = cookies.get('DSR')!;
    for (const cookie of [ds, dsr]) {
      expect(cookie.attributes.has('httponly')).toBe(true);
      expect(cookie.attributes.has('secure')).toBe(true);
      expect(cookie.attributes.get('samesite')).toBe('Strict');
    }
    const lifetime = decodeJwt(ds.value).exp! - Math.floor(Date.now() / 1000);
    expect(Math.abs(Number(ds.attributes.get('max-age')) - lifetime)).toBeLessThanOrEqual(2);
    expect(ds.attributes.get('path')).toBe('/');
    // oidc-provider's refresh tokens are opaque: the cookie lives for maxSessionLifetime (default 30 days).
    expect(Math.abs(Number(dsr.attributes.get('max-age')) - 2_592_000)).toBeLessThanOrEqual(2);
    expect(dsr.attributes.get('path')).toBe('/');

    const narrowed = await app(longLived, { refreshCookiePath: '/auth/refresh', maxSessionLifetime: 3600 });
    const second = await longLived.authorizationCodeTokens('user-cookies');
    const dsr2 = setCookies(await call(`${narrowed.url}/me`, { headers: cookieHeader({ DSR: second.refresh_token }) })).get('DSR')!;
    expect(dsr2.attributes.get('path')).toBe('/auth/refresh');
    expect(Math.abs(Number(dsr2.attributes.get('max-age')) - 3600)).toBeLessThanOrEqual(2);
  });

  it('concurrent requests with the same refresh cookie: one provider call, all answered, all given the same new tokens', async () => {
    const api = await app(longLived);
    const login = await longLived.authorizationCodeTokens('user-race');
    const hits = longLived.hitsOf(TOKEN);
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(`${api.url}/me`, { headers: cookieHeader({ DSR: login.refresh_token }) })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(longLived.hitsOf(TOKEN)).toBe(hits + 1);
    expect(new Set(answers.map((answer) => setCookies(answer).get('DS')!.value)).size).toBe(1);
    expect(new Set(answers.map((answer) => setCookies(answer).get('DSR')!.value)).size).toBe(1);
  });

  it('a refused refresh clears both cookies: 401 refresh_failed, or no session on an @OptionalSession() route', async () => {
    const api = await app(longLived);
    const answer = await call(`${api.url}/me`, { headers: cookieHeader({ DSR: 'revoked-or-made-up' }) });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'The session could not be refreshed', reason: 'refresh_failed' });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    const cleared = setCookies(answer);
    expect(cleared.get('DS')?.attributes.get('max-age')).toBe('0');
    expect(cleared.get('DSR')?.attributes.get('max-age')).toBe('0');

    const optional = await call(`${api.url}/welcome`, { headers: cookieHeader({ DSR: 'revoked-or-made-up' }) });
    expect(optional.status).toBe(200);
    expect(optional.body).toEqual({ signedIn: false });
    expect(setCookies(optional).get('DSR')?.attributes.get('max-age')).toBe('0');
  });

  it('does not refresh: when autoRefresh is off, for a bearer token, or for a revoked session', async () => {
    const off = await app(shortLived, { autoRefresh: false });
    const on = await app(shortLived);
    const login = await expiredLogin(on, 'user-not-refreshed');
    const hits = shortLived.hitsOf(TOKEN);

    expectRefusal(await call(`${off.url}/me`, { headers: cookieHeader({ DS: login.access_token, DSR: login.refresh_token }) }), 401, 'token_expired');
    expectRefusal(
      await call(`${on.url}/me`, { token: login.access_token, headers: cookieHeader({ DSR: login.refresh_token }) }),
      401,
      'token_expired',
    );
    await on.app.get(SessionService).logout(String(decodeJwt(login.access_token).sid));
    expectRefusal(await call(`${on.url}/me`, { headers: cookieHeader({ DS: login.access_token, DSR: login.refresh_token }) }), 401, 'token_revoked');
    expect(shortLived.hitsOf(TOKEN)).toBe(hits);
  });
});
