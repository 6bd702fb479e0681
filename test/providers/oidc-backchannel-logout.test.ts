import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CurrentSession, SessionModule, type Session } from '../../lib/index.js';
import { call, createHttpApp, HTTP_ADAPTERS, type TestApp } from '../support/app.js';
import { freePort } from '../support/free-port.js';
import { CLIENT, OidcProviderServer, POST_CLIENT, type CookieJar } from '../support/oidc-provider.js';

@Controller()
class MeController {
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId, sessionId: session.sessionId ?? null }; }
}

/**
 * A real OpenID Provider (oidc-provider, back-channel logout on) and the app as its relying party:
 * users log in through the authorization code flow, the app accepts their ID tokens as sessions,
 * and when a user signs out at the provider it POSTs its own logout token to the app.
 */
describe.each(HTTP_ADAPTERS)('back-channel logout from a real oidc-provider (%s)', (adapter) => {
  let provider: OidcProviderServer;
  let app: TestApp;
  const me = (idToken: string) => call(`${app.url}/me`, { token: idToken });

  async function login(accountId: string, client = CLIENT): Promise<{ idToken: string; browser: CookieJar }> {
    const browser: CookieJar = new Map();
    const tokens = await provider.authorizationCodeTokens(accountId, undefined, client, browser);
    return { idToken: tokens.id_token!, browser };
  }

  beforeAll(async () => {
    const port = await freePort();
    provider = await new OidcProviderServer({ backchannelLogoutUri: `http://127.0.0.1:${port}/auth/backchannel-logout` }).start();
    const audience = [CLIENT.id, POST_CLIENT.id];
    const moduleRef = await Test.createTestingModule({
      imports: [SessionModule.forRoot({ issuer: provider.issuer, jwksUri: provider.jwksUri, audience, claims: 'oidc', backchannelLogout: { audience } })],
      controllers: [MeController],
    }).compile();
    const nest = await createHttpApp(moduleRef, adapter, false);
    await nest.listen(port, '127.0.0.1');
    app = { app: nest, url: await nest.getUrl(), close: () => nest.close() };
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('signing out at the provider ends that session (sid) in the app, and only that one', async () => {
    const first = await login('alice');
    const second = await login('alice');
    const firstSession = await me(first.idToken);
    expect(firstSession).toMatchObject({ status: 200, body: { userId: 'alice', sessionId: expect.any(String) } });
    expect((await me(second.idToken)).body.sessionId).not.toBe(firstSession.body.sessionId);

    await provider.endSession(first.idToken, first.browser);

    expect(await me(first.idToken)).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect((await me(second.idToken)).status).toBe(200);
  });

  it('a logout token with sub alone (a client without session ids) ends every session of the user', async () => {
    const viaPostClient = await login('bob', POST_CLIENT);
    const viaClient = await login('bob');
    const someoneElse = await login('carol');
    expect((await me(viaClient.idToken)).status).toBe(200);

    await provider.endSession(viaPostClient.idToken, viaPostClient.browser);

    expect(await me(viaPostClient.idToken)).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect(await me(viaClient.idToken)).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect((await me(someoneElse.idToken)).status).toBe(200);
  });
});
