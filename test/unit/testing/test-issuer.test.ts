import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CurrentSession, Public, Roles, SESSION_MODULE_OPTIONS, SessionModule, Tenant, type Session, type TenantContext } from '../../../lib/index.js';
import { TestIssuer } from '../../../lib/testing/index.js';
import { call, startApp, type TestApp } from '../../support/app.js';

@Controller()
class KitController {
  @Public() @Get('health') health() { return { ok: true }; }
  @Get('me') me(@CurrentSession() session: Session) { return { userId: session.userId, roles: session.roles, sessionId: session.sessionId }; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
  @Roles('editor') @Get('tenants/:tenantId/projects') projects(@Tenant() tenant: TenantContext) { return { tenant: tenant.id }; }
}

/** The testing kit as an application's e2e test uses it: a real app trusting the kit's issuer. */
describe('nestjs-jwt-session/testing: TestIssuer', () => {
  let issuer: TestIssuer;
  let app: TestApp;

  beforeAll(async () => {
    issuer = await TestIssuer.create();
    app = await startApp(issuer.moduleOptions(), [KitController]);
  });
  afterAll(() => app.close());

  it('mints a token the module accepts: 401 without it, 200 with it, sub user-1 by default', async () => {
    expect((await call(`${app.url}/me`)).status).toBe(401);
    const answer = await call(`${app.url}/me`, { token: await issuer.mint() });
    expect(answer).toMatchObject({ status: 200, body: { userId: 'user-1', roles: [] } });
  });

  it('carries Descope claims: top-level roles (403 without, 200 with), tenant grants, sid', async () => {
    expect((await call(`${app.url}/admin`, { token: await issuer.mint({ roles: ['viewer'] }) })).body).toMatchObject({ reason: 'missing_roles' });
    expect((await call(`${app.url}/admin`, { token: await issuer.mint({ roles: ['admin'] }) })).status).toBe(200);
    const tenantToken = await issuer.mint({ sub: 'user-7', sid: 'S1', tenants: { T1: { roles: ['editor'] }, T2: { roles: ['viewer'] } } });
    expect(await call(`${app.url}/tenants/T1/projects`, { token: tenantToken })).toMatchObject({ status: 200, body: { tenant: 'T1' } });
    expect((await call(`${app.url}/tenants/T2/projects`, { token: tenantToken })).body).toMatchObject({ reason: 'missing_roles' });
    expect((await call(`${app.url}/me`, { token: tenantToken })).body).toMatchObject({ userId: 'user-7', sessionId: 'S1' });
  });

  it('dates tokens: exp 600 s from now by default, a negative expiresIn is expired, a future notBefore is not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = decodeJwt(await issuer.mint());
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(Math.abs(payload.iat! - now)).toBeLessThanOrEqual(2);
    expect(payload.nbf).toBeUndefined();
    expect(decodeJwt(await issuer.mint({}, { expiresIn: 30 })).exp! - now).toBeLessThanOrEqual(32);
    expect((await call(`${app.url}/me`, { token: await issuer.mint({}, { expiresIn: -60 }) })).body).toMatchObject({ reason: 'token_expired' });
    expect((await call(`${app.url}/me`, { token: await issuer.mint({}, { notBefore: 120 }) })).body).toMatchObject({ reason: 'token_not_yet_valid' });
    expect((await call(`${app.url}/me`, { token: await issuer.mint({}, { notBefore: -10 }) })).status).toBe(200);
  });

  it('lets claims override the registered ones it sets (a foreign iss is refused)', async () => {
    expect(decodeJwt(await issuer.mint({ iat: 1000, exp: 2000 }))).toMatchObject({ iat: 1000, exp: 2000 });
    expect((await call(`${app.url}/me`, { token: await issuer.mint({ iss: 'someone-else' }) })).body).toMatchObject({ reason: 'issuer_mismatch' });
  });

  it('heads tokens with alg, kid and typ JWT; header adds or overrides (tokenType in moduleOptions(extra))', async () => {
    const header = decodeProtectedHeader(await issuer.mint());
    expect(header).toEqual({ alg: 'ES256', kid: issuer.jwks.keys[0]!.kid, typ: 'JWT' });
    const strict = await startApp(issuer.moduleOptions({ tokenType: 'at+jwt' }), [KitController]);
    try {
      expect((await call(`${strict.url}/me`, { token: await issuer.mint() })).status).toBe(401);
      expect((await call(`${strict.url}/me`, { token: await issuer.mint({}, { header: { typ: 'at+jwt' } }) })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('publishes public keys only, and gives no network key source', () => {
    expect(issuer.jwks.keys).toHaveLength(1);
    const [key] = issuer.jwks.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
    const options = issuer.moduleOptions({ audience: 'api' });
    expect(options).toEqual({ issuer: 'test-issuer', jwks: issuer.jwks, audience: 'api' });
    expect(options).not.toHaveProperty('jwksUri');
    expect(options).not.toHaveProperty('discovery');
  });

  it('takes an issuer name and another asymmetric algorithm; two issuers do not trust each other', async () => {
    const other = await TestIssuer.create({ issuer: 'https://idp.test/P2other', alg: 'EdDSA' });
    expect(other.issuer).toBe('https://idp.test/P2other');
    expect(decodeJwt(await other.mint())).toMatchObject({ iss: 'https://idp.test/P2other', sub: 'user-1' });
    expect(decodeProtectedHeader(await other.mint()).alg).toBe('EdDSA');
    // Same iss, other keys: the app trusting `issuer` cannot verify the signature.
    const impostor = await TestIssuer.create();
    expect((await call(`${app.url}/me`, { token: await impostor.mint() })).body).toMatchObject({ reason: 'key_not_found' });
  });

  it('refuses a symmetric or unknown alg and a non-numeric lifetime with a clear error', async () => {
    await expect(TestIssuer.create({ alg: 'HS256' as never })).rejects.toThrow(/asymmetric JWS algorithm/);
    await expect(TestIssuer.create({ alg: 'none' as never })).rejects.toThrow(/asymmetric JWS algorithm/);
    await expect(TestIssuer.create({ issuer: '' })).rejects.toThrow(/issuer must be a non-empty string/);
    await expect(issuer.mint({}, { expiresIn: Number.NaN })).rejects.toThrow(/expiresIn must be a finite number/);
    await expect(issuer.mint({}, { notBefore: '60' as never })).rejects.toThrow(/notBefore must be a finite number/);
  });
});

/** docs/testing.md: the app's own AppModule (production key source) with its options replaced in the testing module. */
describe('nestjs-jwt-session/testing: overriding SESSION_MODULE_OPTIONS of a real AppModule', () => {
  // A key source nothing listens on: any fetch would end in 503 keys_unavailable, never 200.
  const production = { issuer: 'P2prod', jwksUri: 'http://127.0.0.1:9/.well-known/jwks.json' };

  @Module({ imports: [SessionModule.forRoot(production)], controllers: [KitController] })
  class SyncAppModule {}

  @Module({ imports: [SessionModule.forRootAsync({ useFactory: async () => production })], controllers: [KitController] })
  class AsyncAppModule {}

  it.each([
    ['forRoot', SyncAppModule],
    ['forRootAsync', AsyncAppModule],
  ])('%s: the test issuer\'s tokens pass, and the production key source is never used', async (_name, AppModule) => {
    const issuer = await TestIssuer.create();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SESSION_MODULE_OPTIONS)
      .useValue(issuer.moduleOptions())
      .compile();
    const app: INestApplication = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const url = await app.getUrl();
      expect((await call(`${url}/me`)).body).toMatchObject({ reason: 'token_missing' });
      expect(await call(`${url}/me`, { token: await issuer.mint() })).toMatchObject({ status: 200, body: { userId: 'user-1' } });
      expect((await call(`${url}/admin`, { token: await issuer.mint() })).body).toMatchObject({ reason: 'missing_roles' });
    } finally {
      await app.close();
    }
  });
});
