import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { createClient } from 'redis';
import { CurrentSession, RedisRevocationStore, SessionModule, SessionService, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, type TestApp } from '../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';
import { CapturingLogger } from '../support/log-capture.js';
import { startNestApp } from '../support/nest-app.js';
import { RedisServer } from '../support/redis-server.js';
import { expectRefusal } from '../support/refusal.js';
import { waitFor } from '../support/wait-for.js';

@Controller()
class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Get('me')
  me(@CurrentSession() session: Session) {
    return { userId: session.userId, sessionId: session.sessionId };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentSession() session: Session): Promise<void> {
    await this.sessions.logout(session);
  }

  @Post('logout-all')
  @HttpCode(204)
  async logoutAll(@CurrentSession('userId') userId: string): Promise<void> {
    await this.sessions.logoutAll(userId);
  }

  @Get('data')
  async data(@CurrentSession() session: Session) {
    return { data: (await this.sessions.getSessionData(session)) ?? null };
  }

  @Put('data')
  @HttpCode(204)
  async setData(@CurrentSession() session: Session, @Body() body: unknown): Promise<void> {
    await this.sessions.setSessionData(session, body);
  }
}

/**
 * Several Nest apps sharing revocations through a real redis-server: one instance's logout is
 * refused by the others; Redis restarted empty mid-test loses none; fail closed and fail open.
 */
