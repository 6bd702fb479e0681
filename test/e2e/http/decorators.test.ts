import { Controller, Get } from '@nestjs/common';
import {
  AnyPermission,
  AnyRole,
  authMethods,
  claimEquals,
  claimIncludes,
  CurrentSession,
  maxAuthAge,
  mfa,
  OptionalSession,
  Permissions,
  Public,
  RequireClaims,
  RequireTenant,
  Roles,
  Tenant,
  type Session,
  type TenantContext,
} from '../../../lib/index.js';
import { call, type TestApp } from '../../support/app.js';
import { HTTP_ADAPTERS, onAdapter } from './on-adapter.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { expectRefusal } from '../../support/refusal.js';
import type { JWTPayload } from 'jose';

function emailVerified(session: Session): boolean {
  return session.claims.email_verified === true;
}

@Controller('d')
class DecoratedController {
  @Public() @Get('public') open() { return { open: true }; }

  @OptionalSession() @Get('optional')
  optional(@CurrentSession() session: Session | undefined) {
    return { hasSession: session !== undefined, userId: session?.userId ?? null };
  }

  @Roles('admin', 'editor') @Get('roles-all') rolesAll() { return { ok: true }; }
  @AnyRole('admin', 'editor') @Get('roles-any') rolesAny() { return { ok: true }; }
  @Permissions('read', 'write') @Get('permissions-all') permissionsAll() { return { ok: true }; }
  @AnyPermission('read', 'write') @Get('permissions-any') permissionsAny() { return { ok: true }; }

  @RequireTenant() @Get('tenant-required')
  tenantRequired(@Tenant('id') id: string) { return { id }; }

  @Get('tenant')
  tenant(@Tenant() tenant: TenantContext | undefined, @Tenant('id') id: string | undefined) {
    return { tenant: tenant ?? null, id: id ?? null };
  }

  @Get('session')
  session(@CurrentSession() session: Session, @CurrentSession('userId') userId: string) {
    return { fromSession: session.userId, userId, roles: session.roles, issuer: session.issuer };
  }

  @RequireClaims(mfa()) @Get('claims/mfa') claimsMfa() { return { ok: true }; }
  @RequireClaims(authMethods('webauthn', 'otp')) @Get('claims/auth-methods') claimsAuthMethods() { return { ok: true }; }
  @RequireClaims(maxAuthAge(60)) @Get('claims/max-auth-age') claimsMaxAuthAge() { return { ok: true }; }
  @RequireClaims(claimEquals('plan', 'pro')) @Get('claims/equals') claimsEquals() { return { ok: true }; }
  @RequireClaims(claimIncludes('groups', 'ops')) @Get('claims/includes') claimsIncludes() { return { ok: true }; }
  @RequireClaims(emailVerified) @Get('claims/custom') claimsCustom() { return { ok: true }; }
  @RequireClaims({ name: 'throwsOnPurpose', validate: () => { throw new Error('boom'); } })
  @Get('claims/throwing') claimsThrowing() { return { ok: true }; }
  @RequireClaims(mfa(), claimEquals('plan', 'pro'), emailVerified) @Get('claims/several') claimsSeveral() { return { ok: true }; }
}

/** Class and method requirements both apply. */
@Roles('staff')
@Controller('staff')
class StaffController {
  @Get('plain') plain() { return { ok: true }; }
  @Roles('admin') @Get('admin') admin() { return { ok: true }; }
  @Permissions('reports:read') @Get('reports') reports() { return { ok: true }; }
  @Public() @Get('open') open() { return { open: true }; }
}

/** A public class never hides what a method asks for. */
@Public()
@Controller('open-class')
class OpenClassController {
  @Get('plain') plain() { return { open: true }; }
  @Roles('admin') @Get('admin') admin() { return { ok: true }; }
  @RequireClaims(mfa()) @Get('mfa') mfa() { return { ok: true }; }
}

/** Class-level claims and method-level claims add up. */
@RequireClaims(mfa())
@Controller('mfa-class')
class MfaClassController {
  @RequireClaims(claimEquals('plan', 'pro')) @Get('pro') pro() { return { ok: true }; }
}

