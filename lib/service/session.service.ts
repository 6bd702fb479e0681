import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import { tenantGrants } from '../claims/safe-values.js';
import { createSession } from '../claims/session-factory.js';
import type { Session } from '../claims/session.interface.js';
import { sessionValidUntil } from '../cache/session-validity.js';
import { VerifiedSessionCache } from '../cache/verified-session-cache.js';
import { SessionError } from '../errors/session-error.js';
import type { SessionOptions } from '../options/session-options.js';
import { grantsAll, matchedGrants } from '../requirements/grant-matching.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { TokenVerifier } from '../verification/token-verifier.js';

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
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  /** Sessions already verified, by token; `undefined` when `sessionCache: false`. */
  private readonly verified?: VerifiedSessionCache;

  constructor(
    @Inject(SESSION_OPTIONS) protected readonly options: SessionOptions,
    protected readonly verifier: TokenVerifier,
  ) {
    if (options.sessionCache !== false) this.verified = new VerifiedSessionCache(options.sessionCache);
  }

  /**
   * Verifies the token offline and builds its `Session`; throws `SessionError`. A token already
   * verified (and still within its validity) is taken from the cache; revocation is checked
   * either way.
   */
  async validateSession(token: string): Promise<Session> {
    const session = this.verified?.get(token) ?? (await this.verifyAndRemember(token));
    const revocation = this.checkRevocation(session);
    if (revocation !== undefined) await revocation;
    return session;
  }

  /**
   * Runs on every validation, cache hit or not: throws `SessionError('token_revoked')` for a
   * session revoked since its token was issued. Nothing is revoked until a revocation store
   * is configured; the session-lifecycle work fills this in.
   */
  protected checkRevocation(_session: Session): void | Promise<void> {
    return undefined;
  }

  /** Full verification; only a session that passes it is cached. */
  private async verifyAndRemember(token: string): Promise<Session> {
    const { payload, mapClaims } = await this.verifier.verify(token);
    const session = this.toSession(payload, token, mapClaims);
    this.verified?.set(token, session, sessionValidUntil(session, this.options.maxTokenAge));
    return session;
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

  /** A custom claims mapper that throws on a strange (but validly signed) payload refuses the token. */
  protected toSession(payload: JWTPayload, token: string, mapClaims: ClaimsMapper): Session {
    try {
      return createSession(payload, token, mapClaims);
    } catch (error) {
      this.logger.warn(`The claims mapper failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new SessionError('claim_invalid', { cause: error });
    }
  }
}
