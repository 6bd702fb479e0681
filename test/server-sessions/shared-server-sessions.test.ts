import 'reflect-metadata';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, type INestApplication } from '@nestjs/common';
import {
  CurrentSession,
  RefreshToken,
  RedisRevocationStore,
  RedisServerSessionStore,
  SessionService,
  type Session,
} from '../../lib/index.js';
import type { HttpAdapterName } from '../support/app.js';
import { CookieJar, freePort, providerLogin } from '../support/code-flow.js';
import { OidcProviderServer } from '../support/oidc-provider.js';
import { RedisServer } from '../support/redis-server.js';
import { relyingPartyClient, relyingPartyOptions, startRelyingParty } from '../support/relying-party.js';
import { waitFor } from '../support/wait-for.js';

const RP = { id: 'shared-app', secret: 'shared-app-secret-that-is-long-enough-0123456789' };

@Controller()
class AccountController {
  constructor(private readonly sessions: SessionService) {}

  @Get('me') me(@CurrentSession() session: Session) {
    return { userId: session.userId, expiresAt: session.expiresAt };
  }

  @Get('sessions') list(@CurrentSession('userId') userId: string) {
    return this.sessions.listSessions(userId);
  }

  @Delete('sessions/:id') @HttpCode(204) async end(@Param('id') id: string) {
    await this.sessions.logout(id);
  }

  @Post('logout-all') @HttpCode(204) async endAll(@CurrentSession('userId') userId: string) {
    await this.sessions.logoutAll(userId);
  }

  @Put('data') @HttpCode(204) async setData(@CurrentSession() session: Session, @Body() body: unknown) {
    await this.sessions.setSessionData(session, body);
  }

  /** Whether the route sees a refresh token (never the token itself: it stays on the server). */
  @Get('refresh-token') refreshToken(@RefreshToken() token: string | undefined) {
    return { present: typeof token === 'string' && token.length > 0 };
  }

  @Get('data') async data(@CurrentSession() session: Session) {
    return { data: (await this.sessions.getSessionData(session)) ?? null };
  }
}

/**
 * Two app instances (one on Express, one on Fastify) sharing a real redis-server, logging in
 * against a real oidc-provider: a session made on one is the same session on the other, an
 * expired session token is refreshed once for all of them, and ending sessions (one by id, or
 * all of a user's) takes effect on both at once.
 */
