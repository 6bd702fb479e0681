import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { tenantGrants } from '../claims/safe-values.js';
import type { Session } from '../claims/session.interface.js';
import type { SessionCookieOptions } from '../cookies/session-cookies.js';
import { SessionError } from '../errors/session-error.js';
import type { LogoutOptions, RefreshedSession, RefreshOptions, SessionValidation } from '../lifecycle/refreshed-session.js';
import { SessionLifecycle } from '../lifecycle/session-lifecycle.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import type { SessionOptions } from '../options/session-options.js';
import { grantsAll, matchedGrants } from '../requirements/grant-matching.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { SessionValidator } from './session-validator.js';

const NONE: readonly string[] = Object.freeze([]);

function names(list: readonly string[]): readonly string[] {
  return Array.isArray(list) ? list : NONE;
}

/**
 * Validates session tokens and answers role and permission questions by hand, with the same
 * rules as the guard. Role and permission checks are all-of; an empty list is met; an unknown
 * tenant gives `false` or `[]`, never an exception.
 */
@Injectable()
export class SessionService implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(SESSION_OPTIONS) protected readonly options: SessionOptions,
    protected readonly validator: SessionValidator,
    protected readonly revocations: RevocationCheck,
    protected readonly lifecycle: SessionLifecycle,
  ) {}

  /** Connects the revocation store (Redis) before the app serves requests. */
  async onModuleInit(): Promise<void> {
    await this.options.revocation.store.start?.();
  }

  async onModuleDestroy(): Promise<void> {
    this.lifecycle.close();
    await this.options.revocation.store.close?.();
  }

  /**
   * Verifies the token offline and builds its `Session`; throws `SessionError`. A token already
   * verified (and still within its validity) is taken from the cache; revocation is checked
   * either way.
   */
  async validateSession(token: string): Promise<Session> {
    const verified = this.validator.verify(token);
    const session = verified instanceof Promise ? await verified : verified;
    const revocation = this.checkRevocation(session);
    if (revocation !== undefined) await revocation;
    return session;
  }

  /**
   * Runs on every validation, cache hit or not: throws `SessionError('token_revoked')` for a
   * session revoked by `logout` or `logoutAll`, `revocation_unavailable` when the store cannot
   * tell (unless `revocationFailOpen`). Synchronous for the built-in stores: no round trip.
   */
  protected checkRevocation(session: Session): void | Promise<void> {
    this.lifecycle.refuseLoggedOutHere(session);
    return this.revocations.check(session);
  }

  /**
   * For routes that only end a session (`@LogoutRoute()`): `validateSession`, except that a
   * revocation store that cannot answer does not refuse the session (a session known to be
   * revoked still is). The guard uses it in an outage; logging out must work then.
   */
  async validateSessionForLogout(token: string): Promise<Session> {
    const session = await this.validator.verify(token);
    try {
      await this.checkRevocation(session);
    } catch (error) {
      if (!(error instanceof SessionError) || error.reason !== 'revocation_unavailable') throw error;
    }
    return session;
  }

  /**
   * The OAuth 2.0 refresh grant (RFC 6749 section 6) at the provider's token endpoint; the new
   * session token is validated exactly as the guard would. Concurrent calls with one refresh
   * token make one provider call. Throws `refresh_failed` (the provider refused; its OAuth
   * error code in `providerError`) or `provider_unavailable` (it could not be reached).
   */
  refreshSession(refreshToken: string, options?: RefreshOptions): Promise<RefreshedSession> {
    return this.lifecycle.refresh(refreshToken, options);
  }

  /**
   * Validates the session token; only when it is missing or expired (and otherwise valid, not
   * revoked) refreshes it with `refreshToken`. `refreshed` holds the new tokens when it did.
   */
  validateAndRefreshSession(sessionToken?: string, refreshToken?: string): Promise<SessionValidation> {
    return this.lifecycle.validateAndRefresh(sessionToken, refreshToken);
  }

  /**
   * Ends a session at once, on every instance sharing the revocation store: it is recorded as
   * revoked (by `sid`, else `jti`) until its tokens' latest possible expiry, its session data is
   * removed, and the refresh token, when given, is revoked at the provider (RFC 7009).
   */
  logout(session: Session | string, options?: LogoutOptions): Promise<void> {
    return this.lifecycle.logout(session, options);
  }

  /** Refuses every session of `userId` (by `sub`) that began at or before now. */
  logoutAll(userId: string): Promise<void> {
    return this.lifecycle.logoutAll(userId);
  }

  /** The names and paths of the session cookies, for `setSessionCookies` and `clearSessionCookies` in login and logout routes. */
  get cookieOptions(): Readonly<SessionCookieOptions> {
    return this.options.cookies;
  }

  /** JSON data kept server-side under the session id (never sent to the client); `undefined` when none. */
  getSessionData<T = unknown>(session: Session): Promise<T | undefined> {
    return this.lifecycle.getData<T>(session);
  }

  /** Replaces the session's data; it expires with the session and is removed at logout. */
  setSessionData(session: Session, data: unknown): Promise<void> {
    return this.lifecycle.setData(session, data);
  }

  validateRoles(session: Session, roles: readonly string[]): boolean {
    return grantsAll(session.roles, names(roles));
  }

  validatePermissions(session: Session, permissions: readonly string[]): boolean {
    return grantsAll(session.permissions, names(permissions));
  }

  validateTenantRoles(session: Session, tenantId: string, roles: readonly string[]): boolean {
    const tenant = tenantGrants(session.tenants, tenantId);
    return tenant !== undefined && grantsAll(tenant.roles, names(roles));
  }

  validateTenantPermissions(session: Session, tenantId: string, permissions: readonly string[]): boolean {
    const tenant = tenantGrants(session.tenants, tenantId);
    return tenant !== undefined && grantsAll(tenant.permissions, names(permissions));
  }

  getMatchedRoles(session: Session, roles: readonly string[]): string[] {
    return matchedGrants(session.roles, names(roles));
  }

  getMatchedPermissions(session: Session, permissions: readonly string[]): string[] {
    return matchedGrants(session.permissions, names(permissions));
  }

  getMatchedTenantRoles(session: Session, tenantId: string, roles: readonly string[]): string[] {
    const tenant = tenantGrants(session.tenants, tenantId);
    return tenant ? matchedGrants(tenant.roles, names(roles)) : [];
  }

  getMatchedTenantPermissions(session: Session, tenantId: string, permissions: readonly string[]): string[] {
    const tenant = tenantGrants(session.tenants, tenantId);
    return tenant ? matchedGrants(tenant.permissions, names(permissions)) : [];
  }
}
