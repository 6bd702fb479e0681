import { Controller, Get } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { CurrentSession, Permissions, RequireTenant, Roles, Tenant, type Session, type TenantContext } from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';

/** What a handler saw: the tenant `@Tenant()` gave and the one the session says was resolved. */
function seen(tenant: TenantContext | undefined, session: Session) {
  return { tenant: tenant?.id ?? null, sessionTenantId: session.tenantId ?? null };
}

@Controller()
class TenantController {
  @Get('tenants/:tenantId/whoami')
  byParam(@Tenant() tenant: TenantContext | undefined, @CurrentSession() session: Session) { return seen(tenant, session); }

  @Get('whoami')
  plain(@Tenant() tenant: TenantContext | undefined, @CurrentSession() session: Session) { return seen(tenant, session); }

  @Roles('admin') @Get('tenants/:tenantId/admin')
  adminByParam(@Tenant() tenant: TenantContext | undefined, @CurrentSession() session: Session) { return seen(tenant, session); }

  @Roles('admin') @Get('admin')
  admin(@Tenant() tenant: TenantContext | undefined, @CurrentSession() session: Session) { return seen(tenant, session); }

  @Permissions('projects:write') @Get('projects/write')
  write(@Tenant() tenant: TenantContext | undefined, @CurrentSession() session: Session) { return seen(tenant, session); }

  @RequireTenant() @Roles('admin') @Get('scoped-admin')
  scopedAdmin() { return { ok: true }; }

  @RequireTenant() @Get('scoped')
  scoped(@Tenant('id') id: string) { return { tenant: id }; }
}

