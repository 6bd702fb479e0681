import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  clearSessionCookies,
  cookieTokenExtractor,
  CurrentSession,
  oidcClaims,
  SessionService,
  type Session,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { call, HTTP_ADAPTERS, startApp, type HttpAdapterName, type TestApp } from '../support/app.js';
import { closeAfterAll } from '../support/app-pool.js';
import { cookieHeader as cookie, setCookieValues as cookieValues } from '../support/cookies.js';
import { OidcProviderServer, oidcModuleOptions } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';
import { sessionErrorOf } from '../support/session-error.js';

const TOKEN = '/token';

/** The README's logout routes, as an application writes them today (the refresh cookie read by hand). */
@Controller()
class AccountController {
  constructor(private readonly sessions: SessionService) {}

  @Get('me')
  me(@CurrentSession() session: Session) {
    return { userId: session.userId };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentSession() session: Session, @Req() request: { headers: Record<string, string | undefined> }, @Res({ passthrough: true }) response: unknown) {
    clearSessionCookies(response, this.sessions.cookieOptions);
    const refreshToken = cookieTokenExtractor('DSR')({ cookieHeader: request.headers.cookie, header: () => undefined, raw: request });
    await this.sessions.logout(session, refreshToken === undefined ? {} : { refreshToken });
  }

  @Post('logout-all')
  @HttpCode(204)
  async logoutAll(@CurrentSession('userId') userId: string, @Res({ passthrough: true }) response: unknown) {
    clearSessionCookies(response, this.sessions.cookieOptions);
    await this.sessions.logoutAll(userId);
  }
}

/**
 * Issue 11 item 2: a refresh token rotated out shortly before a logout must not bring the session
 * back through the 10 s reuse window, whatever link of the rotation chain it is.
 */
describe('Logout ends the whole rotation chain, reuse window included', () => {
  const op = new OidcProviderServer({ accessTokenTTL: 600 });
  beforeAll(() => op.start());
  afterAll(() => op.stop());
  const keep = closeAfterAll();

  async function app(extra: Partial<SessionModuleOptions> = {}, adapter: HttpAdapterName = 'express'): Promise<{ api: TestApp; sessions: SessionService }> {
    const api = keep(await startApp({ ...oidcModuleOptions(op), ...extra }, [AccountController], [], adapter));
    return { api, sessions: api.app.get(SessionService) };
  }

  it('refreshSession(RT1); logout(with RT2); the rotated-out RT1 is refused, not answered from memory', async () => {
    const { sessions } = await app();
    const login = await op.authorizationCodeTokens('user-replay');
    const r = await sessions.refreshSession(login.refresh_token!);
    await sessions.logout(r.session, { refreshToken: r.refreshToken });

    const replay = await sessionErrorOf(sessions.validateAndRefreshSession(undefined, login.refresh_token!));
    expect(replay.reason).toBe('refresh_failed');
    expect((await sessionErrorOf(sessions.refreshSession(login.refresh_token!))).reason).toBe('refresh_failed');
  });

  it('the same after logoutAll', async () => {
    const { sessions } = await app();
    const login = await op.authorizationCodeTokens('user-replay-all');
    await sessions.refreshSession(login.refresh_token!);
    await sessions.logoutAll('user-replay-all');
    expect((await sessionErrorOf(sessions.validateAndRefreshSession(undefined, login.refresh_token!))).reason).toBe('refresh_failed');
  });

  it('every link of the chain, when each refreshed token is its own session (jti, no sid)', async () => {
    // A provider whose tokens carry no stable sid: each token is a session of its own (jti).
    const { sessions } = await app({ claims: (payload) => ({ ...oidcClaims(payload), sessionId: payload.jti }) });
    const login = await op.authorizationCodeTokens('user-chain');
    const r1 = await sessions.refreshSession(login.refresh_token!);
    const r2 = await sessions.refreshSession(r1.refreshToken);
    expect(r2.session.sessionId).not.toBe(r1.session.sessionId);
    const hits = op.hitsOf(TOKEN);

    await sessions.logout(r2.session, { refreshToken: r2.refreshToken });

    for (const rotatedOut of [login.refresh_token!, r1.refreshToken]) {
      expect((await sessionErrorOf(sessions.validateAndRefreshSession(undefined, rotatedOut))).reason).toBe('refresh_failed');
    }
    // The earlier tokens of the chain are refused as well.
    expect((await sessionErrorOf(sessions.validateSession(r1.sessionToken))).reason).toBe('token_revoked');
    expect(op.hitsOf(TOKEN)).toBeGreaterThanOrEqual(hits);
  });

  describe.each(HTTP_ADAPTERS)('over HTTP (%s)', (adapter) => {
    it.each(['logout', 'logout-all'])(
      'a request carrying only the rotated-out refresh cookie right after /%s gets 401 refresh_failed and cleared cookies, not 200',
      async (route) => {
        const { api } = await app({ autoRefresh: true }, adapter);
        const login = await op.authorizationCodeTokens(`user-http-${route}`);
        const first = await call(`${api.url}/me`, { headers: cookie({ DSR: login.refresh_token! }) });
        expect(first.status).toBe(200);
        const rotated = cookieValues(first);

        const out = await call(`${api.url}/${route}`, { method: 'POST', headers: { ...cookie({ DS: rotated.get('DS')!, DSR: rotated.get('DSR')! }), 'x-requested-with': 'test' } });
        expect(out.status).toBe(204);

        const replay = await call(`${api.url}/me`, { headers: cookie({ DSR: login.refresh_token! }) });
        expectRefusal(replay, 401, 'refresh_failed');
        expect(cookieValues(replay).get('DSR')).toBe('');
      },
    );
  });
});
