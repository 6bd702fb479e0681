import 'reflect-metadata';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { JWTPayload } from 'jose';
import {
  CLAIMS_PRESETS,
  CurrentSession,
  RequireClaims,
  Roles,
  SessionError,
  SessionModule,
  SessionService,
  Tenant,
  type Session,
  type SessionModuleOptions,
} from '../../../lib/index.js';
import { call } from '../../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';

@Controller()
class CacheController {
  @Get('me') me(@CurrentSession('userId') userId: string) { return { userId }; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
  @Roles('editor') @Get('tenants/:tenantId/edit') edit(@Tenant('id') tenantId: string) { return { tenantId }; }
  @RequireClaims({ name: 'vip', validate: (session: Session) => session.claims.vip === true }) @Get('vip') vip() { return { vip: true }; }
}

/** Revokes by session id, the way the session-lifecycle store will, through the service's hook. */
@Injectable()
class RevokingSessionService extends SessionService {
  static readonly revoked = new Set<string>();
  protected override checkRevocation(session: Session): void {
    if (session.sessionId !== undefined && RevokingSessionService.revoked.has(session.sessionId)) {
      throw new SessionError('token_revoked');
    }
  }
}

let mapped = 0;
/** The claims mapper runs once per full verification, never on a cache hit. */
function countingClaims(payload: Readonly<JWTPayload>) {
  mapped++;
  return CLAIMS_PRESETS.descope(payload);
}

async function start(options: Omit<SessionModuleOptions, 'issuer'>, revoking = false): Promise<{ app: INestApplication; url: string }> {
  let builder = Test.createTestingModule({
    imports: [SessionModule.forRoot({ issuer: ISSUER, claims: countingClaims, ...options })],
    controllers: [CacheController],
  });
  if (revoking) builder = builder.overrideProvider(SessionService).useClass(RevokingSessionService);
  const app = (await builder.compile()).createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

/** Calls until `done` holds for the answer, or fails after `timeoutMs`. */
async function callUntil(url: string, token: string, done: (status: number) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const statuses: number[] = [];
  for (;;) {
    const answer = await call(url, { token });
    statuses.push(answer.status);
    if (done(answer.status)) return { answer, statuses };
    if (Date.now() > deadline) throw new Error(`still answering ${answer.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the verified-session cache, over HTTP', () => {
  let key: TestKey;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    key = await makeKey('ES256');
  });
  beforeEach(() => {
    mapped = 0;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('serves a token seen before from the cache, and refuses it once it has expired', async () => {
    const started = await start({ jwks: { keys: [key.publicJwk] }, clockTolerance: 0 });
    app = started.app;
    const token = await signSession({}, { key, expiresIn: 2 });
    expect((await call(`${started.url}/me`, { token })).status).toBe(200);
    expect((await call(`${started.url}/me`, { token })).body).toEqual({ userId: 'U1' });
    expect(mapped).toBe(1);

    const { answer, statuses } = await callUntil(`${started.url}/me`, token, (status) => status !== 200, 5_000);
    expect(answer.status).toBe(401);
    expect(answer.body.reason).toBe('token_expired');
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // Every answer before the refusal came from the cache.
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(mapped).toBe(1);
  });

  it('still checks roles, tenant and claim validators on every request with a cached session', async () => {
    const started = await start({ jwks: { keys: [key.publicJwk] } });
    app = started.app;
    const token = await signSession({ roles: ['user'], vip: false, tenants: { T1: { roles: ['editor'] }, T2: { roles: ['viewer'] } } }, { key });
    for (let round = 0; round < 2; round++) {
      expect((await call(`${started.url}/me`, { token })).status).toBe(200);
      const admin = await call(`${started.url}/admin`, { token });
      expect([admin.status, admin.body.reason]).toEqual([403, 'missing_roles']);
      expect((await call(`${started.url}/tenants/T1/edit`, { token })).body).toEqual({ tenantId: 'T1' });
      const viewer = await call(`${started.url}/tenants/T2/edit`, { token });
      expect([viewer.status, viewer.body.reason]).toEqual([403, 'missing_roles']);
      const stranger = await call(`${started.url}/tenants/T9/edit`, { token });
      expect([stranger.status, stranger.body.reason]).toEqual([403, 'tenant_not_member']);
      const vip = await call(`${started.url}/vip`, { token });
      expect([vip.status, vip.body.reason]).toEqual([403, 'claims_failed']);
    }
    expect(mapped).toBe(1);
  });

  it('checks revocation on a cache hit', async () => {
    const started = await start({ jwks: { keys: [key.publicJwk] } }, true);
    app = started.app;
    const token = await signSession({ sid: 'S-cached' }, { key });
    expect((await call(`${started.url}/me`, { token })).status).toBe(200);
    expect((await call(`${started.url}/me`, { token })).status).toBe(200);
    RevokingSessionService.revoked.add('S-cached');
    const refused = await call(`${started.url}/me`, { token });
    expect([refused.status, refused.body.reason]).toEqual([401, 'token_revoked']);
    expect(mapped).toBe(1);
  });

  it('with sessionCache: false, every request is verified in full', async () => {
    const started = await start({ jwks: { keys: [key.publicJwk] }, sessionCache: false });
    app = started.app;
    const token = await signSession({}, { key });
    for (let i = 0; i < 3; i++) expect((await call(`${started.url}/me`, { token })).status).toBe(200);
    expect(mapped).toBe(3);
  });

  it('refused tokens do not push verified ones out of a full cache', async () => {
    const started = await start({ jwks: { keys: [key.publicJwk] }, sessionCache: { maxEntries: 2 } });
    app = started.app;
    const kept = [await signSession({ sub: 'A' }, { key }), await signSession({ sub: 'B' }, { key })];
    for (const token of kept) expect((await call(`${started.url}/me`, { token })).status).toBe(200);
    const stranger = await makeKey('ES256', key.kid);
    for (let i = 0; i < 10; i++) {
      const forged = await signSession({ sub: `X${i}` }, { key: stranger });
      expect((await call(`${started.url}/me`, { token: forged })).body.reason).toBe('signature_invalid');
    }
    for (const token of kept) expect((await call(`${started.url}/me`, { token })).status).toBe(200);
    expect(mapped).toBe(2);
  });
});
