import { Controller, Get } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { CurrentSession, RedisRevocationStore, SessionModule, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, type TestApp } from '../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';
import { CapturingLogger } from '../support/log-capture.js';
import { startNestApp } from '../support/nest-app.js';
import { postLogoutToken, postSecurityEvent, RISC, SESSION_REVOKED, signLogoutToken, signSecurityEvent } from '../support/pushed-tokens.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

const CLIENT_ID = 'orders-web';
/** How long a revocation recorded on one instance may take to be refused by another (pub/sub). */
const PROPAGATION_BOUND_MS = 2000;

@Controller()
class MeController {
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId }; }
}

/**
 * Two app instances (Express with forRoot, Fastify with forRootAsync) sharing a real redis-server:
 * a logout token or SET received by one is refused by both, and its jti is spent on both.
 */
describe('pushed revocations shared through Redis between two instances', () => {
  let redis: RedisServer;
  let key: TestKey;
  let a: TestApp;
  let b: TestApp;
  const logger = new CapturingLogger();
  const now = () => Math.floor(Date.now() / 1000);

  const options = (): SessionModuleOptions => ({
    issuer: ISSUER,
    jwks: { keys: [key.publicJwk] },
    clientId: CLIENT_ID,
    revocationStore: new RedisRevocationStore({ url: redis.url, keyPrefix: 'push-test:', startTimeoutMs: 1000 }),
    backchannelLogout: true,
    sharedSignals: true,
  });
  const me = async (app: TestApp, claims: JWTPayload) => call(`${app.url}/me`, { token: await signSession({ iat: now() - 30, ...claims }, { key }) });
  const refusedBy = async (app: TestApp, claims: JWTPayload) => (await me(app, claims)).status === 401;
  const logout = (claims: JWTPayload) => signLogoutToken(claims, CLIENT_ID, { key });
  const set = (claims: JWTPayload) => signSecurityEvent(claims, CLIENT_ID, { key });

  beforeAll(async () => {
    redis = await RedisServer.start();
    key = await makeKey('ES256');
    a = await startNestApp({ imports: [SessionModule.forRoot(options())], controllers: [MeController] }, { logger });
    b = await startNestApp({ imports: [SessionModule.forRootAsync({ useFactory: async () => options() })], controllers: [MeController] }, { logger, adapter: 'fastify' });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.dispose();
  });

  it('a logout token received by one instance ends the session on both, within the propagation bound', async () => {
    expect((await me(b, { sub: 'U1', sid: 'S-1' })).status).toBe(200);
    expect((await postLogoutToken(`${a.url}/auth/backchannel-logout`, await logout({ sid: 'S-1' }))).status).toBe(200);
    expect(await refusedBy(a, { sub: 'U1', sid: 'S-1' })).toBe(true);
    await waitFor(() => refusedBy(b, { sub: 'U1', sid: 'S-1' }), PROPAGATION_BOUND_MS, 5);
    expect((await me(b, { sub: 'U1', sid: 'S-other' })).status).toBe(200);
  });

  it('a logout token with sub alone, received by the other instance, ends every session of the user on both', async () => {
    expect((await postLogoutToken(`${b.url}/auth/backchannel-logout`, await logout({ sub: 'U2' }))).status).toBe(200);
    expect(await refusedBy(b, { sub: 'U2', sid: 'S-2' })).toBe(true);
    await waitFor(() => refusedBy(a, { sub: 'U2', sid: 'S-3' }), PROPAGATION_BOUND_MS, 5);
  });

  it('a SET received by one instance revokes on both', async () => {
    const token = await set({ sub_id: { format: 'iss_sub', iss: ISSUER, sub: 'U3' }, events: { [`${RISC}account-disabled`]: {} } });
    expect((await postSecurityEvent(`${b.url}/auth/security-events`, token)).status).toBe(202);
    await waitFor(() => refusedBy(a, { sub: 'U3', sid: 'S-4' }), PROPAGATION_BOUND_MS, 5);
    expect(await refusedBy(b, { sub: 'U3', sid: 'S-4' })).toBe(true);
  });

  it('a jti is spent on every instance: a replay to the other one is refused', async () => {
    const token = await logout({ sid: 'S-5' });
    expect((await postLogoutToken(`${a.url}/auth/backchannel-logout`, token)).status).toBe(200);
    expect(await postLogoutToken(`${b.url}/auth/backchannel-logout`, token)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const event = await set({ sub_id: { format: 'opaque', id: 'S-6' }, events: { [SESSION_REVOKED]: {} } });
    expect((await postSecurityEvent(`${a.url}/auth/security-events`, event)).status).toBe(202);
    expect(await postSecurityEvent(`${b.url}/auth/security-events`, event)).toMatchObject({ status: 400, body: { err: 'invalid_request' } });
  });

  it('the same token sent to both at once is accepted exactly once', async () => {
    const token = await logout({ sid: 'S-7' });
    const answers = await Promise.all([a, b, a, b].map((app) => postLogoutToken(`${app.url}/auth/backchannel-logout`, token)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400, 400]);
  });

  it('with Redis down, a pushed revocation is refused for a retry, never a 500, and the jti is not spent', async () => {
    await redis.stop();
    const token = await logout({ sid: 'S-8' });
    const event = await set({ sub_id: { format: 'opaque', id: 'S-9' }, events: { [SESSION_REVOKED]: {} } });
    expect(await postLogoutToken(`${a.url}/auth/backchannel-logout`, token)).toMatchObject({ status: 400, body: { error: 'temporarily_unavailable' } });
    const answer = await postSecurityEvent(`${b.url}/auth/security-events`, event);
    expect(answer).toMatchObject({ status: 503, body: { err: 'temporarily_unavailable' } });
    expect(answer.headers.get('retry-after')).toBe('5');

    await redis.restart();
    await waitFor(async () => (await postLogoutToken(`${a.url}/auth/backchannel-logout`, token)).status === 200, 10_000, 100);
    await waitFor(() => refusedBy(b, { sub: 'U4', sid: 'S-8' }), PROPAGATION_BOUND_MS * 5, 20);
  });
});