describe('Revocations shared through Redis between app instances', () => {
  let redis: RedisServer;
  let key: TestKey;
  const logger = new CapturingLogger();
  const apps: TestApp[] = [];
  let a: TestApp;
  let b: TestApp;
  let failOpen: TestApp;

  async function instance(extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const options: SessionModuleOptions = {
      issuer: ISSUER,
      jwks: { keys: [key.publicJwk] },
      revocationStore: new RedisRevocationStore({ url: redis.url, keyPrefix: 'app-test:' }),
      ...extra,
    };
    const app = await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [SessionController] }, { logger });
    apps.push(app);
    return app;
  }

  function session(claims: Record<string, unknown>): Promise<string> {
    return signSession(claims, { key });
  }

  const post = (url: string, token: string) => call(url, { method: 'POST', token });

  beforeAll(async () => {
    redis = await RedisServer.start();
    key = await makeKey('ES256');
    a = await instance();
    b = await instance();
    failOpen = await instance({ revocationFailOpen: true });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await redis?.dispose();
  });

  it('a logout on one instance is refused by the others (pub/sub), and only that session', async () => {
    const token = await session({ sid: 'S-shared' });
    const sibling = await session({ sid: 'S-sibling' });
    expect((await call(`${b.url}/me`, { token })).status).toBe(200);

    expect((await post(`${a.url}/logout`, token)).status).toBe(204);

    expectRefusal(await call(`${a.url}/me`, { token }), 401, 'token_revoked');
    await waitFor(async () => (await call(`${b.url}/me`, { token })).status === 401, 2000, 5);
    expectRefusal(await call(`${b.url}/me`, { token }), 401, 'token_revoked');
    expectRefusal(await call(`${failOpen.url}/me`, { token }), 401, 'token_revoked');
    expect((await call(`${b.url}/me`, { token: sibling })).status).toBe(200);
  });

  it('keys on claims, not the token: another token of the same sid is refused as well', async () => {
    const first = await session({ sid: 'S-claims', jti: 'one' });
    const second = await session({ sid: 'S-claims', jti: 'two', roles: ['admin'] });
    expect((await post(`${a.url}/logout`, first)).status).toBe(204);
    await waitFor(async () => (await call(`${b.url}/me`, { token: second })).status === 401, 2000, 5);
    expectRefusal(await call(`${b.url}/me`, { token: second }), 401, 'token_revoked');
  });

  it('logoutAll on one instance refuses the earlier sessions of that user on the others', async () => {
    const older = await session({ sub: 'U-all', sid: 'S-all-1' });
    const otherUser = await session({ sub: 'U-else', sid: 'S-all-2' });
    expect((await post(`${a.url}/logout-all`, older)).status).toBe(204);
    await waitFor(async () => (await call(`${b.url}/me`, { token: older })).status === 401, 2000, 5);
    expectRefusal(await call(`${b.url}/me`, { token: older }), 401, 'token_revoked');
    expect((await call(`${b.url}/me`, { token: otherUser })).status).toBe(200);
    // A session that begins after the logoutAll is accepted.
    const later = await session({ sub: 'U-all', sid: 'S-all-3', iat: Math.floor(Date.now() / 1000) + 2 });
    expect((await call(`${b.url}/me`, { token: later })).status).toBe(200);
  });

  it('checks revocation without a Redis round trip per request in steady state', async () => {
    const token = await session({ sid: 'S-steady' });
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      // Calls per command; HMGET is the revocation feed's poll (every pollIntervalMs per instance, not per request).
      const processed = async () => {
        const calls = new Map<string, number>();
        for (const [, name, count] of (await probe.info('commandstats')).matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) calls.set(name!, Number(count));
        return calls;
      };
      await call(`${b.url}/me`, { token });
      const before = await processed();
      for (let i = 0; i < 20; i++) expect((await call(`${b.url}/me`, { token })).status).toBe(200);
      const after = await processed();
      const during = [...after].filter(([name, count]) => name !== 'hmget' && count !== (before.get(name) ?? 0));
      // Only the INFO command of the probe itself was processed in between.
      expect(during).toEqual([['info', (before.get('info') ?? 0) + 1]]);
    } finally {
      probe.destroy();
    }
  });

  it('keeps server-side session data in Redis: written on one instance, read on another, removed at logout', async () => {
    const token = await session({ sid: 'S-data' });
    expect((await call(`${a.url}/data`, { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cart: ['p1'] }) })).status).toBe(204);
    expect((await call(`${b.url}/data`, { token })).body).toEqual({ data: { cart: ['p1'] } });
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      const ttl = await probe.pTTL('app-test:data:S-data');
      expect(ttl).toBeGreaterThan(0);
    } finally {
      probe.destroy();
    }
    expect((await post(`${b.url}/logout`, token)).status).toBe(204);
    const fresh = await session({ sid: 'S-data-other' });
    expect((await call(`${a.url}/data`, { token: fresh })).body).toEqual({ data: null });
    const probe2 = createClient({ url: redis.url });
    await probe2.connect();
    try {
      expect(await probe2.exists('app-test:data:S-data')).toBe(0);
    } finally {
      probe2.destroy();
    }
  });

  it('Redis down: fails closed by default (503 revocation_unavailable), open when configured, logged; restarted empty, it loses no revocation', async () => {
    const revoked = await session({ sid: 'S-restart' });
    const valid = await session({ sid: 'S-valid' });
    expect((await post(`${a.url}/logout`, revoked)).status).toBe(204);
    await waitFor(async () => (await call(`${b.url}/me`, { token: revoked })).status === 401, 2000, 5);

    await redis.stop();
    await waitFor(async () => (await call(`${b.url}/me`, { token: valid })).status === 503, 5000);
    expectRefusal(await call(`${b.url}/me`, { token: valid }), 503, 'revocation_unavailable');
    // Fail open: accepted unchecked; a revocation already known here is still refused.
    expect((await call(`${failOpen.url}/me`, { token: valid })).status).toBe(200);
    expectRefusal(await call(`${failOpen.url}/me`, { token: revoked }), 401, 'token_revoked');
    expectRefusal(await call(`${b.url}/me`, { token: revoked }), 401, 'token_revoked');
    const warnings = logger.at('warn').map((entry) => entry.message);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/unreachable/), expect.stringMatching(/fail closed/), expect.stringMatching(/revocationFailOpen/)]));

    await redis.restart();
    await waitFor(async () => (await call(`${b.url}/me`, { token: valid })).status === 200, 10_000);
    expectRefusal(await call(`${b.url}/me`, { token: revoked }), 401, 'token_revoked');
    // An instance started after the restart learns it from Redis: the instances wrote it back.
    const late = await instance();
    expectRefusal(await call(`${late.url}/me`, { token: revoked }), 401, 'token_revoked');
    expect((await call(`${late.url}/me`, { token: valid })).status).toBe(200);
    expect(logger.at('log').map((entry) => entry.message)).toEqual(expect.arrayContaining([expect.stringMatching(/reconnected and in sync/)]));
  });

  it('Redis hung (SIGSTOP) during a logout: the other instance answers 503 within the 2 s staleness bound, then 401 for that session once Redis resumes', async () => {
    await waitFor(async () => (await call(`${b.url}/me`, { token: await session({ sid: 'S-probe' }) })).status === 200, 10_000);
    const token = await session({ sid: 'S-hang' });
    expect((await call(`${b.url}/me`, { token })).status).toBe(200);

    redis.pause();
    try {
      const pausedAt = Date.now();
      // Logout always works (issue 11 item 5): confirmed while Redis hangs, refused here at once, delivered when it resumes.
      expect((await post(`${a.url}/logout`, token)).status).toBe(204);
      expectRefusal(await call(`${a.url}/me`, { token }), 401, 'token_revoked');
      await waitFor(async () => (await call(`${b.url}/me`, { token })).status !== 200, 3000, 20);
      expect(Date.now() - pausedAt).toBeLessThan(3000);
      expectRefusal(await call(`${b.url}/me`, { token }), 503, 'revocation_unavailable');
    } finally {
      redis.resume();
    }
    await waitFor(async () => (await call(`${b.url}/me`, { token })).status === 401, 2000, 5);
    expectRefusal(await call(`${b.url}/me`, { token }), 401, 'token_revoked');
    expect((await call(`${b.url}/me`, { token: await session({ sid: 'S-after-hang' }) })).status).toBe(200);
  });
});
