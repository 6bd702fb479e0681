import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { CurrentSession, SessionService, type Session } from '../../lib/index.js';
import { HTTP_ADAPTERS } from '../support/app.js';
import { CookieJar, freePort, providerLogin } from '../support/code-flow.js';
import { OidcProviderServer } from '../support/oidc-provider.js';
import { relyingPartyClient, relyingPartyOptions, startRelyingParty } from '../support/relying-party.js';

const RP = { id: 'web-app', secret: 'web-app-secret-that-is-long-enough-0123456789' };

@Controller()
class MeController {
  constructor(private readonly sessions: SessionService) {}

  @Get('me') me(@CurrentSession() session: Session) {
    return { userId: session.userId };
  }

  @Get('sessions') list(@CurrentSession('userId') userId: string) {
    return this.sessions.listSessions(userId);
  }
}

/**
 * The login routes against a real oidc-provider on loopback, over Express and Fastify: the code
 * flow creates a server-side session (only an opaque cookie reaches the client), and the
 * callback refuses a wrong state, a replayed code and a wrong nonce.
 */
function answer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe.each(HTTP_ADAPTERS)('login callback (%s)', (adapter) => {
  let provider: OidcProviderServer;
  let app: INestApplication;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    provider = await new OidcProviderServer({ clients: [relyingPartyClient(RP, [origin])] }).start();
    const options = relyingPartyOptions(provider, RP, origin, { serverSessions: true, login: { postLogoutRedirectUri: `${origin}/` } });
    app = await startRelyingParty(options, [MeController], adapter, port);
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  /** `GET /auth/login`: the provider's authorization URL, with the login cookie in `jar`. */
  async function beginLogin(jar: CookieJar, returnTo = '/me'): Promise<URL> {
    const response = await fetch(`${origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual', headers: { cookie: jar.header } });
    expect(response.status).toBe(302);
    jar.take(response);
    return new URL(response.headers.get('location')!);
  }

  async function callback(url: string, jar: CookieJar): Promise<{ status: number; location: string | null; body: any; response: Response }> {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header } });
    jar.take(response);
    const text = await response.text();
    return { status: response.status, location: response.headers.get('location'), body: answer(text), response };
  }

  it('logs in through the code flow with PKCE: the client holds one opaque __Host- cookie and no token', async () => {
    const jar = new CookieJar();
    const authorization = await beginLogin(jar);
    expect(authorization.origin).toBe(provider.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    for (const name of ['state', 'nonce', 'code_challenge']) expect(authorization.searchParams.get(name)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const answer = await callback(await providerLogin(authorization.href, origin), jar);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/me');
    const cookies = answer.response.headers.getSetCookie();
    const sessionCookie = cookies.find((line) => line.startsWith('__Host-session='))!;
    expect(sessionCookie).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/);
    // No JWT (nor any other token) in any cookie: only the opaque id, and the login cookie being deleted.
    expect(cookies.join('\n')).not.toMatch(/eyJ/);

    const me = await fetch(`${origin}/me`, { headers: { cookie: jar.header } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: 'user-1' });
    const sessions = await (await fetch(`${origin}/sessions`, { headers: { cookie: jar.header } })).json();
    expect(sessions).toEqual(expect.arrayContaining([expect.objectContaining({ userId: 'user-1', createdAt: expect.any(String), lastSeenAt: expect.any(String) })]));
    expect(JSON.stringify(sessions)).not.toContain(jar.get('__Host-session'));
  });

  it('refuses a callback whose state is not the one this browser sent (400 state_mismatch), and starts no session', async () => {
    const jar = new CookieJar();
    const back = new URL(await providerLogin((await beginLogin(jar)).href, origin));
    back.searchParams.set('state', 'x'.repeat(43));
    const answer = await callback(back.href, jar);
    expect(answer).toMatchObject({ status: 400, body: { reason: 'state_mismatch' } });
    expect(jar.get('__Host-session')).toBeUndefined();
  });

  it('refuses a replayed code: the same callback again (login_expired), and the code under a new login (code_rejected)', async () => {
    const jar = new CookieJar();
    const back = await providerLogin((await beginLogin(jar)).href, origin);
    expect((await callback(back, jar)).status).toBe(303);
    expect(await callback(back, jar)).toMatchObject({ status: 400, body: { reason: 'login_expired' } });

    // An attacker's login cookie and state, with the code already used.
    const attacker = new CookieJar();
    const replay = new URL(back);
    replay.searchParams.set('state', (await beginLogin(attacker)).searchParams.get('state')!);
    const answer = await callback(replay.href, attacker);
    expect(answer).toMatchObject({ status: 400, body: { reason: 'code_rejected' } });
    expect(attacker.get('__Host-session')).toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the one this login sent (400 nonce_mismatch)', async () => {
    const jar = new CookieJar();
    const authorization = await beginLogin(jar);
    authorization.searchParams.set('nonce', 'n'.repeat(43));
    const answer = await callback(await providerLogin(authorization.href, origin), jar);
    expect(answer).toMatchObject({ status: 400, body: { reason: 'nonce_mismatch' } });
    expect(jar.get('__Host-session')).toBeUndefined();
  });

  it('refuses a returnTo off the allow-list (400 return_to_not_allowed)', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const response = await fetch(`${origin}/auth/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ reason: 'return_to_not_allowed' });
    }
  });
});

describe('login routes at start-up', () => {
  it('refuses a redirectUri that is not the callback route (every login would end on a 404)', async () => {
    const { Test } = await import('@nestjs/testing');
    const { SessionModule } = await import('../../lib/index.js');
    const compile = (options: Parameters<typeof SessionModule.forRoot>[0]) => Test.createTestingModule({ imports: [SessionModule.forRoot(options)] }).compile();
    const { exportJWK, generateKeyPair } = await import('jose');
    const { publicKey } = await generateKeyPair('ES256');
    const base = { issuer: 'http://127.0.0.1:9/', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }, clientId: 'web-app' };
    await expect(compile({ ...base, login: { redirectUri: 'http://127.0.0.1:3000/auth/back' } })).rejects.toThrow('must be the callback route, ending with /auth/callback');
    await expect(compile({ ...base, login: { path: '/oidc/', redirectUri: 'http://127.0.0.1:3000/auth/callback' } })).rejects.toThrow('ending with /oidc/callback');
    // A global prefix in front of the route is fine.
    await expect(compile({ ...base, login: { path: 'oidc', redirectUri: 'http://127.0.0.1:3000/api/oidc/callback' } })).resolves.toBeDefined();
  });
});
