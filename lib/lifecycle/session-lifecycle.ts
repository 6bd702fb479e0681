import { decodeJwt } from 'jose';
import type { Session } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';
import { InMemoryRevocationStore } from '../revocation/in-memory-revocation.store.js';
import type { RevocationCheck } from '../revocation/revocation-check.js';
import type { RevocationConfig } from '../revocation/revocation-options.js';
import type { SessionStores } from '../revocation/session-stores.js';
import { revocationSubject } from '../revocation/revocation-subject.js';
import type { LifecycleConfig } from './lifecycle-options.js';
import type { LogoutOptions, RefreshedSession, RefreshOptions, SessionValidation } from './refreshed-session.js';
import { PendingRevocations } from './pending-revocations.js';
import { shareableError, SharedRefresh, type SharedOutcome } from './shared-refresh.js';
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
/** How often an instance waiting on another one's refresh reads the store. */
const SHARED_REFRESH_POLL_MS = 50;
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
 * - Refresh (RFC 6749 section 6) runs once per refresh token at a time, on every instance sharing
 *   the store (see `SharedRefresh`), and its new session token is validated as the guard would
 *   before anyone gets it.
 * - Logout records the session (by `sid`, else `jti`) as revoked until its tokens' latest possible
 *   expiry (on this instance at once, in the store now or when it is back) and revokes the refresh
 *   token at the provider (RFC 7009) when it can.
 * - `logoutAll` refuses every session of the user (by `sub`) that began at or before now.
 */
export class SessionLifecycle {
  /** Results by refresh token, chained by the token each one rotated to. */
  private readonly flights = new SingleFlight<RefreshedSession>(REFRESH_REUSE_MS, (result) => result.refreshToken);
  private readonly store: SessionStores;
  /** Logouts the store could not take yet: enforced here, delivered when it is back. */
  private readonly pending: PendingRevocations;
  /** Single flight across instances; only with a shared store (the in-memory one serves this process alone). */
  private readonly shared?: SharedRefresh;

  constructor(
    private readonly config: LifecycleConfig,
    private readonly clockToleranceMs: number,
    private readonly endpoints: TokenEndpointClient,
    private readonly revocation: RevocationConfig,
    private readonly revocations: RevocationCheck,
    private readonly validator: SessionValidator,
  ) {
    this.store = revocation.store;
    this.pending = new PendingRevocations(revocation.store);
    if (!(revocation.store instanceof InMemoryRevocationStore)) {
      // A provider call, then possibly a key fetch to validate its answer.
      const waitMs = 2 * endpoints.timeoutMs + 1000;
      this.shared = new SharedRefresh(revocation.store, { keepMs: REFRESH_REUSE_MS, waitMs, pollMs: SHARED_REFRESH_POLL_MS });
    }
  }

