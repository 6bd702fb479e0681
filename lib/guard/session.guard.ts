import { Inject, Injectable, Logger, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { withTenant } from '../claims/session-factory.js';
import type { Session, TenantContext } from '../claims/session.interface.js';
import { isCookieValue } from '../cookies/cookie-source.js';
import { clearedSessionCookieHeaders, sessionCookieHeaders } from '../cookies/session-cookies.js';
import { checkCsrf } from '../csrf/csrf-check.js';
import { DpopAdmission } from '../dpop/dpop-admission.js';
import type { DpopMode } from '../dpop/dpop-options.js';
import { SessionError } from '../errors/session-error.js';
import { readCookie } from '../extraction/cookie.parser.js';
import { firstToken } from '../extraction/token-locator.js';
import { isOutageOnLogoutRoute } from '../lifecycle/logout-route.decorator.js';
import type { RefreshedSession } from '../lifecycle/refreshed-session.js';
import type { SessionOptions } from '../options/session-options.js';
import { checkPolicy } from '../requirements/policy-check.js';
import { RoutePolicies, type RoutePolicy } from '../requirements/route-policy.js';
import { SERVER_SESSION_MANAGER } from '../server-sessions/server-session.providers.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import { ServerSessionSource } from '../server-sessions/server-session-source.js';
import { SessionService } from '../service/session.service.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { resolveTenant } from '../tenants/tenant-resolver.js';
import type { GuardedRequest } from '../transport/guarded-request.js';
import { keepSession } from '../transport/request-session.js';
import { guardedRequest } from '../transport/transport-registry.js';

/** Where the request's session comes from: what `locateCredentials` found. */
export interface SessionCredentials {
  /** The session token, when the request carries one. */
  readonly token?: string;
  /** The refresh cookie, when automatic refresh may use it. */
  readonly refreshToken?: string;
  /** The browser sent these by itself (a cookie): the CSRF check applies. */
  readonly fromCookie: boolean;
  /** The token came as `Authorization: DPoP` (RFC 9449): a proof must come with it. */
  readonly dpop?: boolean;
}

/**
 * Checks the session on every route that is not `@Public()`, and on WebSocket connections
 * (`SocketSessions.admit`), through one admission pipeline:
 *
 *   locate credentials -> CSRF -> validate (or refresh) -> tenant -> requirements -> keep
 *
 * Each step is a protected method: an application changes one by extending the guard (and
 * passing the subclass as `guard` to `forRoot()`, so connection checks use it too).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  protected readonly logger = new Logger(SessionGuard.name);
  private readonly policies: RoutePolicies;
  private readonly dpop: DpopAdmission;
  /** Server-side sessions: the session id cookie -> the stored session token. */
  private readonly serverSessions?: ServerSessionSource;

  constructor(
    @Inject(SESSION_OPTIONS) protected readonly options: SessionOptions,
    protected readonly sessions: SessionService,
    @Optional() @Inject(SERVER_SESSION_MANAGER) serverSessions?: ServerSessionManager,
  ) {
    this.policies = new RoutePolicies(options.claimValidators);
    this.dpop = new DpopAdmission(options.dpop, options.verification.clockTolerance, options.revocation);
    if (serverSessions) this.serverSessions = new ServerSessionSource(serverSessions, sessions, options.csrf);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.policies.forRoute(context.getClass(), context.getHandler());
    if (policy.access === 'public') return true;
    const request = this.getRequest(context);
    try {
      await this.admit(request, policy);
      return true;
    } catch (error) {
      if (isOutageOnLogoutRoute(error, context.getHandler())) return this.admitToLogout(request, policy);
      // Awaited: a WebSocket or microservice refusal is built once its optional package is loaded.
      throw await this.refuse(error, request);
    }
  }

  /** A `@LogoutRoute()` during a revocation store outage: the verified session goes on to be ended. */
  protected async admitToLogout(request: GuardedRequest, policy: RoutePolicy): Promise<boolean> {
    try {
      const dpopMode = this.dpopModeFor(policy);
      const credentials = this.locateCredentials(request, dpopMode);
      if (credentials.token === undefined) throw new SessionError('token_missing');
      const session = await this.sessions.validateSessionForLogout(credentials.token);
      if (dpopMode !== undefined) await this.checkProof(request, credentials, dpopMode, session);
      this.accept(request, policy, session);
      return true;
    } catch (error) {
      throw await this.refuse(error, request);
    }
  }

  /**
   * The admission pipeline, for any transport: the accepted session (kept on the request), or
   * `undefined` when an optional route has none. Throws `SessionError`.
   */
  async admit(request: GuardedRequest, policy: RoutePolicy): Promise<Session | undefined> {
    const dpopMode = this.dpopModeFor(policy);
    const credentials = this.locateCredentials(request, dpopMode);
    const noToken = credentials.token === undefined && credentials.refreshToken === undefined;
    // Server-side sessions: the session id cookie -> the stored session token (the source checks CSRF).
    const serverSession = noToken ? await this.serverSessions?.locate(request) : undefined;
    if (noToken && serverSession === undefined) {
      if (policy.access === 'optional') return undefined;
      throw dpopMode === undefined ? new SessionError('token_missing') : this.dpop.missing(dpopMode);
    }
    if (credentials.fromCookie) this.checkCsrf(request);
    const session = serverSession ?? (await this.dpop.challenging(credentials.dpop === true, this.establishSession(request, credentials, policy)));
    if (session === undefined) return undefined;
    if (dpopMode !== undefined) await this.checkProof(request, credentials, dpopMode, session);
    return this.accept(request, policy, session);
  }

  /** `@RequireDpop()` makes DPoP required on its route; elsewhere the `dpop` option decides (absent: ignored). */
  protected dpopModeFor(policy: RoutePolicy): DpopMode | undefined {
    return policy.requireDpop ? 'required' : this.options.dpop.mode;
  }

  /** The end of the pipeline for an established session: tenant, requirements, keep. */
  protected accept(request: GuardedRequest, policy: RoutePolicy, session: Session): Session {
    const tenant = this.resolveTenant(request, session);
    this.checkRequirements(policy, session, this.isTenantScoped(request, policy) ? tenant : undefined);
    const accepted = withTenant(session, tenant?.id);
    keepSession(request.sessionCarriers, accepted, tenant);
    return accepted;
  }

  /** The request as the guard reads it, by transport: HTTP (Express, Fastify), GraphQL, WebSocket, microservice. */
  protected getRequest(context: ExecutionContext): GuardedRequest {
    return guardedRequest(context, this.options.transport);
  }

  /** The session token and, when it came from a cookie or is missing, the refresh cookie. With DPoP on, `Authorization: DPoP` first. */
  protected locateCredentials(request: GuardedRequest, dpopMode?: DpopMode): SessionCredentials {
    const dpopToken = dpopMode === undefined ? undefined : this.dpop.dpopToken(request);
    if (dpopToken !== undefined) return { token: dpopToken, fromCookie: false, dpop: true };
    const token = this.extractToken(request);
    const cookieToken = token !== undefined && this.isCookieToken(request, token);
    const refreshToken = token === undefined || cookieToken ? this.extractRefreshToken(request) : undefined;
    return { token, refreshToken, fromCookie: cookieToken || refreshToken !== undefined };
  }

  protected extractToken(request: GuardedRequest): string | undefined {
    return firstToken(this.options.extractors, request);
  }

  /** The session token came from a cookie (not the `Authorization` header): the browser sends it by itself. */
  protected isCookieToken(request: GuardedRequest, token: string): boolean {
    return isCookieValue(request.cookieHeader, token);
  }

  /** The refresh cookie, when automatic refresh is on and the transport can set the new cookies. */
  protected extractRefreshToken(request: GuardedRequest): string | undefined {
    if (!this.options.lifecycle.autoRefresh || request.appendSetCookie === undefined) return undefined;
    return readCookie(request.cookieHeader, this.options.cookies.refreshCookieName) || undefined;
  }

  /** Cookie sessions on unsafe methods: an allowed `Origin` (or `Referer`) or the anti-CSRF header (403 `csrf_failed`). */
  protected checkCsrf(request: GuardedRequest): void {
    if (this.options.csrf !== false) checkCsrf(this.options.csrf, request);
  }

  /** The verified, unrevoked session: validated, or refreshed with the refresh cookie. */
  protected establishSession(request: GuardedRequest, credentials: SessionCredentials, policy: RoutePolicy): Promise<Session | undefined> {
    if (credentials.refreshToken === undefined) return this.validate(credentials.token!);
    return this.validateOrRefresh(request, credentials.token, credentials.refreshToken, policy.access === 'optional');
  }

  protected validate(token: string): Promise<Session> {
    return this.sessions.validateSession(token);
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

  /**
   * RFC 9449, on every request (the verified-session cache never spares it): the proof, where the
   * transport has an HTTP request (HTTP, GraphQL over HTTP), and the token's binding. Sends the
   * current `DPoP-Nonce` when server nonces are on.
   */
  protected async checkProof(request: GuardedRequest, credentials: SessionCredentials, mode: DpopMode, session: Session): Promise<void> {
    const url = request.requestUrl?.(this.options.dpop.forwardedHeaders);
    const target = { header: (name: string) => request.header(name), cookieHeader: request.cookieHeader, raw: request.raw, method: request.method, ...(url && { url }) };
    const nonce = await this.dpop.challenging(credentials.dpop === true, this.dpop.admit(mode, credentials.dpop ? 'dpop' : 'other', target, session));
    if (nonce !== undefined) request.setResponseHeader('DPoP-Nonce', nonce);
  }

  /** The tenant the request names (route parameter, header, then `dct`), membership checked. */
  protected resolveTenant(request: GuardedRequest, session: Session): TenantContext | undefined {
    return resolveTenant(this.options.tenantResolution, request, session);
  }

  /**
   * Only tenant-scoped routes read tenant grants: those that declare the tenant parameter, or
   * carry `@RequireTenant()`. Elsewhere `dct` and the tenant header never turn a tenant's grants
   * into platform grants.
   */
  protected isTenantScoped(request: GuardedRequest, policy: RoutePolicy): boolean {
    const param = this.options.tenantResolution.param;
    return policy.requireTenant || (param !== false && request.declaresParam(param));
  }

  /** `scopedTenant`: the resolved tenant on a tenant-scoped route, else `undefined` (top-level grants). */
  protected checkRequirements(policy: RoutePolicy, session: Session, scopedTenant: TenantContext | undefined): void {
    checkPolicy(policy, session, scopedTenant, this.options.stepUp);
  }

  /**
   * A `SessionError` becomes the transport's refusal: Nest's HTTP exception with its RFC 6750
   * challenge, a GraphQL error (`extensions.code`, `extensions.reason`), a `WsException` or an
   * `RpcException` (these two as a promise); anything else passes through.
   */
  protected refuse(error: unknown, request: GuardedRequest): unknown {
    if (!(error instanceof SessionError)) return error;
    this.logger.debug(`Refused ${request.describe()}: ${error.reason} (${error.message})`);
    return request.refusal(error, this.options.challenge);
  }
}
