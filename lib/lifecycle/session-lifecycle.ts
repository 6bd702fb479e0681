import { decodeJwt } from 'jose';
import type { Session } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import type { RevocationCheck } from '../revocation/revocation-check.js';
import type { SessionStores } from '../revocation/session-stores.js';
import { revocationSubject } from '../revocation/revocation-subject.js';
import type { LifecycleConfig } from './lifecycle-options.js';
import type { LogoutOptions, RefreshedSession, RefreshOptions, SessionValidation } from './refreshed-session.js';
import { SingleFlight } from './single-flight.js';
import type { TokenEndpointClient } from './token-endpoint.client.js';

/** How the lifecycle validates tokens: exactly as the guard does, through `SessionService`. */
export interface SessionValidator {
  validate(token: string): Promise<Session>;
  /**
   * The session of a token refused only because it expired (signature, issuer, audience and
   * claims all valid), or `undefined` when `error` is anything else.
   */
  expiredSession(token: string, error: unknown): Session | undefined;
}

/** A refresh result handed to callers that arrive shortly after it (see `SingleFlight`). */
const REFRESH_REUSE_MS = 10_000;
/** Refresh tokens longer than this are refused before any call (the provider's would be absurd). */
const MAX_REFRESH_TOKEN_LENGTH = 8192;
/** Server-side session data is JSON, kept small: it is read on request paths. */
const MAX_SESSION_DATA_BYTES = 64 * 1024;

/** The `exp` of a JWT refresh token in epoch ms; `undefined` for an opaque one. Only bounds a lifetime: nothing is trusted from it. */
function jwtExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function sessionKey(session: Session): string {
  if (session.sessionId === undefined || session.sessionId.length === 0) {
    throw new SessionError('claim_invalid', { message: 'The session has no sid or jti claim to key it by' });
  }
  return session.sessionId;
}

/**
 * Refresh, logout and server-side session data; `SessionService` exposes them.
 *
 * - Refresh (RFC 6749 section 6) runs once per refresh token at a time, and its new session
 *   token is validated as the guard would before anyone gets it.
 * - Logout records the session (by `sid`, else `jti`) as revoked until its tokens' latest possible
 *   expiry and revokes the refresh token at the provider (RFC 7009) when it can.
 * - `logoutAll` refuses every session of the user (by `sub`) that began at or before now.
 */
export class SessionLifecycle {
  private readonly flights = new SingleFlight<RefreshedSession>(REFRESH_REUSE_MS);

  constructor(
    private readonly config: LifecycleConfig,
    private readonly clockToleranceMs: number,
    private readonly endpoints: TokenEndpointClient,
    private readonly store: SessionStores,
    private readonly revocations: RevocationCheck,
    private readonly validator: SessionValidator,
  ) {}