describe('server-side sessions shared by two instances through Redis', () => {
  let redis: RedisServer;
  let provider: OidcProviderServer;
  const apps: INestApplication[] = [];
  let origins: [string, string];

  function startInstance(adapter: HttpAdapterName, port: number, origin: string): Promise<INestApplication> {
    const options = relyingPartyOptions(provider, RP, origin, {
      clockTolerance: 0,
      revocationStore: new RedisRevocationStore({ url: redis.url }),
      serverSessions: { store: new RedisServerSessionStore({ url: redis.url }) },
    });
    return startRelyingParty(options, [AccountController], adapter, port);
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    const ports = [await freePort(), await freePort()];
    origins = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string];
    provider = await new OidcProviderServer({ accessTokenTTL: 2, clients: [relyingPartyClient(RP, origins)] }).start();
    apps.push(await startInstance('express', ports[0]!, origins[0]), await startInstance('fastify', ports[1]!, origins[1]));
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await provider?.stop();
    await redis?.dispose();
  });

  /** A login on the first instance, through the provider: the jar then holds the session cookie. */
  async function login(accountId: string): Promise<CookieJar> {
    const jar = new CookieJar();
    const begin = await fetch(`${origins[0]}/auth/login`, { redirect: 'manual' });
    jar.take(begin);
    const back = await providerLogin(begin.headers.get('location')!, origins[0], accountId);
    const done = await fetch(back, { redirect: 'manual', headers: { cookie: jar.header } });
    expect(done.status).toBe(303);
    jar.take(done);
    expect(jar.get('__Host-session')).toBeDefined();
    return jar;
  }

  async function get(origin: string, path: string, jar: CookieJar): Promise<{ status: number; body: any }> {
    const response = await fetch(`${origin}${path}`, { headers: { cookie: jar.header } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** An unsafe request from the app's own page: the anti-CSRF header of cookie sessions. */
  function send(origin: string, method: string, path: string, jar: CookieJar, body?: unknown): Promise<Response> {
    return fetch(`${origin}${path}`, {
      method,
      headers: { cookie: jar.header, 'x-requested-with': 'XMLHttpRequest', ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }

  it('refreshes an expired session token once, whichever instances the concurrent requests reach', async () => {
    const jar = await login('user-refresh');
    const first = await get(origins[1], '/me', jar);
    expect(first).toMatchObject({ status: 200, body: { userId: 'user-refresh' } });
    await waitFor(() => Date.now() > new Date(first.body.expiresAt).getTime() + 200, 10_000, 50);

    const before = provider.hitsOf('/token');
    const answers = await Promise.all([0, 1, 0, 1, 0, 1].map((index) => get(origins[index]!, '/me', jar)));
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: { userId: 'user-refresh' } });
    expect(provider.hitsOf('/token')).toBe(before + 1);
    expect(new Set(answers.map((answer) => answer.body.expiresAt)).size).toBe(1);
  });

  it('@RefreshToken() gives the server-side session\'s refresh token (the browser holds no refresh cookie)', async () => {
    const jar = await login('user-refresh-token');
    expect(jar.get('DSR')).toBeUndefined();
    for (const origin of origins) expect(await get(origin, '/refresh-token', jar)).toEqual({ status: 200, body: { present: true } });
    expect(await get(origins[0], '/refresh-token', new CookieJar())).toMatchObject({ status: 401 });
  });

  it('lists a user\'s sessions and ends one by its id, on every instance', async () => {
    const laptop = await login('user-devices');
    const phone = await login('user-devices');
    const listed = await get(origins[1], '/sessions', laptop);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(2);
    for (const entry of listed.body) expect(Object.keys(entry).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastSeenAt', 'userAgent', 'userId']);

    const [ended, kept] = listed.body as { id: string }[];
    expect((await send(origins[1], 'DELETE', `/sessions/${encodeURIComponent(ended!.id)}`, laptop)).status).toBe(204);
    // Exactly one of the two browsers lost its session, on both instances.
    const alive = [];
    for (const jar of [laptop, phone]) {
      const answers = await Promise.all(origins.map((origin) => get(origin, '/me', jar)));
      expect(answers[0]!.status).toBe(answers[1]!.status);
      if (answers[0]!.status === 200) alive.push(jar);
      else expect(answers[0]!.body).toMatchObject({ reason: 'token_missing' });
    }
    expect(alive).toHaveLength(1);
    expect((await get(origins[0], '/sessions', alive[0]!)).body).toEqual([expect.objectContaining({ id: kept!.id })]);
  });

  it('logoutAll ends every server-side session of the user on every instance', async () => {
    const one = await login('user-all');
    const two = await login('user-all');
    expect((await send(origins[0], 'POST', '/logout-all', one)).status).toBe(204);
    for (const origin of origins) {
      expect(await get(origin, '/me', one)).toMatchObject({ status: 401, body: { reason: 'token_missing' } });
      expect(await get(origin, '/me', two)).toMatchObject({ status: 401, body: { reason: 'token_missing' } });
    }
  });

  it('applies the CSRF rules of cookie sessions', async () => {
    const jar = await login('user-csrf');
    const forged = await fetch(`${origins[0]}/logout-all`, { method: 'POST', headers: { cookie: jar.header, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ reason: 'csrf_failed' });
    expect((await get(origins[1], '/me', jar)).status).toBe(200);
  });

  it('keeps session data beside the server-side session, on every instance', async () => {
    const jar = await login('user-data');
    expect((await send(origins[0], 'PUT', '/data', jar, { cart: [1, 2] })).status).toBe(204);
    expect(await get(origins[1], '/data', jar)).toEqual({ status: 200, body: { data: { cart: [1, 2] } } });
  });
});
