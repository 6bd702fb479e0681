import { Controller, Get } from '@nestjs/common';
import { CurrentSession, OptionalSession, RequireTenant, SkipGlobalClaims, Tenant, type Session, type TenantContext } from '../../lib/index.js';

@Controller()
export class AccountController {
  /** Who am I. A suspended user may still read this (the global `notSuspended` rule is dropped here). */
  @Get('me')
  @SkipGlobalClaims('notSuspended')
  me(@CurrentSession() session: Session) {
    return {
      userId: session.userId,
      sessionId: session.sessionId,
      issuer: session.issuer,
      audience: session.audience,
      expiresAt: session.expiresAt,
      authMethods: session.authMethods,
      currentTenant: session.currentTenant,
      roles: session.roles,
      permissions: session.permissions,
      tenants: session.tenants,
      suspended: session.claims.suspended === true,
    };
  }

  /**
   * The tenant this request works in, without a `:tenantId` in the path: from the `x-tenant-id`
   * header, else the token's `dct`. None resolves: 403 `tenant_required`.
   */
  @Get('me/tenant')
  @RequireTenant()
  currentTenant(@Tenant() tenant: TenantContext) {
    return { tenant };
  }

  /** Works signed in or not; a token that is sent must still be valid. */
  @Get('welcome')
  @OptionalSession()
  welcome(@CurrentSession('userId') userId: string | undefined) {
    return userId === undefined ? { signedIn: false, message: 'Welcome, guest' } : { signedIn: true, message: `Welcome back, ${userId}` };
  }
}