  async refresh(refreshToken: string, options: RefreshOptions = {}): Promise<RefreshedSession> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0 || refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) {
      throw new SessionError('refresh_failed', { message: 'The refresh token is missing or too long' });
    }
    const result = await this.flights.run(refreshToken, () => this.grant(refreshToken, options.issuer));
    // Shared and remembered results too: a session logged out since is not handed out again.
    await this.refuseLoggedOut(result.session);
    return result;
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
      await this.checkRevocation(expired);
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
    // The rotation chain this instance saw: no link is answered from memory any more, and a
    // provider whose every token is a session of its own (`jti`, no `sid`) has each one revoked.
    const chain = refreshToken === undefined ? [] : this.flights.forgetChain(refreshToken);
    const sessionIds = new Set([sessionId, ...chain.map((link) => link.session.sessionId).filter((id): id is string => id !== undefined && id.length > 0)]);

    // The store steps never fail: what the store cannot take now is refused here at once and
    // delivered later (logging out must work during an outage).
    const until = this.revokedUntil(session, refreshToken);
    for (const id of sessionIds) await this.pending.revokeSession(id, until);
    await this.pending.deleteData(sessionId);
    if (refreshToken !== undefined && refreshToken.length > 0) {
      await this.endpoints.revoke(refreshToken, 'refresh_token', session?.issuer ?? options.issuer);
    }
  }

  async logoutAll(userId: string): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) throw new SessionError('claim_invalid', { message: 'logoutAll needs a user id' });
    const now = Date.now();
    // Whole seconds, like `iat`: a session begun in this very second counts as before.
    await this.pending.revokeUserSessions(userId, Math.floor(now / 1000), now + this.config.maxSessionLifetimeMs + this.clockToleranceMs);
  }

  /** `token_revoked` for a session logged out on this instance while the store could not take it. */
  refuseLoggedOutHere(session: Session): void {
    this.pending.refuseLoggedOut(revocationSubject(session));
  }

  /** Stops delivering pending logouts (the module is closing). */
  close(): void {
    this.pending.close();
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

  private async checkRevocation(session: Session): Promise<void> {
    this.refuseLoggedOutHere(session);
    await this.revocations.check(session);
  }

  /** A refresh answered for a session that was logged out since is refused like a refused refresh token. */
  private async refuseLoggedOut(session: Session): Promise<void> {
    try {
      await this.checkRevocation(session);
    } catch (error) {
      if (!(error instanceof SessionError) || error.reason !== 'token_revoked') throw error;
      throw new SessionError('refresh_failed', { message: 'The session of this refresh token has been logged out', cause: error });
    }
  }

  /** The refresh of one token, shared with the other instances when the store is shared. */
  private async grant(refreshToken: string, issuer: string | undefined): Promise<RefreshedSession> {
    const shared = this.shared;
    if (shared === undefined) return this.providerGrant(refreshToken, issuer);
    let mine: RefreshedSession | undefined;
    let outcome: SharedOutcome;
    try {
      outcome = await shared.run(refreshToken, async () => {
        try {
          mine = await this.providerGrant(refreshToken, issuer);
          return { tokens: { sessionToken: mine.sessionToken, refreshToken: mine.refreshToken, refreshExpiresAt: mine.refreshExpiresAt.getTime() } };
        } catch (error) {
          const refusal = shareableError(error);
          if (refusal === undefined) throw error;
          return refusal;
        }
      });
    } catch (error) {
      // The store cannot coordinate: with revocationFailOpen the refresh goes on in this process alone.
      const storeDown = mine === undefined && error instanceof SessionError && error.reason === 'revocation_unavailable';
      if (storeDown && this.revocation.failOpen) return this.providerGrant(refreshToken, issuer);
      throw error;
    }
    if (mine !== undefined) return mine;
    if ('error' in outcome) {
      const { reason, message, providerError } = outcome.error;
      throw new SessionError(reason, { message, ...(providerError !== undefined && { providerError }) });
    }
    return this.validated(outcome.tokens.sessionToken, outcome.tokens.refreshToken, outcome.tokens.refreshExpiresAt);
  }

  /** The provider's grant: one call however many callers of this process wait on it. */
  private async providerGrant(refreshToken: string, issuer: string | undefined): Promise<RefreshedSession> {
    const grant = await this.endpoints.refresh(refreshToken, issuer);
    const rotated = grant.refreshToken ?? refreshToken;
    const refreshExpiry =
      jwtExpiry(rotated) ?? (grant.refreshExpiresIn !== undefined ? Date.now() + grant.refreshExpiresIn * 1000 : Date.now() + this.config.maxSessionLifetimeMs);
    return this.validated(grant.sessionToken, rotated, refreshExpiry);
  }

  /** New tokens, their session token validated as the guard would. */
  private async validated(sessionToken: string, refreshToken: string, refreshExpiry: number): Promise<RefreshedSession> {
    let session: Session;
    try {
      session = await this.validator.validate(sessionToken);
    } catch (error) {
      // 503s stay 503s: the new token may be fine, the check could not be made.
      if (error instanceof SessionError && error.status === 503) throw error;
      const reason = error instanceof SessionError ? error.reason : 'invalid';
      throw new SessionError('refresh_failed', { message: `The refreshed session token was refused (${reason})`, cause: error });
    }
    return Object.freeze({ sessionToken, refreshToken, expiresAt: session.expiresAt, refreshExpiresAt: new Date(refreshExpiry), session });
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
