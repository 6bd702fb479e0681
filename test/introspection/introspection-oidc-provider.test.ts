import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CurrentSession, Permissions, SessionModule, SessionService, type IntrospectionOptions, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, HTTP_ADAPTERS, type HttpAdapterName, type TestApp } from '../support/app.js';
import { DpopClientKey } from '../support/dpop-proof.js';
import { CapturingLogger } from '../support/log-capture.js';
import { startNestApp } from '../support/nest-app.js';
import { CLIENT, OidcProviderServer } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';
import { introspectingOptions } from './introspecting-app.js';

@Controller()
class OrdersController {
  constructor(private readonly sessions: SessionService) {}

  @Permissions('orders:read')
  @Get('orders')
  orders(@CurrentSession() session: Session) {
    return { userId: session.userId, sessionId: session.sessionId ?? null, permissions: session.permissions, jkt: (session.claims.cnf as { jkt?: string } | undefined)?.jkt ?? null };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentSession() session: Session): Promise<void> {
    await this.sessions.logout(session);
  }
}

const INTROSPECTION = '/token/introspection';

/** Opaque access tokens from a real oidc-provider, read through its introspection endpoint (RFC 7662). */
describe.each(HTTP_ADAPTERS)('Introspection of opaque tokens from oidc-provider, over %s', (adapter: HttpAdapterName) => {
  let provider: OidcProviderServer;
  const apps: TestApp[] = [];
  let app: TestApp;
  let shortCache: TestApp;
  const logger = new CapturingLogger();

  async function start(introspection: IntrospectionOptions, extra: Partial<SessionModuleOptions> = {}): Promise<TestApp> {
    const options = introspectingOptions(provider, introspection, extra);
    const started = await startNestApp({ imports: [SessionModule.forRoot(options)], controllers: [OrdersController] }, { adapter, logger });
    apps.push(started);
    return started;
  }

  const calls = () => provider.hitsOf(INTROSPECTION);

  beforeAll(async () => {
    provider = await new OidcProviderServer({ accessTokenFormat: 'opaque' }).start();
    app = await start({}, { dpop: 'allowed' });
    shortCache = await start({ cacheMaxAge: 1 });
  });

  afterAll(async () => {
    await Promise.all(apps.map((started) => started.close()));
    await provider?.stop();
  });

  it("a user's opaque token passes as the same Session a JWT gives, with one introspection call for many requests", async () => {
    const { access_token: token } = await provider.authorizationCodeTokens('user-7');
    expect(token.split('.')).toHaveLength(1);
    const before = calls();
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => call(`${app.url}/orders`, { token })));
    for (let i = 0; i < 10; i++) concurrent.push(await call(`${app.url}/orders`, { token }));
    for (const answer of concurrent) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ userId: 'user-7', permissions: expect.arrayContaining(['orders:read', 'orders:write']) });
    }
    expect(concurrent[0]!.body.sessionId).toEqual(expect.any(String));
    expect(calls() - before).toBe(1);
  });

  it('a client credentials token: the client is the subject (RFC 9068)', async () => {
    const { access_token: token } = await provider.clientCredentialsToken();
    const answer = await call(`${app.url}/orders`, { token });
    expect(answer.status).toBe(200);
    expect(answer.body.userId).toBe(CLIENT.id);
  });

  it('a token the provider does not know is 401 token_inactive (invalid_token), and asked about once', async () => {
    const before = calls();
    for (let i = 0; i < 3; i++) expectRefusal(await call(`${app.url}/orders`, { token: 'not-a-token-the-provider-issued' }), 401, 'token_inactive');
    expect(calls() - before).toBe(1);
  });

  it('logout applies to an introspected session as to a JWT one', async () => {
    const { access_token: token } = await provider.authorizationCodeTokens('user-8');
    expect((await call(`${app.url}/orders`, { token })).status).toBe(200);
    expect((await call(`${app.url}/logout`, { method: 'POST', token })).status).toBe(204);
    expectRefusal(await call(`${app.url}/orders`, { token }), 401, 'token_revoked');
  });

  it('a DPoP-bound opaque token: the binding comes from the introspection answer (cnf.jkt)', async () => {
    const key = await DpopClientKey.create();
    const issued = await provider.clientCredentialsToken(undefined, { dpop: await key.proof('POST', provider.tokenEndpoint) });
    expect(issued.token_type).toBe('DPoP');
    const token = issued.access_token;
    const proof = await key.proof('GET', `${app.url}/orders`, { accessToken: token });
    const answer = await call(`${app.url}/orders`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(answer.status).toBe(200);
    expect(answer.body.jkt).toBe(key.jkt);
    expect((await call(`${app.url}/orders`, { token })).body.reason).toBe('dpop_invalid');
  });

  it('provider outage: a cached answer stands in until the token expires; an unknown token is 503 provider_unavailable', async () => {
    const { access_token: known } = await provider.authorizationCodeTokens('user-9');
    const { access_token: unseen } = await provider.authorizationCodeTokens('user-10');
    expect((await call(`${shortCache.url}/orders`, { token: known })).status).toBe(200);
    // Past cacheMaxAge (1 s) the answer is due again, but the token's exp is minutes away.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await provider.stop();
    try {
      expect((await call(`${shortCache.url}/orders`, { token: known })).status).toBe(200);
      expect(logger.at('warn').map((entry) => entry.message)).toContain('The introspection endpoint is unreachable: using the cached answer until the token expires');
      expectRefusal(await call(`${shortCache.url}/orders`, { token: unseen }), 503, 'provider_unavailable');
    } finally {
      // Back, but empty (its in-memory store is gone): the next tests take new tokens.
      await provider.start();
    }
  });
});
