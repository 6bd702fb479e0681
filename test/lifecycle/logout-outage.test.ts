import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  clearSessionCookies,
  cookieTokenExtractor,
  CurrentSession,
  LogoutRoute,
  RedisRevocationStore,
  RefreshToken,
  SessionModule,
  SessionService,
  type Session,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { call, HTTP_ADAPTERS, type HttpAnswer, type TestApp } from '../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';
import { startNestApp } from '../support/nest-app.js';
import { RedisServer } from '../support/redis-server.js';
import { expectRefusal } from '../support/refusal.js';
import { waitFor } from '../support/wait-for.js';

/** The README's logout route, unchanged: the refresh cookie read through cookieTokenExtractor. */
@Controller('readme')
class ReadmeLogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentSession() session: Session, @Req() req: { headers: Record<string, string | undefined> }, @Res({ passthrough: true }) res: unknown) {
    clearSessionCookies(res, this.sessions.cookieOptions);
    const refreshToken = cookieTokenExtractor('DSR')({ cookieHeader: req.headers.cookie, header: () => undefined, raw: req });
    await this.sessions.logout(session, { refreshToken });
  }
}

/** The logout route as the docs now write it. */
@Controller('auth')
class LogoutController {
  constructor(private readonly sessions: SessionService) {}

  @Post('logout')
  @LogoutRoute()
  @HttpCode(204)
  async logout(@CurrentSession() session: Session, @RefreshToken() refreshToken: string | undefined, @Res({ passthrough: true }) res: unknown) {
    clearSessionCookies(res, this.sessions.cookieOptions);
    await this.sessions.logout(session, { refreshToken });
  }

  @Get('me')
  me(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

function cleared(answer: HttpAnswer): string[] {
  return answer.headers.getSetCookie().filter((line) => /Max-Age=0/.test(line)).map((line) => line.slice(0, line.indexOf('=')));
}

/**
 * Issue 11 item 5: logout always works. With Redis down, the README's logout route must not answer
 * 500, a guarded logout route in fail-closed mode must not answer 503 before its handler; the
 * session is refused on this instance at once and reaches the others when Redis is back.
 */
describe.each(HTTP_ADAPTERS)('Logout during a revocation store outage (%s)', (adapter) => {
  let redis: RedisServer;
  let key: TestKey;
  const apps: TestApp[] = [];

  async function instance(extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const options: SessionModuleOptions = {
      issuer: ISSUER,
      jwks: { keys: [key.publicJwk] },
      revocationEndpoint: false,
      revocationStore: new RedisRevocationStore({ url: redis.url, keyPrefix: 'outage:', commandTimeoutMs: 300 }),
      ...extra,
    };
    const app = await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [ReadmeLogoutController, LogoutController] }, { adapter });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    key = await makeKey('ES256');
  });

  // A failed test must not leave Redis down for the next one.
  afterEach(async () => {
    if (!redis.running) await redis.restart();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await redis?.dispose();
  });

  it('fail closed: the logout route runs, clears the cookies, the session is refused here at once and on the other instances once Redis is back', async () => {
    const a = await instance();
    const b = await instance();
    const token = await signSession({ sub: 'U-out', sid: 'S-outage-closed' }, { key });
    expect((await call(`${b.url}/auth/me`, { token })).status).toBe(200);

    await redis.stop();
    const answer = await call(`${a.url}/auth/logout`, { method: 'POST', headers: { cookie: `DS=${token}; DSR=refresh-1`, 'x-requested-with': 'app' } });
    expect(answer.status).toBe(204);
    expect(cleared(answer).sort()).toEqual(['DS', 'DSR']);
    expectRefusal(await call(`${a.url}/auth/me`, { token }), 401, 'token_revoked');

    await redis.restart();
    await waitFor(async () => (await call(`${b.url}/auth/me`, { token })).status === 401, 10_000, 50);
    expectRefusal(await call(`${b.url}/auth/me`, { token }), 401, 'token_revoked');
  });

  it("fail open: the README's logout route answers 204, not 500, and the session is refused here at once", async () => {
    const a = await instance({ revocationFailOpen: true });
    const token = await signSession({ sub: 'U-out', sid: 'S-outage-open' }, { key });
    await waitFor(async () => (await call(`${a.url}/auth/me`, { token })).status === 200, 10_000, 50);

    await redis.stop();
    const answer = await call(`${a.url}/readme/logout`, { method: 'POST', token });
    expect(answer.status).toBe(204);
    expectRefusal(await call(`${a.url}/auth/me`, { token }), 401, 'token_revoked');
  });
});