  async refresh(refreshToken: string, options: RefreshOptions = {}): Promise<RefreshedSession> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) {
      throw new SessionError('refresh_failed', { message: 'The refresh token is missing or too long' });
    }
    return this.flights.run(refreshToken, () => this.grant(refreshToken, options.issuer));
  }

  /**
   * The session of `sessionToken`; refreshed with `refreshToken` only when the session token is
   * missing or expired and otherwise valid (never after a bad signature, a wrong issuer or a
   * revoked session).
   */
  async validateAndRefresh(sessionToken: string | undefined, refreshToken: string | undefined): Promise<SessionValidation> {
    if (sessionToken === undefined) {
      if (refreshToken === undefined) throw new SessionError('token_missing');
      const refreshed = await this.refresh(refreshToken);
      return { session: refreshed.session, refreshed };
    }
    try {
      return { session: await this.validator.validate(sessionToken) };
    } catch (error) {
      if (refreshToken === undefined) throw error;
      const expired = this.validator.expiredSession(sessionToken, error);
      if (expired === undefined) throw error;
      // A revoked session is not brought back by its refresh token.
      await this.revocations.check(expired);
      const refreshed = await this.refresh(refreshToken, { issuer: expired.issuer });
      if (refreshed.session.userId !== expired.userId) {
        throw new SessionError('refresh_failed', { message: 'The refresh token belongs to another user than the session token' });
      }
      return { session: refreshed.session, refreshed };
    }
  }

  async logout(target: Session | string, options: LogoutOptions = {}): Promise<void> {
    const session = typeof target === 'string' ? undefined : target;
    const sessionId = session ? sessionKey(session) : target;
    if (typeof sessionId !== 'string' || sessionId.length === 0) {
      throw new SessionError('claim_invalid', { message: 'logout needs a session or a session id' });
    }
    const { refreshToken } = options;
    if (refreshToken !== undefined) this.flights.forget(refreshToken);

    // Each step is attempted even when another fails: the local record takes effect at once.
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    };
    await attempt(() => this.store.revokeSession(sessionId, this.revokedUntil(session, refreshToken)));
    await attempt(() => this.store.deleteData(sessionId));
    if (refreshToken !== undefined && refreshToken.length > 0) {
      await attempt(() => this.endpoints.revoke(refreshToken, 'refresh_token', session?.issuer ?? options.issuer));
    }
    if (failures.length) throw failures[0];
  }

  async logoutAll(userId: string): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) throw new SessionError('claim_invalid', { message: 'logoutAll needs a user id' });
    const now = Date.now();
    // Whole seconds, like `iat`: a session begun in this very second counts as before.
    await this.store.revokeUserSessions(userId, Math.floor(now / 1000), now + this.config.maxSessionLifetimeMs + this.clockToleranceMs);
  }

  async getData<T = unknown>(session: Session): Promise<T | undefined> {
    const json = await this.store.getData(sessionKey(session));
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  async setData(session: Session, data: unknown): Promise<void> {
    const key = sessionKey(session);
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError('Session data must be JSON-serializable');
    if (Buffer.byteLength(json) > MAX_SESSION_DATA_BYTES) throw new RangeError(`Session data is limited to ${MAX_SESSION_DATA_BYTES} bytes of JSON`);
    await this.store.setData(key, json, this.sessionEnd(session));
  }

  /** The grant and the validation of its result: one provider call however many callers wait on it. */
  private async grant(refreshToken: string, issuer: string | undefined): Promise<RefreshedSession> {
    const grant = await this.endpoints.refresh(refreshToken, issuer);
    let session: Session;
    try {
      session = await this.validator.validate(grant.sessionToken);
    } catch (error) {
      // 503s stay 503s: the new token may be fine, the check could not be made.
      if (error instanceof SessionError && error.status === 503) throw error;
      const reason = error instanceof SessionError ? error.reason : 'invalid';
      throw new SessionError('refresh_failed', { message: `The refreshed session token was refused (${reason})`, cause: error });
    }
    const rotated = grant.refreshToken ?? refreshToken;
    const refreshExpiry =
      jwtExpiry(rotated) ?? (grant.refreshExpiresIn !== undefined ? Date.now() + grant.refreshExpiresIn * 1000 : Date.now() + this.config.maxSessionLifetimeMs);
    return Object.freeze({
      sessionToken: grant.sessionToken,
      refreshToken: rotated,
      expiresAt: session.expiresAt,
      refreshExpiresAt: new Date(refreshExpiry),
      session,
    });
  }

  /**
   * How long a logout is kept: past every token of the session. The session token's expiry is
   * known; a JWT refresh token's too. An opaque (or absent) refresh token may mint tokens for as
   * long as the login lives: `maxSessionLifetime`.
   */
  private revokedUntil(session: Session | undefined, refreshToken: string | undefined): number {
    const tolerance = this.clockToleranceMs;
    const sessionEnd = session ? session.expiresAt.getTime() + tolerance : 0;
    const refreshEnd = refreshToken === undefined ? undefined : jwtExpiry(refreshToken);
    const tokensEnd = refreshEnd === undefined ? Date.now() + this.config.maxSessionLifetimeMs + tolerance : refreshEnd + tolerance;
    return Math.max(sessionEnd, tokensEnd);
  }

  /** Session data lives as long as the login can: from its start, `maxSessionLifetime`, and at least as long as this token. */
  private sessionEnd(session: Session): number {
    const startedAt = revocationSubject(session).startedAt;
    const loginEnd = (startedAt === undefined ? Date.now() : startedAt * 1000) + this.config.maxSessionLifetimeMs;
    return Math.max(loginEnd, session.expiresAt.getTime());
  }
}