describe.each(HTTP_ADAPTERS)('tenant resolution over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  const tenants = {
    t1: { roles: ['admin'], permissions: ['projects:write'] },
    t2: { roles: ['viewer'], permissions: ['projects:read'] },
  };
  const tokenFor = (claims: JWTPayload) => signSession(claims, { key });
  const get = (path: string, token: string, headers: Record<string, string> = {}) => call(`${app.url}${path}`, { token, headers });

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }, [TenantController]);
  });
  afterAll(() => app.close());

  describe('order: route parameter, then x-tenant-id, then dct', () => {
    it('the route parameter wins over the header and dct', async () => {
      const token = await tokenFor({ tenants, dct: 't2' });
      const answer = await get('/tenants/t1/whoami', token, { 'x-tenant-id': 't2' });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ tenant: 't1', sessionTenantId: 't1' });
    });

    it('the header wins over dct', async () => {
      const token = await tokenFor({ tenants, dct: 't2' });
      expect((await get('/whoami', token, { 'x-tenant-id': 't1' })).body).toEqual({ tenant: 't1', sessionTenantId: 't1' });
    });

    it('dct applies when the request names no tenant', async () => {
      const token = await tokenFor({ tenants, dct: 't2' });
      expect((await get('/whoami', token)).body).toEqual({ tenant: 't2', sessionTenantId: 't2' });
    });

    it('no tenant resolves without a parameter, a header or dct', async () => {
      expect((await get('/whoami', await tokenFor({ tenants }))).body).toEqual({ tenant: null, sessionTenantId: null });
    });

    it('an empty header names no tenant', async () => {
      const token = await tokenFor({ tenants, dct: 't2' });
      expect((await get('/whoami', token, { 'x-tenant-id': '' })).body).toEqual({ tenant: 't2', sessionTenantId: 't2' });
    });

    it('a dct the session is not a member of resolves nothing (not a refusal)', async () => {
      const token = await tokenFor({ tenants, dct: 't9' });
      expect((await get('/whoami', token)).body).toEqual({ tenant: null, sessionTenantId: null });
    });
  });

  describe('membership', () => {
    it('a tenant named by the route parameter that the session is not a member of is 403 tenant_not_member', async () => {
      expectRefusal(await get('/tenants/t9/whoami', await tokenFor({ tenants })), 403, 'tenant_not_member');
    });

    it('a tenant named by the header that the session is not a member of is 403 tenant_not_member', async () => {
      expectRefusal(await get('/whoami', await tokenFor({ tenants }), { 'x-tenant-id': 't9' }), 403, 'tenant_not_member');
    });

    it('the route parameter is checked even when the header names a tenant the session belongs to', async () => {
      expectRefusal(await get('/tenants/t9/whoami', await tokenFor({ tenants }), { 'x-tenant-id': 't1' }), 403, 'tenant_not_member');
    });

    it('a session without tenants is a member of none', async () => {
      expectRefusal(await get('/whoami', await tokenFor({ roles: ['admin'] }), { 'x-tenant-id': 't1' }), 403, 'tenant_not_member');
    });

    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'])(
      'prototype name %s as a tenant id is never a member',
      async (name) => {
        const token = await tokenFor({ tenants, roles: ['admin'] });
        expectRefusal(await get('/whoami', token, { 'x-tenant-id': name }), 403, 'tenant_not_member');
        expectRefusal(await get(`/tenants/${name}/whoami`, token), 403, 'tenant_not_member');
        expectRefusal(await get(`/tenants/${name}/admin`, token), 403, 'tenant_not_member');
      },
    );

    it('a prototype name as dct resolves nothing', async () => {
      const token = await tokenFor({ tenants, dct: 'constructor' });
      expect((await get('/whoami', token)).body).toEqual({ tenant: null, sessionTenantId: null });
    });
  });

  describe('tenant scope: only tenant-scoped routes read tenant grants', () => {
    it('@Roles is checked against the resolved tenant roles (route parameter)', async () => {
      const token = await tokenFor({ tenants });
      expect((await get('/tenants/t1/admin', token)).status).toBe(200);
      expectRefusal(await get('/tenants/t2/admin', token), 403, 'missing_roles');
    });

    it('the route parameter decides the context even when the header names an admin tenant', async () => {
      expectRefusal(await get('/tenants/t2/admin', await tokenFor({ tenants }), { 'x-tenant-id': 't1' }), 403, 'missing_roles');
    });

    it('top-level roles do not count on a tenant-scoped route', async () => {
      const token = await tokenFor({ tenants, roles: ['admin'] });
      expectRefusal(await get('/tenants/t2/admin', token), 403, 'missing_roles');
      expectRefusal(await get('/scoped-admin', token, { 'x-tenant-id': 't2' }), 403, 'missing_roles');
      expect((await get('/scoped-admin', await tokenFor({ tenants }), { 'x-tenant-id': 't1' })).status).toBe(200);
    });

    it('a tenant admin never passes a platform route, whatever x-tenant-id or dct say', async () => {
      expectRefusal(await get('/admin', await tokenFor({ tenants }), { 'x-tenant-id': 't1' }), 403, 'missing_roles');
      expectRefusal(await get('/admin', await tokenFor({ tenants, dct: 't1' })), 403, 'missing_roles');
      expectRefusal(await get('/admin', await tokenFor({ tenants, dct: 't9' })), 403, 'missing_roles');
    });

    it('a platform route reads the top-level roles, and @Tenant() still reports the tenant that resolves', async () => {
      const platformAdmin = { tenants, roles: ['admin'] };
      expect((await get('/admin', await tokenFor(platformAdmin), { 'x-tenant-id': 't2' })).body).toEqual({ tenant: 't2', sessionTenantId: 't2' });
      expect((await get('/admin', await tokenFor({ ...platformAdmin, dct: 't1' }))).body).toEqual({ tenant: 't1', sessionTenantId: 't1' });
      expect((await get('/admin', await tokenFor(platformAdmin))).body).toEqual({ tenant: null, sessionTenantId: null });
      expectRefusal(await get('/admin', await tokenFor({ tenants })), 403, 'missing_roles');
    });

    it('a tenant named by the request that the session is not a member of is refused on platform routes too', async () => {
      expectRefusal(await get('/admin', await tokenFor({ tenants, roles: ['admin'] }), { 'x-tenant-id': 't9' }), 403, 'tenant_not_member');
    });

    it('@Permissions follows the same rule', async () => {
      const tenantOnly = await tokenFor({ tenants });
      expectRefusal(await get('/projects/write', tenantOnly, { 'x-tenant-id': 't1' }), 403, 'missing_permissions');
      const platform = await tokenFor({ tenants, permissions: ['projects:write'] });
      expect((await get('/projects/write', platform, { 'x-tenant-id': 't2' })).status).toBe(200);
      expect((await get('/projects/write', platform)).body).toEqual({ tenant: null, sessionTenantId: null });
    });
  });

  describe('@RequireTenant()', () => {
    it('is met by a tenant from the header or from dct', async () => {
      expect((await get('/scoped', await tokenFor({ tenants }), { 'x-tenant-id': 't2' })).body).toEqual({ tenant: 't2' });
      expect((await get('/scoped', await tokenFor({ tenants, dct: 't1' }))).body).toEqual({ tenant: 't1' });
    });

    it('is 403 tenant_required when nothing resolves', async () => {
      expectRefusal(await get('/scoped', await tokenFor({ tenants })), 403, 'tenant_required');
      expectRefusal(await get('/scoped', await tokenFor({ tenants, dct: 't9' })), 403, 'tenant_required');
    });

    it('a named tenant the session is not a member of is still tenant_not_member', async () => {
      expectRefusal(await get('/scoped', await tokenFor({ tenants }), { 'x-tenant-id': 't9' }), 403, 'tenant_not_member');
    });
  });
});
