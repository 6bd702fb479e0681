import { Body, Controller, Injectable, Module, Post } from '@nestjs/common';
import { isSessionError, Public, SessionModule, SessionService, type Session } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';

/** A provider in a feature module that does not import SessionModule: the module is global. */
@Injectable()
class AccessReport {
  constructor(readonly sessions: SessionService) {}

  async report(token: string, tenantId: string, roles: string[], permissions: string[]) {
    const session = await this.sessions.validateSession(token);
    return {
      validateRoles: this.sessions.validateRoles(session, roles),
      validatePermissions: this.sessions.validatePermissions(session, permissions),
      validateTenantRoles: this.sessions.validateTenantRoles(session, tenantId, roles),
      validateTenantPermissions: this.sessions.validateTenantPermissions(session, tenantId, permissions),
      getMatchedRoles: this.sessions.getMatchedRoles(session, roles),
      getMatchedPermissions: this.sessions.getMatchedPermissions(session, permissions),
      getMatchedTenantRoles: this.sessions.getMatchedTenantRoles(session, tenantId, roles),
      getMatchedTenantPermissions: this.sessions.getMatchedTenantPermissions(session, tenantId, permissions),
    };
  }
}

interface ReportRequest {
  token: string;
  tenantId: string;
  roles: string[];
  permissions: string[];
}

@Controller('report')
class AccessReportController {
  constructor(private readonly reports: AccessReport) {}

  /** Public: the token travels in the body and is checked by hand through the service. */
  @Public() @Post()
  async report(@Body() body: ReportRequest) {
    try {
      return await this.reports.report(body.token, body.tenantId, body.roles, body.permissions);
    } catch (error) {
      return { refused: isSessionError(error) ? error.reason : 'not a SessionError' };
    }
  }
}

@Module({ providers: [AccessReport], controllers: [AccessReportController], exports: [AccessReport] })
class ReportsModule {}

