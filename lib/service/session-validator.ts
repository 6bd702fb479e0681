import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { errors, type JWTPayload } from 'jose';
import { detachedCopy } from '../cache/detached-string.js';
import { sessionValidUntil } from '../cache/session-validity.js';
import { VerifiedSessionCache } from '../cache/verified-session-cache.js';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import { createSession } from '../claims/session-factory.js';
import type { Session } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import { IntrospectionRouter } from '../introspection/introspection-router.js';
import type { SessionOptions } from '../options/session-options.js';
import { RevocationCheck } from '../revocation/revocation-check.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { TokenVerifier } from '../verification/token-verifier.js';

/**
 * From a token to a checked `Session`: verified offline (or taken from the verified-session
 * cache), its claims mapped, and its revocation checked on every call, cache hit or not.
 * `SessionService.validateSession` and the session lifecycle both validate through it.
 */
@Injectable()
export class SessionValidator {
  private readonly logger = new Logger('SessionService');

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationCheck,
    @Optional() private readonly verified?: VerifiedSessionCache,
    @Optional() private readonly introspection?: IntrospectionRouter,
  ) {}

  async validate(token: string): Promise<Session> {
    const session = await this.verify(token);
    const revocation = this.revocations.check(session);
    if (revocation !== undefined) await revocation;
    return session;
  }

  /** Verification and claims, without the revocation step; cached sessions are taken as they are. */
  verify(token: string): Session | Promise<Session> {
    return this.verified?.get(token) ?? this.introspection?.introspect(token) ?? this.verifyAndRemember(token);
  }

  /**
   * The session of a token refused only for being expired: jose checks the signature, `typ`,
   * `iss`, `aud` and the required claims before `exp`, so its `JWTExpired` carries a payload
   * that passed everything else. Anything else gives `undefined`.
   */
  expiredSession(token: string, error: unknown): Session | undefined {
    if (!(error instanceof SessionError) || error.reason !== 'token_expired' || !(error.cause instanceof errors.JWTExpired)) return undefined;
    const payload = error.cause.payload;
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || typeof payload.iss !== 'string') return undefined;
    const issuer = this.verifier.issuerConfig(payload.iss);
    if (!issuer) return undefined;
    try {
      return this.toSession(payload, token, issuer.mapClaims);
    } catch {
      return undefined;
    }
  }

  /** Full verification; only a session that passes it is cached, from its token's second verification on. */
  private async verifyAndRemember(token: string): Promise<Session> {
    const { payload, mapClaims } = await this.verifier.verify(token);
    if (this.verified === undefined || !this.verified.worthKeeping(token)) return this.toSession(payload, token, mapClaims);
    // The cached session must not keep the request header the token was cut from alive.
    const kept = detachedCopy(token);
    const session = this.toSession(payload, kept, mapClaims);
    this.verified.set(kept, session, sessionValidUntil(session, this.options.verification.maxTokenAge));
    return session;
  }

  /** A custom claims mapper that throws on a strange (but validly signed) payload refuses the token. */
  private toSession(payload: JWTPayload, token: string, mapClaims: ClaimsMapper): Session {
    try {
      return createSession(payload, token, mapClaims);
    } catch (error) {
      this.logger.warn(`The claims mapper failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new SessionError('claim_invalid', { cause: error });
    }
  }
}
