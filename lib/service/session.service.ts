import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Session } from '../claims/session.interface.js';
import type { SessionCookieOptions } from '../cookies/session-cookies.js';
import { SessionError } from '../errors/session-error.js';
import type { LogoutOptions, RefreshedSession, RefreshOptions, SessionValidation } from '../lifecycle/refreshed-session.js';
import { SessionLifecycle } from '../lifecycle/session-lifecycle.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { endServerSessionTokens } from '../server-sessions/end-server-session.js';
import { sessionInfo, type ServerSessionInfo } from '../server-sessions/server-session-record.js';
import { SERVER_SESSION_MANAGER } from '../server-sessions/server-session.providers.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import type { SessionOptions } from '../options/session-options.js';
import { matchedTenantGrants, matchedTopLevelGrants, validateGrants, validateTenantGrants } from '../requirements/grant-questions.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { SessionValidator } from './session-validator.js';

/**
 * Validates session tokens and answers role and permission questions by hand, with the same
 * rules as the guard. Role and permission checks are all-of; an empty list is met; an unknown
 * tenant gives `false` or `[]`; an argument of the wrong type is a `TypeError`.
 */
@Injectable()
export class SessionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    @Inject(SESSION_OPTIONS) protected readonly options: SessionOptions,
    protected readonly validator: SessionValidator,
    protected readonly revocations: RevocationCheck,
    protected readonly lifecycle: SessionLifecycle,
    @Optional() @Inject(SERVER_SESSION_MANAGER) private readonly serverSessions?: ServerSessionManager,
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
  async logout(session: Session | string, options?: LogoutOptions): Promise<void> {
    // A server-side session's id (from `listSessions`): its record ends, then its tokens.
    const record = typeof session === 'string' ? await this.serverSessions?.end(session) : undefined;
    if (record !== undefined) return this.endServerSession(record);
    return this.lifecycle.logout(session, options);
  }

  /** Refuses every session of `userId` (by `sub`) that began at or before now, and ends every server-side session of the user. */
  async logoutAll(userId: string): Promise<void> {
    await this.lifecycle.logoutAll(userId);
    for (const record of (await this.serverSessions?.endAll(userId)) ?? []) await this.endServerSession(record);
  }

  /** The user's live server-side sessions (created, last seen, user agent, id for `logout(id)`); needs `serverSessions`. */
  async listSessions(userId: string): Promise<ServerSessionInfo[]> {
    if (this.serverSessions === undefined) throw new SessionConfigError('serverSessions', 'is required for listSessions (client-side cookie sessions are not listed)');
    const records = await this.serverSessions.list(userId);
    return records.map(sessionInfo).sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  }

  private endServerSession(record: Parameters<typeof endServerSessionTokens>[0]): Promise<void> {
    return endServerSessionTokens(record, (sid, options) => this.lifecycle.logout(sid, options), this.options.login?.providerLogout, (message) => this.logger.warn(message));
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

  /** `true` when every role is granted at the top level; a wrong argument type is a `TypeError`, never an answer. */
  validateRoles(session: Session, roles: readonly string[]): boolean {
    return validateGrants('validateRoles', 'roles', session, roles);
  }

  validatePermissions(session: Session, permissions: readonly string[]): boolean {
    return validateGrants('validatePermissions', 'permissions', session, permissions);
  }

  validateTenantRoles(session: Session, tenantId: string, roles: readonly string[]): boolean {
    return validateTenantGrants('validateTenantRoles', 'roles', session, tenantId, roles);
  }

  validateTenantPermissions(session: Session, tenantId: string, permissions: readonly string[]): boolean {
    return validateTenantGrants('validateTenantPermissions', 'permissions', session, tenantId, permissions);
  }

  getMatchedRoles(session: Session, roles: readonly string[]): string[] {
    return matchedTopLevelGrants('getMatchedRoles', 'roles', session, roles);
  }

  getMatchedPermissions(session: Session, permissions: readonly string[]): string[] {
    return matchedTopLevelGrants('getMatchedPermissions', 'permissions', session, permissions);
  }

  getMatchedTenantRoles(session: Session, tenantId: string, roles: readonly string[]): string[] {
    return matchedTenantGrants('getMatchedTenantRoles', 'roles', session, tenantId, roles);
  }

  getMatchedTenantPermissions(session: Session, tenantId: string, permissions: readonly string[]): string[] {
    return matchedTenantGrants('getMatchedTenantPermissions', 'permissions', session, tenantId, permissions);
  }
}
