import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeProtectedHeader } from 'jose';
import {
  CurrentSession,
  Permissions,
  ProviderDirectory,
  Roles,
  SessionConfigError,
  SessionModule,
  type Session,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { call, type TestApp } from '../support/app.js';
import { CapturingLogger } from '../support/log-capture.js';
import { compileModule, startNestApp } from '../support/nest-app.js';
import { makeSigningKey, OidcProviderServer, RESOURCE } from '../support/oidc-provider.js';
import { expectRefusal } from '../support/refusal.js';

@Controller()
class OrdersController {
  @Permissions('orders:read')
  @Get('orders')
  orders(@CurrentSession() session: Session) {
    return { userId: session.userId, issuer: session.issuer, roles: session.roles, permissions: session.permissions };
  }

  @Permissions('orders:write')
  @Get('orders/write')
  write() {
    return { written: true };
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { admin: true };
  }
}

const DISCOVERY = '/.well-known/openid-configuration';
const JWKS = '/jwks';

/** Waits for a condition (a bounded number of tries, no fixed sleep). */
async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('against a real OpenID provider (oidc-provider, JWT access tokens)', () => {
  let op: OidcProviderServer;
  const apps: TestApp[] = [];

  /** The options an application would write for this provider. */
  const options = (extra: Partial<SessionModuleOptions> = {}): SessionModuleOptions => ({
    issuer: op.issuer,
    audience: RESOURCE,
    discovery: true,
    claims: 'oidc',
    tokenType: 'at+jwt',
    ...extra,
  });

  async function startGuardedApp(extra: Partial<SessionModuleOptions> = {}, logger = new CapturingLogger()) {
    const app = await startNestApp({ imports: [SessionModule.forRoot(options(extra))], controllers: [OrdersController] }, { logger });
    apps.push(app);
    return { app, logger, get: (path: string, token?: string) => call(`${app.url}${path}`, token === undefined ? {} : { token }) };
  }

  beforeAll(async () => {
    op = await new OidcProviderServer({ extraTokenClaims: { roles: ['reader'] } }).start();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await op.stop();
  });

  describe('discovery, tokens, the oidc preset and at+jwt', () => {
    let api: Awaited<ReturnType<typeof startGuardedApp>>;
    beforeAll(async () => {
      api = await startGuardedApp();
    });

    it('accepts a client_credentials token, mapping scope and roles with the oidc preset', async () => {
      const { access_token: token } = await op.clientCredentialsToken('orders:read');
      expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', kid: op.signingKid });
      const answer = await api.get('/orders', token);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ userId: 'orders-service', issuer: op.issuer, roles: ['reader'], permissions: ['orders:read'] });
      expectRefusal(await api.get('/orders/write', token), 403, 'missing_permissions');
      expectRefusal(await api.get('/admin', token), 403, 'missing_roles');
    });

    it("accepts a user's token from the authorization code flow, and the refreshed one", async () => {
      const tokens = await op.authorizationCodeTokens('user-42');
      expect((await api.get('/orders', tokens.access_token)).body).toMatchObject({ userId: 'user-42', permissions: ['orders:read', 'orders:write'] });
      const refreshed = await op.refresh(tokens.refresh_token!);
      expect((await api.get('/orders/write', refreshed.access_token)).status).toBe(200);
    });

    it('read the discovery document and the key set once for all those requests', () => {
      expect(op.hitsOf(DISCOVERY)).toBe(1);
      expect(op.hitsOf(JWKS)).toBe(1);
    });

    it('refuses what is not an access token for this API: an ID token (typ JWT), a tampered token', async () => {
      const { id_token: idToken, access_token: accessToken } = await op.authorizationCodeTokens();
      expectRefusal(await api.get('/orders', idToken!), 401, 'claim_invalid');
      const [header, payload] = accessToken.split('.');
      const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
      expectRefusal(await api.get('/orders', forged), 401, 'signature_invalid');
    });

    it("exposes the provider's endpoints for the session life cycle", async () => {
      const metadata = await api.app.app.get(ProviderDirectory).metadata();
      expect(metadata).toMatchObject({
        issuer: op.issuer,
        tokenEndpoint: op.tokenEndpoint,
        revocationEndpoint: `${op.issuer}/token/revocation`,
        introspectionEndpoint: `${op.issuer}/token/introspection`,
      });
      expect(metadata.jwksUri.href).toBe(op.jwksUri);
      expect(op.hitsOf(DISCOVERY)).toBe(1);
    });
  });

  describe('keys over time: rotation, outage, restart with new keys', () => {
    let api: Awaited<ReturnType<typeof startGuardedApp>>;
    let beforeOutage: string;
    beforeAll(async () => {
      // A short key cache life, so that the outage is met on a refetch as it would be after 10
      // minutes; no verified-session cache, so that every request goes to the keys.
      api = await startGuardedApp({ jwksCacheMaxAgeMs: 50, jwksCooldownMs: 0, sessionCache: false });
    });

    it('picks up a key rotation: the new kid is fetched, tokens of the old key stay valid', async () => {
      const old = (await op.clientCredentialsToken()).access_token;
      expect((await api.get('/orders', old)).status).toBe(200);
      await op.rotate([await makeSigningKey('rotated'), ...op.signingKeys]);
      const rotated = (await op.clientCredentialsToken()).access_token;
      expect(decodeProtectedHeader(rotated).kid).toBe('rotated');
      expect((await api.get('/orders', rotated)).status).toBe(200);
      expect((await api.get('/orders', old)).status).toBe(200);
      beforeOutage = rotated;
    });

    it('keeps serving from the cached keys while the provider is down, with one warning for the outage', async () => {
      await op.stop();
      const warnings = () => api.logger.at('warn').filter((entry) => /are unavailable/.test(entry.message));
      // Each request past the cache age tries the endpoint; keep asking until one has met the outage.
      const answers: number[] = [];
      await eventually(
        async () => answers.push((await api.get('/orders', beforeOutage)).status),
        () => warnings().length > 0,
      );
      for (let i = 0; i < 5; i++) answers.push((await api.get('/orders', beforeOutage)).status);
      expect(new Set(answers)).toEqual(new Set([200]));
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]!.message).toMatch(/serving the last keys fetched/);
    });

    it('accepts the new kid once the provider is back with new keys', async () => {
      await op.start([await makeSigningKey('after-restart')]);
      const token = (await op.clientCredentialsToken()).access_token;
      expect(decodeProtectedHeader(token).kid).toBe('after-restart');
      expect((await api.get('/orders', token)).status).toBe(200);
      expect(api.logger.at('log').some((entry) => /available again/.test(entry.message))).toBe(true);
      // The keys it no longer publishes verify nothing any more.
      expectRefusal(await api.get('/orders', beforeOutage), 401, 'key_not_found');
    });
  });

  describe('started cold while the provider is down', () => {
    it('answers 503 keys_unavailable, then accepts tokens once the provider is up', async () => {
      const token = (await op.clientCredentialsToken()).access_token;
      await op.stop();
      const api = await startGuardedApp({ jwksCooldownMs: 0 });
      expectRefusal(await api.get('/orders', token), 503, 'keys_unavailable');
      expectRefusal(await api.get('/orders', token), 503, 'keys_unavailable');
      expect(api.logger.at('warn').filter((entry) => /discovery of .* unavailable/.test(entry.message))).toHaveLength(1);
      await op.start();
      expect((await api.get('/orders', token)).status).toBe(200);
    });

    it("prefetchKeys: 'required' stops start-up; prefetchKeys: true starts and warns", async () => {
      await op.stop();
      try {
        const metadata = { imports: [SessionModule.forRoot(options({ prefetchKeys: 'required' }))], controllers: [OrdersController] };
        await expect(compileModule(metadata)).rejects.toThrow(SessionConfigError);
        // The warning is logged while the module compiles, before the app has its own logger.
        const logger = new CapturingLogger();
        const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot(options({ prefetchKeys: true }))] }).setLogger(logger).compile();
        await moduleRef.close();
        expect(logger.at('warn').map((entry) => entry.message)).toEqual([expect.stringMatching(/^Keys from discovery of http:\/\/127\.0\.0\.1:\d+ are unavailable/)]);
      } finally {
        await op.start();
      }
    });

    it('prefetchKeys: true warms discovery and keys at start-up, before any token', async () => {
      const before = { discovery: op.hitsOf(DISCOVERY), jwks: op.hitsOf(JWKS) };
      await startGuardedApp({ prefetchKeys: true });
      expect(op.hitsOf(DISCOVERY)).toBe(before.discovery + 1);
      expect(op.hitsOf(JWKS)).toBe(before.jwks + 1);
    });
  });
});
