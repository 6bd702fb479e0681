import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { withTenant } from '../claims/session-factory.js';
import type { Session, TenantContext } from '../claims/session.interface.js';
import { toHttpAnswer } from '../errors/http-answer.js';
import { SessionError } from '../errors/session-error.js';
import { firstToken } from '../extraction/token-locator.js';
import type { SessionOptions } from '../options/session-options.js';
import { checkPolicy } from '../requirements/policy-check.js';
import { RoutePolicies, type RoutePolicy } from '../requirements/route-policy.js';
import { SessionService } from '../service/session.service.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { resolveTenant } from '../tenants/tenant-resolver.js';
import type { GuardedRequest } from '../transport/guarded-request.js';
import { httpRequest } from '../transport/http-request.js';
import { attachSession } from '../transport/request-session.js';

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
      if (token === undefined) {
        if (policy.access === 'optional') return true;
        throw new SessionError('token_missing');
      }
      const session = await this.validate(token);
      const tenant = this.resolveTenant(request, session);
      this.checkRequirements(policy, session, tenant);
      attachSession(request.raw as object, withTenant(session, tenant?.id), tenant);
      return true;
    } catch (error) {
      throw this.refuse(error, request);
    }
  }

  /** The request as the guard reads it; a transport other than HTTP overrides this. */
  protected getRequest(context: ExecutionContext): GuardedRequest {
    return httpRequest(context);
  }

  protected extractToken(request: GuardedRequest): string | undefined {
    return firstToken(this.options.extractors, request);
  }

  protected validate(token: string): Promise<Session> {
    return this.sessions.validateSession(token);
  }

  protected resolveTenant(request: GuardedRequest, session: Session): TenantContext | undefined {
    return resolveTenant(this.options.tenantResolution, request, session);
  }

  protected checkRequirements(policy: RoutePolicy, session: Session, tenant: TenantContext | undefined): void {
    checkPolicy(policy, session, tenant);
  }

  /** A `SessionError` becomes Nest's HTTP exception with its RFC 6750 challenge; anything else passes through. */
  protected refuse(error: unknown, request: GuardedRequest): unknown {
    if (!(error instanceof SessionError)) return error;
    this.logger.debug(`Refused ${request.describe()}: ${error.reason}`);
    const answer = toHttpAnswer(error, this.options.realm);
    if (answer.wwwAuthenticate) request.setResponseHeader('WWW-Authenticate', answer.wwwAuthenticate);
    return answer.exception;
  }
}