describe.each(HTTP_ADAPTERS)('SessionService through DI in a real app (%s)', (adapter) => {
  const { startNestApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  let service: SessionService;
  let session: Session;
  let token: string;
  const claims = {
    sub: 'U-svc',
    sid: 'S-1',
    aud: ['app-1', 'app-2'],
    amr: ['pwd', 'mfa'],
    dct: 't1',
    roles: ['admin', 'editor'],
    permissions: ['read', 'write'],
    tenants: { t1: { roles: ['owner'], permissions: ['billing'] }, t2: { roles: [], permissions: [] } },
  };
  const report = (body: Partial<ReportRequest>) =>
    call(`${app.url}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, tenantId: 't1', roles: [], permissions: [], ...body }) });

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startNestApp({
      imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }), ReportsModule],
    });
    service = app.app.get(SessionService);
    token = await signSession(claims, { key });
    session = await service.validateSession(token);
  });
  afterAll(() => app.close());

  it('is one instance, injected into providers of modules that do not import SessionModule', () => {
    expect(app.app.get(AccessReport, { strict: false }).sessions).toBe(service);
  });

  describe('validateSession', () => {
    it('builds the normalized Session', () => {
      expect(session).toEqual({
        userId: 'U-svc',
        sessionId: 'S-1',
        issuer: ISSUER,
        audience: ['app-1', 'app-2'],
        issuedAt: expect.any(Date),
        expiresAt: expect.any(Date),
        authMethods: ['pwd', 'mfa'],
        currentTenant: 't1',
        roles: ['admin', 'editor'],
        permissions: ['read', 'write'],
        tenants: { t1: { roles: ['owner'], permissions: ['billing'] }, t2: { roles: [], permissions: [] } },
        claims: expect.objectContaining({ sub: 'U-svc', iss: ISSUER }),
        token,
      });
      expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now());
    });

    it('gives an immutable session', () => {
      expect(Object.isFrozen(session)).toBe(true);
      expect(Object.isFrozen(session.roles)).toBe(true);
      expect(Object.isFrozen(session.tenants)).toBe(true);
      expect(Object.isFrozen(session.claims)).toBe(true);
      expect(() => (session.roles as string[]).push('superadmin')).toThrow(TypeError);
    });

    it('takes jti as the session id when there is no sid', async () => {
      expect((await service.validateSession(await signSession({ jti: 'J-1' }, { key }))).sessionId).toBe('J-1');
    });

    it('throws a SessionError with the reason', async () => {
      const expired = await signSession({}, { key, expiresIn: -3600 });
      await expect(service.validateSession(expired)).rejects.toMatchObject({ name: 'SessionError', reason: 'token_expired', status: 401 });
      await expect(service.validateSession('garbage')).rejects.toMatchObject({ reason: 'token_malformed' });
      await expect(service.validateSession(`${token.slice(0, -4)}AAAA`)).rejects.toMatchObject({ reason: 'signature_invalid' });
    });

    it('works from a handler over HTTP, and refuses there with the reason', async () => {
      const answer = await report({ roles: ['admin'] });
      expect(answer.status).toBe(201);
      expect(answer.body.validateRoles).toBe(true);
      expect((await report({ token: await signSession({}, { key, expiresIn: -3600 }) })).body).toEqual({ refused: 'token_expired' });
    });

    it('a string where a list belongs (roles: "admin" in a request body) is a TypeError, never validateRoles: true', async () => {
      const answer = await report({ roles: 'owner' as never });
      expect(answer.body).toEqual({ refused: 'not a SessionError' });
      expect(() => service.validateRoles(session, 'owner' as never)).toThrow(TypeError);
    });
  });

  describe('the eight helpers', () => {
    it('validateRoles / validatePermissions: all of them, at the top level', () => {
      expect(service.validateRoles(session, ['admin', 'editor'])).toBe(true);
      expect(service.validateRoles(session, ['admin'])).toBe(true);
      expect(service.validateRoles(session, ['admin', 'ghost'])).toBe(false);
      expect(service.validateRoles(session, ['owner'])).toBe(false);
      expect(service.validatePermissions(session, ['read', 'write'])).toBe(true);
      expect(service.validatePermissions(session, ['read', 'delete'])).toBe(false);
      expect(service.validatePermissions(session, ['billing'])).toBe(false);
    });

    it('an empty list to validate is true', () => {
      expect(service.validateRoles(session, [])).toBe(true);
      expect(service.validatePermissions(session, [])).toBe(true);
      expect(service.validateTenantRoles(session, 't1', [])).toBe(true);
      expect(service.validateTenantPermissions(session, 't2', [])).toBe(true);
    });

    it('validateTenantRoles / validateTenantPermissions: all of them, in that tenant only', () => {
      expect(service.validateTenantRoles(session, 't1', ['owner'])).toBe(true);
      expect(service.validateTenantRoles(session, 't1', ['owner', 'admin'])).toBe(false);
      expect(service.validateTenantRoles(session, 't2', ['owner'])).toBe(false);
      expect(service.validateTenantPermissions(session, 't1', ['billing'])).toBe(true);
      expect(service.validateTenantPermissions(session, 't1', ['read'])).toBe(false);
    });

    it('an unknown tenant is false, even for an empty list, and never throws', () => {
      for (const tenantId of ['t9', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        expect(service.validateTenantRoles(session, tenantId, [])).toBe(false);
        expect(service.validateTenantPermissions(session, tenantId, [])).toBe(false);
        expect(service.validateTenantRoles(session, tenantId, ['owner'])).toBe(false);
        expect(service.getMatchedTenantRoles(session, tenantId, ['owner'])).toEqual([]);
        expect(service.getMatchedTenantPermissions(session, tenantId, ['billing'])).toEqual([]);
      }
    });

    it('getMatchedRoles / getMatchedPermissions: those asked that the session has, in the order asked', () => {
      expect(service.getMatchedRoles(session, ['ghost', 'editor', 'admin'])).toEqual(['editor', 'admin']);
      expect(service.getMatchedRoles(session, ['owner'])).toEqual([]);
      expect(service.getMatchedRoles(session, [])).toEqual([]);
      expect(service.getMatchedPermissions(session, ['write', 'delete'])).toEqual(['write']);
    });

    it('getMatchedTenantRoles / getMatchedTenantPermissions: in that tenant only', () => {
      expect(service.getMatchedTenantRoles(session, 't1', ['owner', 'admin'])).toEqual(['owner']);
      expect(service.getMatchedTenantPermissions(session, 't1', ['billing', 'read'])).toEqual(['billing']);
      expect(service.getMatchedTenantRoles(session, 't2', ['owner'])).toEqual([]);
    });

    it('give the same answers from a handler over HTTP', async () => {
      const answer = await report({ tenantId: 't1', roles: ['admin', 'owner'], permissions: ['read', 'billing'] });
      expect(answer.body).toEqual({
        validateRoles: false,
        validatePermissions: false,
        validateTenantRoles: false,
        validateTenantPermissions: false,
        getMatchedRoles: ['admin'],
        getMatchedPermissions: ['read'],
        getMatchedTenantRoles: ['owner'],
        getMatchedTenantPermissions: ['billing'],
      });
      const unknown = await report({ tenantId: 't9', roles: [], permissions: [] });
      expect(unknown.body).toEqual({
        validateRoles: true,
        validatePermissions: true,
        validateTenantRoles: false,
        validateTenantPermissions: false,
        getMatchedRoles: [],
        getMatchedPermissions: [],
        getMatchedTenantRoles: [],
        getMatchedTenantPermissions: [],
      });
    });
  });
});
