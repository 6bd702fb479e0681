import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  CurrentSession,
  Public,
  RedisRevocationStore,
  RedisServerSessionStore,
  SessionService,
  type Session,
} from '../../lib/index.js';
import { freePort } from '../support/code-flow.js';
import { OidcProviderServer } from '../support/oidc-provider.js';
import { RedisServer } from '../support/redis-server.js';
import { relyingPartyClient, relyingPartyOptions, startRelyingParty, submitPostForm } from '../support/relying-party.js';
import { waitFor } from '../support/wait-for.js';

const CHROMIUM = '/usr/bin/chromium';
const RP = { id: 'browser-app', secret: 'browser-app-secret-that-is-long-enough-0123456789' };
/** Access tokens (the session tokens) live 2 seconds: the test outlives one and sees it refreshed server-side. */
const ACCESS_TOKEN_TTL = 2;

@Controller()
class AppController {
  constructor(private readonly sessions: SessionService) {}

  @Public() @Get() home() {
    return { home: true };
  }

  @Get('me') me(@CurrentSession() session: Session) {
    return { userId: session.userId, expiresAt: session.expiresAt };
  }

  @Get('sessions') list(@CurrentSession('userId') userId: string) {
    return this.sessions.listSessions(userId);
  }
}

/**
 * Server-side sessions in Debian's Chromium (playwright-core) against a real oidc-provider and a
 * real redis-server shared by two app instances: the code flow logs in, page scripts see no
 * token, the session token expires and is refreshed server-side, the sessions are listed, logout
 * ends the session (and the provider's, RP-initiated) and the old cookie is refused on the other
 * instance.
 */
describe('server-side sessions in a browser, two instances sharing Redis', () => {
  let redis: RedisServer;
  let provider: OidcProviderServer;
  const apps: INestApplication[] = [];
  const origins: string[] = [];
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));

  function startInstance(port: number, origin: string): Promise<INestApplication> {
    const options = relyingPartyOptions(provider, RP, origin, {
      clockTolerance: 0,
      revocationStore: new RedisRevocationStore({ url: redis.url }),
      serverSessions: { store: new RedisServerSessionStore({ url: redis.url }), encryptionKey: 'k'.repeat(43) },
      login: { postLogoutRedirectUri: `${origin}/` },
    });
    return startRelyingParty(options, [AppController], 'express', port);
  }

  /** A request made by the page itself (same origin, cookies attached by the browser). */
  function pageFetch(path: string, method = 'GET'): Promise<{ status: number; body: any }> {
    return page.evaluate(
      async ({ path, method }) => {
        const response = await fetch(path, { method });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      },
      { path, method },
    );
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    const ports = [await freePort(), await freePort()];
    // `localhost`: browsers treat it as a secure context, so `Secure` and `__Host-` cookies work over http.
    origins.push(...ports.map((port) => `http://localhost:${port}`));
    provider = await new OidcProviderServer({ accessTokenTTL: ACCESS_TOKEN_TTL, clients: [relyingPartyClient(RP, origins)] }).start();
    for (const [index, port] of ports.entries()) apps.push(await startInstance(port, origins[index]!));

    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Loopback only: the provider's pages import a web font.
    await context.route((url) => !['localhost', '127.0.0.1'].includes(url.hostname), (route) => route.abort());
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    for (const app of apps) await app.close();
    await provider?.stop();
    await redis?.dispose();
    rmSync(profile, { recursive: true, force: true });
  });

  it('logs in through the code flow, refreshes server-side, lists, logs out; the old cookie is refused on the other instance', async () => {
    const [origin, otherOrigin] = origins as [string, string];
    await page.goto(`${origin}/auth/login?returnTo=/me`);
    await page.waitForURL((url) => url.pathname.startsWith('/interaction/'));
    await page.fill('input[name=login]', 'user-browser');
    await page.fill('input[name=password]', 'any');
    await page.click('button[type=submit]');
    await page.waitForURL((url) => url.pathname.startsWith('/interaction/') && url.origin === provider.issuer);
    // The consent page.
    await page.click('button[type=submit]');
    await page.waitForURL(`${origin}/me`);
    expect(JSON.parse((await page.textContent('body'))!)).toMatchObject({ userId: 'user-browser' });

    // One opaque, HttpOnly, Secure, SameSite=Lax __Host- cookie; page scripts see nothing.
    const cookies = await context.cookies(origin);
    expect(cookies.map((cookie) => cookie.name)).toEqual(['__Host-session']);
    const [sessionCookie] = cookies;
    expect(sessionCookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(sessionCookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await page.evaluate('document.cookie')).toBe('');

    // The session token expires; the next request is answered through a server-side refresh.
    const first = await pageFetch('/me');
    expect(first.status).toBe(200);
    const refreshesBefore = provider.hitsOf('/token');
    await waitFor(() => Date.now() > new Date(first.body.expiresAt).getTime() + 200, 10_000, 100);
    const after = await pageFetch('/me');
    expect(after).toMatchObject({ status: 200, body: { userId: 'user-browser' } });
    expect(new Date(after.body.expiresAt).getTime()).toBeGreaterThan(new Date(first.body.expiresAt).getTime());
    expect(provider.hitsOf('/token')).toBe(refreshesBefore + 1);
    expect((await context.cookies(origin)).map((cookie) => [cookie.name, cookie.value])).toEqual([['__Host-session', sessionCookie!.value]]);
    expect(await page.evaluate('document.cookie')).toBe('');

    // The devices list: this browser's session, with its user agent, and no token in it.
    const sessions = await pageFetch('/sessions');
    expect(sessions.status).toBe(200);
    expect(sessions.body).toEqual([expect.objectContaining({ userId: 'user-browser', userAgent: expect.stringContaining('Chrome'), createdAt: expect.any(String) })]);
    expect(JSON.stringify(sessions.body)).not.toMatch(/eyJ/);
    expect(JSON.stringify(sessions.body)).not.toContain(sessionCookie!.value);

    // The other instance shares the store: the same cookie is a session there too.
    const elsewhere = await fetch(`${otherOrigin}/me`, { headers: { cookie: `__Host-session=${sessionCookie!.value}` } });
    expect(elsewhere.status).toBe(200);

    // Logout: a same-origin form POST (the refresh token is revoked at the provider, RFC 7009), then RP-initiated logout at the provider (confirmed there), back to the app.
    await submitPostForm(page, '/auth/logout');
    await page.waitForURL((url) => url.origin === provider.issuer);
    expect(provider.hitsOf('/token/revocation')).toBe(1);
    await page.click('button[name=logout][value=yes]');
    await page.waitForURL(`${origin}/`);
    expect(await context.cookies(origin)).toEqual([]);
    expect(await pageFetch('/me')).toMatchObject({ status: 401, body: { reason: 'token_missing' } });

    const refused = await fetch(`${otherOrigin}/me`, { headers: { cookie: `__Host-session=${sessionCookie!.value}` } });
    expect(refused.status).toBe(401);
  });
});
