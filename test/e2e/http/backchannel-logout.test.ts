import { Controller, Get } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { CurrentSession, type Session } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { craftToken, ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { BCL_EVENT, postLogoutToken, signLogoutToken } from '../../support/pushed-tokens.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import type { ServerSessionManager } from '../../../lib/server-sessions/server-session-manager.js';
import { SERVER_SESSION_MANAGER } from '../../../lib/server-sessions/server-session.providers.js';

const CLIENT_ID = 'orders-web';
const PATH = '/auth/backchannel-logout';

@Controller()
class MeController {
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId, sessionId: session.sessionId }; }
}

describe.each(HTTP_ADAPTERS)('back-channel logout receiver (OpenID Connect Back-Channel Logout 1.0) over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let stranger: TestKey;
  let app: TestApp;
  let plain: TestApp;
  let userWide: TestApp;
  const now = () => Math.floor(Date.now() / 1000);
  const me = async (claims: JWTPayload) => call(`${app.url}/me`, { token: await signSession(claims, { key }) });
  const logout = (claims: JWTPayload, options: { header?: Record<string, unknown>; omit?: string[]; key?: TestKey } = {}) =>
    signLogoutToken(claims, CLIENT_ID, { key, ...options });
  const post = (token: string | undefined, init?: Parameters<typeof postLogoutToken>[2]) => postLogoutToken(`${app.url}${PATH}`, token, init);

  beforeAll(async () => {
    [key, stranger] = await Promise.all([makeKey('ES256', 'idp-key'), makeKey('ES256', 'idp-key')]);
    const options = { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, clientId: CLIENT_ID };
    [app, plain, userWide] = await Promise.all([
      startApp({ ...options, backchannelLogout: true }, [MeController]),
      startApp(options, [MeController]),
      startApp({ ...options, backchannelLogout: { logoutUser: true, path: '/idp/logout' } }, [MeController]),
    ]);
  });
  afterAll(() => Promise.all([app.close(), plain.close(), userWide.close()]));

  it('a logout token with sid ends that session only: 200, no-store', async () => {
    expect((await me({ sub: 'U1', sid: 'S-a' })).status).toBe(200);
    const answer = await post(await logout({ sub: 'U1', sid: 'S-a' }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await me({ sub: 'U1', sid: 'S-a' })).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect((await me({ sub: 'U1', sid: 'S-b' })).status).toBe(200);
  });

  it('a logout token with sub alone ends every session of the user begun before it', async () => {
    const before = { sub: 'U2', iat: now() - 30 };
    expect((await me({ ...before, sid: 'S-1' })).status).toBe(200);
    expect((await post(await logout({ sub: 'U2' }))).status).toBe(200);
    expect(await me({ ...before, sid: 'S-1' })).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect(await me({ ...before, sid: 'S-2' })).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
    expect((await me({ sub: 'U3', sid: 'S-3' })).status).toBe(200);
    // A login after the logout is a new session.
    expect((await me({ sub: 'U2', sid: 'S-4', iat: now() + 2 })).status).toBe(200);
  });

  it('a replayed logout token is refused (jti seen before)', async () => {
    const token = await logout({ sid: 'S-replay' });
    expect((await post(token)).status).toBe(200);
    expect(await post(token)).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('replayed') } });
  });

  type Case = [name: string, make: (sid: string) => Promise<string | undefined> | string | undefined, description: RegExp, init?: Parameters<typeof postLogoutToken>[2]];
  const cases: Case[] = [
    ['signed by another key with the same kid', (sid) => logout({ sid }, { key: stranger }), /signature verification failed/],
    ['signed by an unknown key', async (sid) => logout({ sid }, { key: { ...(await makeKey('ES256', 'other')) } }), /no applicable key/],
    ['unsigned (alg none)', (sid) => craftToken({ alg: 'none', typ: 'logout+jwt' }, { iss: ISSUER, aud: CLIENT_ID, iat: now(), jti: randomUUID(), sid, events: { [BCL_EVENT]: {} } }), /not a compact signed JWT/],
    ['HS256 keyed with the public key', async (sid) => new SignJWT({ iss: ISSUER, aud: CLIENT_ID, iat: now(), jti: randomUUID(), sid, events: { [BCL_EVENT]: {} } }).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(new TextEncoder().encode(JSON.stringify(key.publicJwk))), /"alg".*not allowed/],
    ['a signature cut off', async (sid) => (await logout({ sid })).replace(/\.[^.]+$/, '.'), /not a compact signed JWT/],
    ['from another issuer', (sid) => logout({ sid, iss: 'https://evil.example' }), /issuer is not accepted/],
    ['for another audience', (sid) => logout({ sid, aud: 'someone-else' }), /"aud" claim value/],
    ['without aud', (sid) => logout({ sid }, { omit: ['aud'] }), /missing required "aud"/],
    ['without iat', (sid) => logout({ sid }, { omit: ['iat'] }), /missing required "iat"/],
    ['issued too long ago', (sid) => logout({ sid, iat: now() - 600, exp: now() + 60 }), /"iat".*too far in the past/],
    ['issued in the future', (sid) => logout({ sid, iat: now() + 600, exp: now() + 700 }), /"iat".*should be in the past/],
    ['expired', (sid) => logout({ sid, iat: now() - 60, exp: now() - 30 }), /"exp" claim timestamp check failed/],
    ['without jti', (sid) => logout({ sid }, { omit: ['jti'] }), /missing required "jti"/],
    ['with a numeric jti', (sid) => logout({ sid, jti: 42 as unknown as string }), /jti must be a non-empty string/],
    ['without events', (sid) => logout({ sid }, { omit: ['events'] }), /events must hold/],
    ['without the back-channel logout event', (sid) => logout({ sid, events: { 'https://example.com/other': {} } }), /events must hold/],
    ['with the event as a string', (sid) => logout({ sid, events: { [BCL_EVENT]: 'yes' } }), /events must hold/],
    ['with the event as an array', (sid) => logout({ sid, events: { [BCL_EVENT]: [] } }), /events must hold/],
    ['with a nonce', (sid) => logout({ sid, nonce: 'n-1' }), /must not contain a nonce/],
    ['with neither sid nor sub', () => logout({}), /neither sid nor sub/],
    ['with a numeric sid', () => logout({ sid: 7 as unknown as string }), /sid must be a non-empty string/],
    ['typed JWT (an ID token type)', (sid) => logout({ sid }, { header: { typ: 'JWT' } }), /"typ"/],
    ['typed at+jwt', (sid) => logout({ sid }, { header: { typ: 'at+jwt' } }), /"typ"/],
    ['an ID token', (sid) => signSession({ aud: CLIENT_ID, sid, nonce: 'n-2' }, { key }), /"typ"/],
    ['not a JWT', () => 'not-a-token', /not a compact signed JWT/],
    ['encrypted (five segments)', () => 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', /not a compact signed JWT/],
    ['too long', async (sid) => `${await logout({ sid })}${'A'.repeat(9000)}`, /not a compact signed JWT/],
    ['empty', () => '', /No token was sent/],
    ['missing', () => undefined, /No token was sent/],
    ['sent twice', (sid) => logout({ sid }), /sent more than once/, { body: 'logout_token=a&logout_token=b' }],
    ['sent as JSON', (sid) => logout({ sid }), /must be application\/x-www-form-urlencoded/, { contentType: 'application/json' }],
  ];

  // Every row with three members: jest counts a callback's parameters to tell `done`-style tests.
  it.each(cases.map(([name, make, description, init]): Required<Case> => [name, make, description, init ?? {}]))('refuses a logout token %s: 400 invalid_request naming why, no-store, nothing revoked', async (_name, make, description, init) => {
    const sid = `S-bad-${randomUUID()}`;
    const token = await make(sid);
    const body = init.contentType === 'application/json' ? JSON.stringify({ logout_token: token }) : init.body;
    const answer = await post(token, { ...init, ...(body !== undefined && { body }) });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(description) });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    if (token) expect(JSON.stringify(answer.body)).not.toContain(token.split('.')[2] || token);
    expect((await me({ sub: 'U1', sid })).status).toBe(200);
  });

  it('logoutUser: a token naming sid and sub ends every session of the user (session tokens without the provider sid)', async () => {
    const token = await signSession({ sub: 'U7', jti: 'access-token-id', iat: now() - 30 }, { key });
    expect((await call(`${userWide.url}/me`, { token })).status).toBe(200);
    expect((await postLogoutToken(`${userWide.url}/idp/logout`, await logout({ sub: 'U7', sid: 'provider-session' }))).status).toBe(200);
    expect(await call(`${userWide.url}/me`, { token })).toMatchObject({ status: 401, body: { reason: 'token_revoked' } });
  });

  it('answers only POST', async () => {
    expect((await call(`${app.url}${PATH}`)).status).toBe(404);
  });

  it('has no route when the option is not set', async () => {
    expect((await postLogoutToken(`${plain.url}${PATH}`, await logout({ sid: 'S-x' }))).status).toBe(404);
  });
});

describe('back-channel logout with server-side sessions', () => {
  it('ends the server-side sessions of the provider session (sid) or of the user (sub)', async () => {
    const key = await makeKey('ES256');
    const app = await onAdapter('express').startApp(
      { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, clientId: CLIENT_ID, serverSessions: true, backchannelLogout: true },
      [MeController],
    );
    try {
      const manager = app.app.get<ServerSessionManager>(SERVER_SESSION_MANAGER);
      for (const providerSessionId of ['P1', 'P2']) {
        await manager.create({ userId: 'U1', issuer: ISSUER, sessionToken: await signSession({ sub: 'U1', sid: providerSessionId }, { key }), providerSessionId });
      }
      const left = async () => (await manager.list('U1')).map((record) => record.providerSessionId).sort();
      expect(await left()).toEqual(['P1', 'P2']);

      expect((await postLogoutToken(`${app.url}${PATH}`, await signLogoutToken({ sub: 'U1', sid: 'P1' }, CLIENT_ID, { key }))).status).toBe(200);
      expect(await left()).toEqual(['P2']);
      expect((await postLogoutToken(`${app.url}${PATH}`, await signLogoutToken({ sub: 'U1' }, CLIENT_ID, { key }))).status).toBe(200);
      expect(await left()).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
