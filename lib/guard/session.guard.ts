import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { withTenant } from '../claims/session-factory.js';
import type { Session, TenantContext } from '../claims/session.interface.js';
import { isCookieValue } from '../cookies/cookie-source.js';
import { clearedSessionCookieHeaders, sessionCookieHeaders } from '../cookies/session-cookies.js';
import { checkCsrf } from '../csrf/csrf-check.js';
import { SessionError } from '../errors/session-error.js';
import { readCookie } from '../extraction/cookie.parser.js';
import { firstToken } from '../extraction/token-locator.js';
import type { RefreshedSession } from '../lifecycle/refreshed-session.js';
import type { SessionOptions } from '../options/session-options.js';
import { checkPolicy } from '../requirements/policy-check.js';
import { RoutePolicies, type RoutePolicy } from '../requirements/route-policy.js';
import { SessionService } from '../service/session.service.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { resolveTenant } from '../tenants/tenant-resolver.js';
import type { GuardedRequest } from '../transport/guarded-request.js';
import { guardedRequest } from '../transport/transport-request.js';

/**
 * Checks the session token on every route that is not `@Public()`: find the token, verify it,
 * resolve the tenant, check the route's requirements. Each step is a protected method, so an
 * application can change one step by extending the guard.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  protected readonly logger = new Logger(SessionGuard.name);
  private readonly policies: RoutePolicies;

  constructor(
    @Inject(SESSION_OPTIONS) protected readonly options: SessionOptions,
    protected readonly sessions: SessionService,
  ) {
    this.policies = new RoutePolicies(options.claimValidators);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.policies.forRoute(context.getClass(), context.getHandler());
    if (policy.access === 'public') return true;
    const request = this.getRequest(context);
    try {
      const token = this.extractToken(request);
      const cookieToken = token !== undefined && this.isCookieToken(request, token);
      const refreshToken = token === undefined || cookieToken ? this.extractRefreshToken(request) : undefined;
      if (token === undefined && refreshToken === undefined) {
        if (policy.access === 'optional') return true;
        throw new SessionError('token_missing');
      }
      if (cookieToken || refreshToken !== undefined) this.checkCsrf(request);
      const session = refreshToken === undefined ? await this.validate(token!) : await this.validateOrRefresh(request, token, refreshToken, policy.access === 'optional');
      if (session === undefined) return true;
      const tenant = this.resolveTenant(request, session);
      this.checkRequirements(policy, session, tenant);
      request.keepSession(withTenant(session, tenant?.id), tenant);
      return true;
    } catch (error) {
      // Awaited: a WebSocket or microservice refusal is built once its optional package is loaded.
      throw await this.refuse(error, request);
    }
  }

  /** The request as the guard reads it, by transport: HTTP (Express, Fastify), GraphQL, WebSocket, microservice. */
  protected getRequest(context: ExecutionContext): GuardedRequest {
    return guardedRequest(context, this.options.transport);
  }

  protected extractToken(request: GuardedRequest): string | undefined {
    return firstToken(this.options.extractors, request);
  }

  protected validate(token: string): Promise<Session> {
    return this.sessions.validateSession(token);
  }

  /** The session token came from a cookie (not the `Authorization` header): the browser sends it by itself. */
  protected isCookieToken(request: GuardedRequest, token: string): boolean {
    return isCookieValue(request.cookieHeader, token);
  }

  /** The refresh cookie, when automatic refresh is on and the transport can set the new cookies. */
  protected extractRefreshToken(request: GuardedRequest): string | undefined {
    if (!this.options.lifecycle.autoRefresh || request.appendSetCookie === undefined) return undefined;
    return readCookie(request.cookieHeader, this.options.cookies.refreshCookieName ?? 'DSR') || undefined;
  }

  /** Cookie sessions on unsafe methods: an allowed `Origin` (or `Referer`) or the anti-CSRF header (403 `csrf_failed`). */
  protected checkCsrf(request: GuardedRequest): void {
    if (this.options.csrf !== false) checkCsrf(this.options.csrf, request);
  }

  /**
   * Automatic refresh: a missing or expired (but otherwise valid, unrevoked) session token is
   * refreshed with the refresh cookie and the new cookies are set; the request goes on with the
   * new session. A refused refresh clears both cookies; on an `@OptionalSession()` route without
   * a session token the request then goes on without a session (`undefined`).
   */
  protected async validateOrRefresh(request: GuardedRequest, token: string | undefined, refreshToken: string, optional: boolean): Promise<Session | undefined> {
    try {
      const { session, refreshed } = await this.sessions.validateAndRefreshSession(token, refreshToken);
      if (refreshed) this.setSessionCookies(request, refreshed);
      return session;
    } catch (error) {
      if (!(error instanceof SessionError) || error.reason !== 'refresh_failed') throw error;
      request.appendSetCookie?.(clearedSessionCookieHeaders(this.options.cookies));
      if (token === undefined && optional) return undefined;
      throw error;
    }
  }

  protected setSessionCookies(request: GuardedRequest, refreshed: RefreshedSession): void {
    request.appendSetCookie?.(sessionCookieHeaders(refreshed, this.options.cookies));
  }

  protected resolveTenant(request: GuardedRequest, session: Session): TenantContext | undefined {
    return resolveTenant(this.options.tenantResolution, request, session);
  }

  protected checkRequirements(policy: RoutePolicy, session: Session, tenant: TenantContext | undefined): void {
    checkPolicy(policy, session, tenant, this.options.stepUp);
  }

  /**
   * A `SessionError` becomes the transport's refusal: Nest's HTTP exception with its RFC 6750
   * challenge, a GraphQL error (`extensions.code`, `extensions.reason`), a `WsException` or an
   * `RpcException` (these two as a promise); anything else passes through.
   */
  protected refuse(error: unknown, request: GuardedRequest): unknown {
    if (!(error instanceof SessionError)) return error;
    this.logger.debug(`Refused ${request.describe()}: ${error.reason}`);
    return request.refusal(error, this.options.challenge);
  }
}