describe.each(HTTP_ADAPTERS)('decorators over HTTP (%s)', (adapter) => {
  const { startApp } = onAdapter(adapter);
  let key: TestKey;
  let app: TestApp;
  const tokenFor = (claims: JWTPayload = {}) => signSession(claims, { key });
  const get = (path: string, token?: string, headers?: Record<string, string>) =>
    call(`${app.url}${path}`, { ...(token !== undefined && { token }), ...(headers && { headers }) });

  beforeAll(async () => {
    key = await makeKey('ES256');
    app = await startApp({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } }, [
      DecoratedController,
      StaffController,
      OpenClassController,
      MfaClassController,
    ]);
  });
  afterAll(() => app.close());

  describe('@Public()', () => {
    it('runs the handler without a token', async () => {
      const answer = await get('/d/public');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ open: true });
    });

    it('does not check a token that is present, even a broken one', async () => {
      const answer = await get('/d/public', 'not-a-token');
      expect(answer.status).toBe(200);
    });
  });

  describe('@OptionalSession()', () => {
    it('runs the handler with an undefined session when there is no token', async () => {
      const answer = await get('/d/optional');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ hasSession: false, userId: null });
    });

    it('gives the session when a valid token is present', async () => {
      const answer = await get('/d/optional', await tokenFor({ sub: 'U-opt' }));
      expect(answer.body).toEqual({ hasSession: true, userId: 'U-opt' });
    });

    it('refuses a token that is present but invalid with 401', async () => {
      const expired = await signSession({}, { key, expiresIn: -3600 });
      expectRefusal(await get('/d/optional', expired), 401, 'token_expired', { secrets: [expired] });
      expectRefusal(await get('/d/optional', 'abc.def.ghi'), 401, 'token_malformed');
    });
  });

  describe('protected by default', () => {
    it('answers 401 token_missing with a bare Bearer challenge', async () => {
      expectRefusal(await get('/d/session'), 401, 'token_missing');
    });
  });

  describe('@Roles() / @AnyRole() (top level, no tenant)', () => {
    it('@Roles requires every role', async () => {
      expect((await get('/d/roles-all', await tokenFor({ roles: ['admin', 'editor', 'x'] }))).status).toBe(200);
      expectRefusal(await get('/d/roles-all', await tokenFor({ roles: ['admin'] })), 403, 'missing_roles');
      expectRefusal(await get('/d/roles-all', await tokenFor({})), 403, 'missing_roles');
    });

    it('@AnyRole requires one of the roles', async () => {
      expect((await get('/d/roles-any', await tokenFor({ roles: ['editor'] }))).status).toBe(200);
      expect((await get('/d/roles-any', await tokenFor({ roles: ['admin'] }))).status).toBe(200);
      expectRefusal(await get('/d/roles-any', await tokenFor({ roles: ['viewer'] })), 403, 'missing_roles');
    });

    it('names match exactly: case and look-alikes do not count', async () => {
      expectRefusal(await get('/d/roles-any', await tokenFor({ roles: ['Admin', 'EDITOR', 'admin '] })), 403, 'missing_roles');
    });
  });

  describe('@Permissions() / @AnyPermission() (top level, no tenant)', () => {
    it('@Permissions requires every permission', async () => {
      expect((await get('/d/permissions-all', await tokenFor({ permissions: ['write', 'read'] }))).status).toBe(200);
      expectRefusal(await get('/d/permissions-all', await tokenFor({ permissions: ['read'] })), 403, 'missing_permissions');
    });

    it('@AnyPermission requires one of the permissions', async () => {
      expect((await get('/d/permissions-any', await tokenFor({ permissions: ['write'] }))).status).toBe(200);
      expectRefusal(await get('/d/permissions-any', await tokenFor({ permissions: ['delete'] })), 403, 'missing_permissions');
    });

    it('roles never stand in for permissions', async () => {
      expectRefusal(await get('/d/permissions-any', await tokenFor({ roles: ['read', 'write'] })), 403, 'missing_permissions');
    });
  });

  describe('@RequireTenant(), @Tenant()', () => {
    const tenants = { t1: { roles: ['admin'], permissions: ['p1'] } };

    it('refuses a request that resolves no tenant with 403 tenant_required', async () => {
      expectRefusal(await get('/d/tenant-required', await tokenFor({ tenants })), 403, 'tenant_required');
    });

    it('admits a request that resolves a tenant the session is a member of', async () => {
      const answer = await get('/d/tenant-required', await tokenFor({ tenants }), { 'x-tenant-id': 't1' });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ id: 't1' });
    });

    it('@Tenant() gives the TenantContext and @Tenant("id") the id', async () => {
      const answer = await get('/d/tenant', await tokenFor({ tenants }), { 'x-tenant-id': 't1' });
      expect(answer.body).toEqual({ tenant: { id: 't1', roles: ['admin'], permissions: ['p1'] }, id: 't1' });
    });

    it('@Tenant() is undefined when no tenant resolves', async () => {
      const answer = await get('/d/tenant', await tokenFor({ tenants }));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ tenant: null, id: null });
    });
  });

  describe('@CurrentSession()', () => {
    it('gives the Session, and @CurrentSession("userId") one field', async () => {
      const answer = await get('/d/session', await tokenFor({ sub: 'U-42', roles: ['r1'] }));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ fromSession: 'U-42', userId: 'U-42', roles: ['r1'], issuer: ISSUER });
    });
  });

  describe('@RequireClaims() with the built-in validators', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('mfa(): amr must include "mfa"', async () => {
      expect((await get('/d/claims/mfa', await tokenFor({ amr: ['pwd', 'mfa'] }))).status).toBe(200);
      expectRefusal(await get('/d/claims/mfa', await tokenFor({ amr: ['pwd'] })), 401, 'insufficient_user_authentication', {
        failedValidators: [expect.stringMatching(/^mfa\b/)],
      });
      // A string is not a list of methods.
      expectRefusal(await get('/d/claims/mfa', await tokenFor({ amr: 'mfa' })), 401, 'insufficient_user_authentication', {
        failedValidators: [expect.stringMatching(/^mfa\b/)],
      });
    });

    it('authMethods(...): amr must include one of the methods', async () => {
      expect((await get('/d/claims/auth-methods', await tokenFor({ amr: ['otp'] }))).status).toBe(200);
      expect((await get('/d/claims/auth-methods', await tokenFor({ amr: ['pwd', 'webauthn'] }))).status).toBe(200);
      expectRefusal(await get('/d/claims/auth-methods', await tokenFor({ amr: ['pwd'] })), 403, 'claims_failed', {
        failedValidators: [expect.stringMatching(/^authMethods\b/)],
      });
    });

    it('maxAuthAge(s): reads auth_time first', async () => {
      expect((await get('/d/claims/max-auth-age', await tokenFor({ auth_time: now() - 10, iat: now() - 3600 }))).status).toBe(200);
      // An old auth_time fails even when iat is fresh: a refreshed token is not a fresh login.
      expectRefusal(await get('/d/claims/max-auth-age', await tokenFor({ auth_time: now() - 3600, iat: now() })), 401, 'insufficient_user_authentication', {
        failedValidators: [expect.stringMatching(/^maxAuthAge\b/)],
        maxAge: 60,
      });
    });

    it('maxAuthAge(s): falls back to iat without auth_time', async () => {
      expect((await get('/d/claims/max-auth-age', await tokenFor({ iat: now() - 10 }))).status).toBe(200);
      expectRefusal(await get('/d/claims/max-auth-age', await tokenFor({ iat: now() - 3600 })), 401, 'insufficient_user_authentication', {
        failedValidators: [expect.stringMatching(/^maxAuthAge\b/)],
        maxAge: 60,
      });
    });

    it('claimEquals(claim, value): strict equality', async () => {
      expect((await get('/d/claims/equals', await tokenFor({ plan: 'pro' }))).status).toBe(200);
      for (const plan of ['free', 'PRO', ['pro'], undefined]) {
        expectRefusal(await get('/d/claims/equals', await tokenFor({ plan })), 403, 'claims_failed', {
          failedValidators: [expect.stringMatching(/^claimEquals\b/)],
        });
      }
    });

    it('claimIncludes(claim, value): an array claim holding the value', async () => {
      expect((await get('/d/claims/includes', await tokenFor({ groups: ['dev', 'ops'] }))).status).toBe(200);
      for (const groups of [['dev'], 'ops', { 0: 'ops' }, undefined]) {
        expectRefusal(await get('/d/claims/includes', await tokenFor({ groups })), 403, 'claims_failed', {
          failedValidators: [expect.stringMatching(/^claimIncludes\b/)],
        });
      }
    });

    it('a custom predicate is named after its function', async () => {
      expect((await get('/d/claims/custom', await tokenFor({ email_verified: true }))).status).toBe(200);
      expectRefusal(await get('/d/claims/custom', await tokenFor({ email_verified: 'true' })), 403, 'claims_failed', {
        failedValidators: ['emailVerified'],
      });
    });

    it('a validator that throws is a refusal, not a 500', async () => {
      expectRefusal(await get('/d/claims/throwing', await tokenFor({})), 403, 'claims_failed', {
        failedValidators: ['throwsOnPurpose'],
      });
    });

    it('names every validator that failed, and only those', async () => {
      expect((await get('/d/claims/several', await tokenFor({ amr: ['mfa'], plan: 'pro', email_verified: true }))).status).toBe(200);
      expectRefusal(await get('/d/claims/several', await tokenFor({ amr: ['mfa'] })), 403, 'claims_failed', {
        failedValidators: [expect.stringMatching(/^claimEquals\b/), 'emailVerified'],
      });
      expectRefusal(await get('/d/claims/several', await tokenFor({ plan: 'pro' })), 403, 'claims_failed', {
        failedValidators: [expect.stringMatching(/^mfa\b/), 'emailVerified'],
      });
    });
  });

  describe('class and method requirements', () => {
    it('a class @Roles applies to every method', async () => {
      expect((await get('/staff/plain', await tokenFor({ roles: ['staff'] }))).status).toBe(200);
      expectRefusal(await get('/staff/plain', await tokenFor({ roles: ['admin'] })), 403, 'missing_roles');
    });

    it('class @Roles AND method @Roles', async () => {
      expect((await get('/staff/admin', await tokenFor({ roles: ['staff', 'admin'] }))).status).toBe(200);
      expectRefusal(await get('/staff/admin', await tokenFor({ roles: ['admin'] })), 403, 'missing_roles');
      expectRefusal(await get('/staff/admin', await tokenFor({ roles: ['staff'] })), 403, 'missing_roles');
    });

    it('class @Roles AND method @Permissions', async () => {
      expect((await get('/staff/reports', await tokenFor({ roles: ['staff'], permissions: ['reports:read'] }))).status).toBe(200);
      expectRefusal(await get('/staff/reports', await tokenFor({ permissions: ['reports:read'] })), 403, 'missing_roles');
      expectRefusal(await get('/staff/reports', await tokenFor({ roles: ['staff'] })), 403, 'missing_permissions');
    });

    it('a method @Public opts out of the class @Roles', async () => {
      expect((await get('/staff/open')).status).toBe(200);
    });

    it('a class @Public never hides a method @Roles', async () => {
      expect((await get('/open-class/plain')).status).toBe(200);
      expectRefusal(await get('/open-class/admin'), 401, 'token_missing');
      expectRefusal(await get('/open-class/admin', await tokenFor({ roles: ['user'] })), 403, 'missing_roles');
      expect((await get('/open-class/admin', await tokenFor({ roles: ['admin'] }))).status).toBe(200);
    });

    it('a class @Public never hides a method @RequireClaims', async () => {
      expectRefusal(await get('/open-class/mfa'), 401, 'token_missing');
      expectRefusal(await get('/open-class/mfa', await tokenFor({ amr: ['pwd'] })), 401, 'insufficient_user_authentication', {
        failedValidators: [expect.stringMatching(/^mfa\b/)],
      });
    });

    it('class @RequireClaims AND method @RequireClaims', async () => {
      expect((await get('/mfa-class/pro', await tokenFor({ amr: ['mfa'], plan: 'pro' }))).status).toBe(200);
      expectRefusal(await get('/mfa-class/pro', await tokenFor({ plan: 'pro' })), 401, 'insufficient_user_authentication', {
        failedValidators: [expect.stringMatching(/^mfa\b/)],
      });
      expectRefusal(await get('/mfa-class/pro', await tokenFor({})), 403, 'claims_failed', {
        failedValidators: [expect.stringMatching(/^mfa\b/), expect.stringMatching(/^claimEquals\b/)],
      });
    });
  });
});
