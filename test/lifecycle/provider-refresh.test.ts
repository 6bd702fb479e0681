import { Controller, Get } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { CurrentSession, SessionService, type Session, type SessionModuleOptions } from '../../lib/index.js';
import { call, startApp, type TestApp } from '../support/app.js';
import { makeKey, signSession } from '../support/keys.js';
import { CLIENT, OidcProviderServer, POST_CLIENT, PUBLIC_CLIENT, RESOURCE, type TestClient } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';
import { waitFor } from '../support/wait-for.js';
import { sessionErrorOf } from '../support/session-error.js';

const TOKEN = '/token';
const REVOCATION = '/token/revocation';

@Controller()
class MeController {
  @Get('me')
  me(@CurrentSession() session: Session) {
    return { userId: session.userId, sessionId: session.sessionId };
  }
}

function clientOptions(client: TestClient): Partial<SessionModuleOptions> {
  return { clientId: client.id, ...(client.secret !== undefined && { clientSecret: client.secret }), clientAuthMethod: client.method };
}

/**
 * Refresh and logout against a real OpenID Provider (oidc-provider on loopback): the token and
 * revocation endpoints are discovered, access tokens are RFC 9068 JWTs, refresh tokens rotate.
 */
describe('Session lifecycle against oidc-provider', () => {
  const op = new OidcProviderServer({ accessTokenTTL: 300 });
  const apps: TestApp[] = [];

  async function app(client: TestClient = CLIENT, extra: Partial<SessionModuleOptions> = {}): Promise<{ api: TestApp; sessions: SessionService }> {
    const api = await startApp({ issuer: op.issuer, audience: RESOURCE, discovery: true, claims: 'oidc', ...clientOptions(client), ...extra }, [MeController]);
    apps.push(api);
    return { api, sessions: api.app.get(SessionService) };
  }

  beforeAll(async () => {
    await op.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((api) => api.close()));
    await op.stop();
  });

  describe.each([CLIENT, POST_CLIENT, PUBLIC_CLIENT])('as a $method client', (client) => {
    it('refreshes at the discovered token endpoint, rotating the refresh token; the old one is then refused by the provider', async () => {
      const { api, sessions } = await app(client);
      const login = await op.authorizationCodeTokens('user-7', undefined, client);
      const hits = op.hitsOf(TOKEN);

      const refreshed = await sessions.refreshSession(login.refresh_token!);
      expect(op.hitsOf(TOKEN)).toBe(hits + 1);
      expect(refreshed.refreshToken).not.toBe(login.refresh_token);
      expect(refreshed.sessionToken).not.toBe(login.access_token);
      expect(refreshed.expiresAt.getTime()).toBe(decodeJwt(refreshed.sessionToken).exp! * 1000);
      expect(refreshed.session.userId).toBe('user-7');
      expect((await call(`${api.url}/me`, { token: refreshed.sessionToken })).body).toMatchObject({ userId: 'user-7' });

      // Another instance (no shared single-flight memory) presenting the rotated-out token: the provider refuses it.
      const other = await app(client);
      const refused = await sessionErrorOf(other.sessions.refreshSession(login.refresh_token!));
      expect(refused).toMatchObject({ reason: 'refresh_failed', providerError: 'invalid_grant', status: 401 });
      expect(op.hitsOf(TOKEN)).toBe(hits + 2);
    });
  });

  it('keeps the login session id (sid) across a refresh', async () => {
    const { sessions } = await app();
    const login = await op.authorizationCodeTokens('user-sid');
    const before = await sessions.validateSession(login.access_token);
    const refreshed = await sessions.refreshSession(login.refresh_token!);
    expect(before.sessionId).toEqual(expect.any(String));
    expect(refreshed.session.sessionId).toBe(before.sessionId);
  });

  it('tells a provider refusal (refresh_failed, its error code) from a provider it cannot reach (provider_unavailable)', async () => {
    const { sessions } = await app();
    const unknown = await sessionErrorOf(sessions.refreshSession('not-a-refresh-token-the-provider-issued'));
    expect(unknown).toMatchObject({ reason: 'refresh_failed', providerError: 'invalid_grant' });

    const wrongSecret = await app(CLIENT, { clientSecret: 'a-wrong-secret-that-is-long-enough-000000000000' });
    const login = await op.authorizationCodeTokens();
    expect(await sessionErrorOf(wrongSecret.sessions.refreshSession(login.refresh_token!))).toMatchObject({ reason: 'refresh_failed', providerError: 'invalid_client' });

    const closed = new OidcProviderServer();
    await closed.start();
    const gone = await app(CLIENT, { tokenEndpoint: closed.tokenEndpoint });
    await closed.stop();
    const unreachable = await sessionErrorOf(gone.sessions.refreshSession(login.refresh_token!));
    expect(unreachable.reason).toBe('provider_unavailable');
    expect(unreachable.providerError).toBeUndefined();
  });

  it('makes one provider call for concurrent refreshes with the same refresh token; all get the same new tokens', async () => {
    const { sessions } = await app();
    const login = await op.authorizationCodeTokens('user-concurrent');
    const hits = op.hitsOf(TOKEN);
    const results = await Promise.all(Array.from({ length: 8 }, () => sessions.refreshSession(login.refresh_token!)));
    expect(op.hitsOf(TOKEN)).toBe(hits + 1);
    expect(new Set(results.map((result) => result.sessionToken)).size).toBe(1);
    expect(new Set(results.map((result) => result.refreshToken)).size).toBe(1);
    // The rotated token still works at the provider: the reuse of the old one was never sent.
    await expect(sessions.refreshSession(results[0]!.refreshToken)).resolves.toMatchObject({ session: { userId: 'user-concurrent' } });
  });

  it('validates the new session token as the guard would: a token for another audience is refused', async () => {
    const { sessions } = await app(CLIENT, { audience: 'https://another-api.example.test' });
    const login = await op.authorizationCodeTokens();
    expect(await sessionErrorOf(sessions.refreshSession(login.refresh_token!))).toMatchObject({ reason: 'refresh_failed' });
  });

  it('logout revokes the refresh token at the provider (RFC 7009) and refuses the session at once, refreshed tokens included', async () => {
    const { api, sessions } = await app();
    const login = await op.authorizationCodeTokens('user-logout');
    const refreshed = await sessions.refreshSession(login.refresh_token!);
    expect((await call(`${api.url}/me`, { token: refreshed.sessionToken })).status).toBe(200);
    const revocations = op.hitsOf(REVOCATION);

    await sessions.logout(refreshed.session, { refreshToken: refreshed.refreshToken });

    expect(op.hitsOf(REVOCATION)).toBe(revocations + 1);
    expectRefusal(await call(`${api.url}/me`, { token: refreshed.sessionToken }), 401, 'token_revoked');
    // The first token of the login shares its sid: refused too.
    expectRefusal(await call(`${api.url}/me`, { token: login.access_token }), 401, 'token_revoked');
    await expect(op.refresh(refreshed.refreshToken)).rejects.toThrow(/invalid_grant/);
  });

  it('logoutAll refuses every earlier session of the user, and only that user', async () => {
    const { api, sessions } = await app();
    const first = await op.authorizationCodeTokens('user-all');
    const second = await op.authorizationCodeTokens('user-all');
    const other = await op.authorizationCodeTokens('user-other');
    await sessions.logoutAll('user-all');
    expectRefusal(await call(`${api.url}/me`, { token: first.access_token }), 401, 'token_revoked');
    expectRefusal(await call(`${api.url}/me`, { token: second.access_token }), 401, 'token_revoked');
    expect((await call(`${api.url}/me`, { token: other.access_token })).status).toBe(200);
  });

  describe('validateAndRefreshSession', () => {
    const shortLived = new OidcProviderServer({ accessTokenTTL: 1 });
    let sessions: SessionService;

    beforeAll(async () => {
      await shortLived.start();
      const api = await startApp(
        { issuer: shortLived.issuer, audience: RESOURCE, discovery: true, claims: 'oidc', clockTolerance: 0, ...clientOptions(CLIENT) },
        [MeController],
      );
      apps.push(api);
      sessions = api.app.get(SessionService);
    });

    afterAll(() => shortLived.stop());

    /** A login whose access token has expired (1 s lifetime, no clock tolerance). */
    async function expiredLogin(user: string) {
      const login = await shortLived.authorizationCodeTokens(user);
      await waitFor(async () => (await sessionErrorOf(sessions.validateSession(login.access_token))).reason === 'token_expired', 5000, 100);
      return login;
    }

    it('does not refresh a valid session token', async () => {
      const longLived = await app();
      const login = await op.authorizationCodeTokens('user-valid');
      const hits = op.hitsOf(TOKEN);
      const result = await longLived.sessions.validateAndRefreshSession(login.access_token, login.refresh_token);
      expect(result.session.userId).toBe('user-valid');
      expect(result.refreshed).toBeUndefined();
      expect(op.hitsOf(TOKEN)).toBe(hits);
    });

    it('refreshes an expired session token, and a missing one', async () => {
      const login = await expiredLogin('user-expired');
      const result = await sessions.validateAndRefreshSession(login.access_token, login.refresh_token);
      expect(result.refreshed?.session.userId).toBe('user-expired');
      expect(result.session).toBe(result.refreshed?.session);

      const missing = await sessions.validateAndRefreshSession(undefined, result.refreshed!.refreshToken);
      expect(missing.refreshed?.refreshToken).not.toBe(result.refreshed!.refreshToken);
    });

    it('never refreshes after a bad signature, a wrong issuer or a revoked session', async () => {
      const login = await expiredLogin('user-refused');
      const hits = shortLived.hitsOf(TOKEN);

      const [header, payload] = login.access_token.split('.');
      const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
      expect((await sessionErrorOf(sessions.validateAndRefreshSession(forged, login.refresh_token))).reason).toBe('signature_invalid');

      const key = await makeKey('ES256');
      const foreign = await signSession({ iss: 'https://elsewhere.example', aud: RESOURCE }, { key, expiresIn: -60 });
      expect((await sessionErrorOf(sessions.validateAndRefreshSession(foreign, login.refresh_token))).reason).toMatch(/issuer_mismatch|key_not_found|signature_invalid/);

      const expired = decodeJwt(login.access_token);
      await sessions.logout(String(expired.sid ?? expired.jti));
      expect((await sessionErrorOf(sessions.validateAndRefreshSession(login.access_token, login.refresh_token))).reason).toBe('token_revoked');

      expect(shortLived.hitsOf(TOKEN)).toBe(hits);
    });

    it('without a refresh token, an expired session stays expired', async () => {
      const login = await expiredLogin('user-no-refresh');
      expect((await sessionErrorOf(sessions.validateAndRefreshSession(login.access_token))).reason).toBe('token_expired');
      expect((await sessionErrorOf(sessions.validateAndRefreshSession())).reason).toBe('token_missing');
    });
  });
});
