import 'reflect-metadata';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { CurrentSession, type ProviderLogoutContext, type Session } from '../../lib/index.js';
import { HTTP_ADAPTERS } from '../support/app.js';
import { CookieJar, freePort, providerLogin } from '../support/code-flow.js';
import { OidcProviderServer } from '../support/oidc-provider.js';
import { relyingPartyClient, relyingPartyOptions, startRelyingParty } from '../support/relying-party.js';

const RP = { id: 'cookie-app', secret: 'cookie-app-secret-that-is-long-enough-0123456789' };

@Controller()
class MeController {
  @Get('me') me(@CurrentSession() session: Session) {
    return { userId: session.userId };
  }
}

/**
 * The login routes with client-side cookie sessions (`serverSessions` off): the callback sets
 * `DS` / `DSR`, logout revokes, calls the provider-logout hook and sends the browser to the
 * provider's end_session_endpoint with `id_token_hint`.
 */
describe.each(HTTP_ADAPTERS)('login with client-side cookies (%s)', (adapter) => {
  let provider: OidcProviderServer;
  let app: INestApplication;
  let origin: string;
  const providerLogouts: ProviderLogoutContext[] = [];

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    provider = await new OidcProviderServer({ clients: [relyingPartyClient(RP, [origin], '/bye')] }).start();
    const options = relyingPartyOptions(provider, RP, origin, {
      login: { postLogoutRedirectUri: `${origin}/bye`, providerLogout: (context) => void providerLogouts.push(context) },
    });
    app = await startRelyingParty(options, [MeController], adapter, port);
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  async function login(): Promise<CookieJar> {
    const jar = new CookieJar();
    const begin = await fetch(`${origin}/auth/login`, { redirect: 'manual' });
    jar.take(begin);
    const done = await fetch(await providerLogin(begin.headers.get('location')!, origin), { redirect: 'manual', headers: { cookie: jar.header } });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    jar.take(done);
    return jar;
  }

  it('sets the DS and DSR cookies; logout revokes, calls providerLogout and redirects to end_session with id_token_hint', async () => {
    const jar = await login();
    expect(jar.get('DS')).toMatch(/^eyJ/);
    expect(jar.get('DSR')).toBeDefined();
    expect(jar.get('__Host-session')).toBeUndefined();
    expect((await fetch(`${origin}/me`, { headers: { cookie: jar.header } })).status).toBe(200);

    const revocations = provider.hitsOf('/token/revocation');
    const logout = await fetch(`${origin}/auth/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header, origin } });
    expect(logout.status).toBe(303);
    const endSession = new URL(logout.headers.get('location')!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/bye`);
    const hint = endSession.searchParams.get('id_token_hint')!;
    expect(JSON.parse(Buffer.from(hint.split('.')[1]!, 'base64url').toString())).toMatchObject({ sub: 'user-1', aud: RP.id });
    expect(provider.hitsOf('/token/revocation')).toBe(revocations + 1);
    expect(providerLogouts.at(-1)).toMatchObject({ userId: 'user-1', issuer: provider.issuer, idToken: hint });

    const cleared = new CookieJar();
    cleared.set('DS', jar.get('DS')!);
    cleared.take(logout);
    expect(cleared.get('DS')).toBeUndefined();
    // The session is revoked: its token is refused even when sent again.
    expect(await (await fetch(`${origin}/me`, { headers: { cookie: `DS=${jar.get('DS')}` } })).json()).toMatchObject({ reason: 'token_revoked' });
  });

  it('refuses a cross-site logout (403 csrf_failed) and keeps the session', async () => {
    const jar = await login();
    const forged = await fetch(`${origin}/auth/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ reason: 'csrf_failed' });
    expect((await fetch(`${origin}/me`, { headers: { cookie: jar.header } })).status).toBe(200);
  });
});
