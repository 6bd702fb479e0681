import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  clearedSessionCookieHeaders,
  clearSessionCookies,
  SessionConfigError,
  sessionCookieHeaders,
  setSessionCookies,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { configErrorOf } from '../support/session-error.js';

const NOW = Date.UTC(2026, 0, 1);
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';

describe('session cookie helpers', () => {
  it('builds HttpOnly, Secure, SameSite=Strict cookies with Max-Age from the tokens', () => {
    const headers = sessionCookieHeaders(
      { sessionToken: 'a.b.c', expiresAt: new Date(NOW + 600_000), refreshToken: 'r/t+1=', refreshExpiresAt: new Date(NOW + 86_400_000) },
      { refreshCookiePath: '/auth' },
      NOW,
    );
    expect(headers).toEqual([
      'DS=a.b.c; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Strict',
      'DSR=r%2Ft%2B1%3D; Path=/auth; Max-Age=86400; HttpOnly; Secure; SameSite=Strict',
    ]);
    expect(sessionCookieHeaders({ sessionToken: 'x', expiresAt: new Date(NOW - 1) }, { sessionCookieName: 'S', domain: 'example.com' }, NOW)).toEqual([
      'S=x; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=example.com; HttpOnly; Secure; SameSite=Strict',
    ]);
    expect(clearedSessionCookieHeaders({ refreshCookiePath: '/auth' })).toEqual([
      'DS=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
      'DSR=; Path=/auth; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
    ]);
  });

  it('refuses names, paths and domains that would inject attributes', () => {
    const tokens = { sessionToken: 'x', expiresAt: new Date(NOW + 1000) };
    expect(() => sessionCookieHeaders(tokens, { sessionCookieName: 'DS; Domain=evil' })).toThrow(TypeError);
    expect(() => sessionCookieHeaders(tokens, { path: '/; HttpOnly=false' })).toThrow(TypeError);
    expect(() => sessionCookieHeaders(tokens, { domain: 'a.com; Secure' })).toThrow(TypeError);
    expect(() => sessionCookieHeaders({ ...tokens, refreshToken: 'r' })).toThrow(/refreshExpiresAt/);
  });

  it('adds to the Set-Cookie headers already on a Node response', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('Set-Cookie', 'theme=dark');
      setSessionCookies(res, { sessionToken: 's', expiresAt: new Date(Date.now() + 60_000), refreshToken: 'r', refreshExpiresAt: new Date(Date.now() + 120_000) });
      clearSessionCookies(res, { sessionCookieName: 'OLD', refreshCookieName: 'OLDR' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(response.headers.getSetCookie().map((line) => line.split(';')[0])).toEqual(['theme=dark', 'DS=s', 'DSR=r', 'OLD=', 'OLDR=']);
    } finally {
      server.close();
    }
  });
});

describe('session lifecycle options, checked at start-up', () => {
  const base: SessionModuleOptions = { issuer: 'https://idp.example/P2abc', publicKey: PEM };

  const failure = (options: Partial<SessionModuleOptions> & Record<string, unknown>): SessionConfigError =>
    configErrorOf(() => new SessionOptions({ ...base, ...options } as SessionModuleOptions));

  it('has safe defaults: CSRF on, no automatic refresh, in-memory revocations failing closed', () => {
    const options = new SessionOptions(base);
    expect(options.csrf).toEqual({ allowedOrigins: new Set(), header: 'x-requested-with' });
    expect(options.lifecycle).toMatchObject({ autoRefresh: false, sessionTokenFrom: 'access_token', client: { method: 'none' }, maxSessionLifetimeMs: 2_592_000_000 });
    expect(options.revocation.failOpen).toBe(false);
    expect(options.revocation.store.constructor.name).toBe('InMemoryRevocationStore');
    expect(options.cookies).toEqual({ sessionCookieName: 'DS', refreshCookieName: 'DSR', path: '/', refreshCookiePath: '/' });
    expect(new SessionOptions({ ...base, clientId: 'c', clientSecret: 's' }).lifecycle.client.method).toBe('client_secret_basic');
  });

  it.each<[string, Record<string, unknown>]>([
    ['tokenEndpoint', { issuer: 'P2abc', autoRefresh: true }],
    ['tokenEndpoint', { tokenEndpoint: 'http://idp.example/token' }],
    ['clientSecret', { clientSecret: 'only-a-secret' }],
    ['clientSecret', { clientId: 'c', clientAuthMethod: 'client_secret_post' }],
    ['clientSecret', { clientId: 'c', clientSecret: 's', clientAuthMethod: 'none' }],
    ['clientAuthMethod', { clientId: 'c', clientAuthMethod: 'private_key_jwt' }],
    ['sessionTokenFrom', { sessionTokenFrom: 'refresh_token' }],
    ['autoRefresh', { autoRefresh: 'yes' }],
    ['autoRefresh', { autoRefresh: true, cookieName: false }],
    ['maxSessionLifetime', { maxSessionLifetime: 0 }],
    ['revocationStore', { revocationStore: { isRevoked: () => false } }],
    ['revocationFailOpen', { revocationFailOpen: 'true' }],
    ['csrf', { csrf: 'on' }],
    ['csrf.allowedOrigins', { csrf: { allowedOrigins: ['not an origin'] } }],
    ['csrf.header', { csrf: { header: 'bad header' } }],
    ['csrf.origins', { csrf: { origins: [] } }],
    ['refreshCookiePath', { refreshCookiePath: 'auth' }],
  ])('refuses a bad %s', (option, input) => {
    expect(failure(input).option).toBe(option);
  });
});
