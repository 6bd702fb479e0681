import { Controller, Get } from '@nestjs/common';
import { createClient } from 'redis';
import { CurrentSession, RedisRevocationStore, SessionModule, SessionService, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { sharedRefreshIds } from '../../lib/lifecycle/shared-refresh.js';
import { call, type TestApp } from '../support/app.js';
import { closeAfterAll } from '../support/app-pool.js';
import { cookieHeader as cookie, setCookieValues as cookieValues } from '../support/cookies.js';
import { expiredLogin as expiredAt } from '../support/expired-login.js';
import { startNestApp } from '../support/nest-app.js';
import { OidcProviderServer, oidcModuleOptions } from '../support/oidc-provider.js';
import { RedisServer } from '../support/redis-server.js';
import { expectRefusal } from '../support/refusal.js';

const TOKEN = '/token';

@Controller()
class MeController {
  @Get('me')
  me(@CurrentSession() session: Session) {
    return { userId: session.userId };
  }
}

/**
 * Issue 11 item 3: a browser behind a load balancer sends the same expired session cookie and
 * refresh cookie to two instances at once. One provider call, both instances answer with the same
 * new tokens, and the provider's reuse detection (oidc-provider revokes the whole grant when a
 * rotated-out refresh token comes back) is never triggered.
 */
describe('Refresh across instances sharing Redis', () => {
  const op = new OidcProviderServer({ accessTokenTTL: 1 });
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  const keep = closeAfterAll();

  async function instance(extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const options: SessionModuleOptions = {
      ...oidcModuleOptions(op),
      clockTolerance: 0,
      autoRefresh: true,
      // Short provider time-outs: an instance waiting on another one gives up within seconds.
      jwksTimeoutMs: 1000,
      revocationStore: new RedisRevocationStore({ url: redis.url, keyPrefix: 'shared-refresh:' }),
      ...extra,
    };
    return keep(await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [MeController] }));
  }

  const expiredLogin = (user: string) => expiredAt(op, a.app.get(SessionService), user);

  /** Every key under the apps' prefix, its content as text whatever its type, and its time to live. */
  async function redisValues(): Promise<Map<string, { value: string; ttlMs: number }>> {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const values = new Map<string, { value: string; ttlMs: number }>();
      for (const key of await client.keys('shared-refresh:*')) {
        const type = await client.type(key);
        const read = { string: ['GET', key], hash: ['HGETALL', key], zset: ['ZRANGE', key, '0', '-1'], list: ['LRANGE', key, '0', '-1'], set: ['SMEMBERS', key], stream: ['XRANGE', key, '-', '+'] }[type];
        const value = read === undefined ? type : JSON.stringify(await client.sendCommand(read));
        values.set(key, { value, ttlMs: await client.pTTL(key) });
      }
      return values;
    } finally {
      client.destroy();
    }
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    await op.start();
    a = await instance();
    b = await instance();
  });

  afterAll(async () => {
    await op.stop();
    await redis?.dispose();
  });

  it('two instances at once: one provider call, the same new cookies on both, and the new refresh token still works', async () => {
    const login = await expiredLogin('user-lb');
    const hits = op.hitsOf(TOKEN);
    const sent = cookie({ DS: login.access_token, DSR: login.refresh_token! });

    const [first, second] = await Promise.all([call(`${a.url}/me`, { headers: sent }), call(`${b.url}/me`, { headers: sent })]);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(op.hitsOf(TOKEN)).toBe(hits + 1);
    const [one, two] = [cookieValues(first), cookieValues(second)];
    expect(one.get('DS')).toEqual(expect.any(String));
    expect(two.get('DS')).toBe(one.get('DS'));
    expect(two.get('DSR')).toBe(one.get('DSR'));
    // No reuse alarm at the provider: the login lives on.
    await expect(op.refresh(one.get('DSR')!)).resolves.toMatchObject({ access_token: expect.any(String) });

    // The new tokens never sit readable in Redis, and only for the seconds of the race.
    const stored = await redisValues();
    const ids = sharedRefreshIds(login.refresh_token!);
    const shared = [...stored].filter(([key]) => key.endsWith(ids.lock) || key.endsWith(ids.result));
    expect(shared).toHaveLength(2);
    for (const [, { value }] of stored) {
      for (const secret of [one.get('DS')!, one.get('DSR')!, login.refresh_token!, login.access_token]) expect(value).not.toContain(secret);
    }
    for (const [, { ttlMs }] of shared) expect(ttlMs).toBeGreaterThan(0);
    for (const [, { ttlMs }] of shared) expect(ttlMs).toBeLessThanOrEqual(10_000);
  });

  it('a refusal is shared as well: one provider call, refresh_failed on both', async () => {
    const hits = op.hitsOf(TOKEN);
    const sent = cookie({ DSR: 'made-up-refresh-token-sent-to-both' });
    const [first, second] = await Promise.all([call(`${a.url}/me`, { headers: sent }), call(`${b.url}/me`, { headers: sent })]);
    expectRefusal(first, 401, 'refresh_failed');
    expectRefusal(second, 401, 'refresh_failed');
    expect(op.hitsOf(TOKEN)).toBe(hits + 1);
  });

  it('an instance that waits on another one in vain answers 503 provider_unavailable, and never calls the provider', async () => {
    const login = await expiredLogin('user-stuck');
    // Another instance holds the lock for this refresh token and never answers.
    const holder = new RedisRevocationStore({ url: redis.url, keyPrefix: 'shared-refresh:' });
    await holder.start();
    try {
      expect(await holder.claimOnce(sharedRefreshIds(login.refresh_token!).lock, Date.now() + 60_000)).toBe(true);
      const hits = op.hitsOf(TOKEN);
      const answer = await call(`${a.url}/me`, { headers: cookie({ DS: login.access_token, DSR: login.refresh_token! }) });
      expectRefusal(answer, 503, 'provider_unavailable');
      expect(op.hitsOf(TOKEN)).toBe(hits);
    } finally {
      await holder.close();
    }
  });
});
