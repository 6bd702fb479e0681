import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { createSession } from '../claims/session-factory.js';
import type { Session } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import { SingleFlight } from '../lifecycle/single-flight.js';
import type { IssuerConfig } from '../options/issuer-config.js';
import { isNumericDate } from '../verification/issuer-verifier.js';
import { IntrospectionCache } from './introspection-cache.js';
import type { IntrospectionAnswer, IntrospectionEndpoint } from './introspection-endpoint.js';
import type { IntrospectionConfig } from './introspection-options.js';

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function audienceOf(aud: unknown): readonly string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * One issuer's opaque tokens (RFC 7662): the provider's answer becomes the same `Session` a JWT
 * would, through the issuer's claims preset. Answers are cached until the token's `exp` (at most
 * `cacheMaxAge`), concurrent requests with one token make one call, and while the provider is
 * unreachable a cached active answer stands in until the token's `exp`.
 */
export class TokenIntrospector {
  private readonly logger = new Logger('SessionIntrospection');
  private readonly cache: IntrospectionCache;
  private readonly flights = new SingleFlight<Session>(0);

  constructor(
    readonly issuer: IssuerConfig,
    private readonly config: IntrospectionConfig,
    private readonly endpoint: IntrospectionEndpoint,
    private readonly clockToleranceSeconds: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.cache = new IntrospectionCache(config.cacheMaxEntries, now);
  }

  /** The token's session; throws `token_inactive`, a claim refusal, or `provider_unavailable`. */
  async session(token: string): Promise<Session> {
    const key = tokenHash(token);
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.freshUntil > this.now()) return this.outcome(cached.outcome);
    return this.flights.run(key, () => this.ask(token, key, cached?.outcome));
  }

  private outcome(outcome: Session | SessionError): Session {
    if (outcome instanceof SessionError) throw outcome;
    return outcome;
  }

  private async ask(token: string, key: string, stale: Session | SessionError | undefined): Promise<Session> {
    let answer: IntrospectionAnswer;
    try {
      answer = await this.endpoint.introspect(token);
    } catch (error) {
      // A cached active answer is still within its token's `exp` (the cache dropped it otherwise).
      if (stale !== undefined && !(stale instanceof SessionError)) {
        this.logger.warn('The introspection endpoint is unreachable: using the cached answer until the token expires');
        return stale;
      }
      throw error;
    }
    const now = this.now();
    let session: Session;
    try {
      session = this.toSession(answer, token);
    } catch (error) {
      if (error instanceof SessionError) this.cache.set(key, { outcome: error, freshUntil: now + this.config.cacheMaxAgeMs, validUntil: now + this.config.cacheMaxAgeMs });
      throw error;
    }
    const exp = session.expiresAt.getTime();
    this.cache.set(key, { outcome: session, freshUntil: Math.min(exp, now + this.config.cacheMaxAgeMs), validUntil: exp });
    return session;
  }

  /** Checks what a JWT's verification would: `iss`, `aud`, `exp`, `nbf`, a subject. */
  private toSession(answer: IntrospectionAnswer, token: string): Session {
    if (answer.active !== true) throw new SessionError('token_inactive');
    const { active: _active, ...claims } = answer;
    const payload: JWTPayload = { ...claims };
    payload.iss ??= this.issuer.issuers[0];
    // RFC 9068 section 2.2: a token the client holds for itself has the client as its subject.
    if (payload.sub === undefined && typeof payload.client_id === 'string') payload.sub = payload.client_id;
    // Without `sid` or `jti` the token itself is what a logout revokes: its hash stands in as `jti`.
    if (payload.sid === undefined && payload.jti === undefined) payload.jti = tokenHash(token);
    if (typeof payload.iss !== 'string' || !this.issuer.issuers.includes(payload.iss)) throw new SessionError('issuer_mismatch');
    const audience = this.issuer.audience;
    if (audience !== undefined && !audienceOf(payload.aud).some((aud) => audience.includes(aud))) throw new SessionError('audience_mismatch');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new SessionError('claim_invalid', { message: 'The introspected token has no subject' });
    if (!isNumericDate(payload.exp)) throw new SessionError('claim_invalid', { message: 'The introspected token has no exp' });
    const nowSeconds = this.now() / 1000;
    if (payload.exp + this.clockToleranceSeconds <= nowSeconds) throw new SessionError('token_expired');
    if (isNumericDate(payload.nbf) && payload.nbf - this.clockToleranceSeconds > nowSeconds) throw new SessionError('token_not_yet_valid');
    try {
      return createSession(payload, token, this.issuer.mapClaims);
    } catch (error) {
      throw new SessionError('claim_invalid', { cause: error });
    }
  }
}
