import { createHash } from 'node:crypto';
import type { Session } from '../claims/session.interface.js';
import { checkCsrf } from '../csrf/csrf-check.js';
import type { CsrfPolicy } from '../csrf/csrf-options.js';
import { SessionError } from '../errors/session-error.js';
import { SingleFlight } from '../lifecycle/single-flight.js';
import type { SessionValidation } from '../lifecycle/refreshed-session.js';
import type { GuardedRequest } from '../transport/guarded-request.js';
import type { ServerSessionManager } from './server-session-manager.js';
import type { ServerSessionRecord } from './server-session-record.js';
import { clearedSessionIdCookie, readSessionSecret } from './session-id-cookie.js';

/** What the source needs from `SessionService`: validation and refresh exactly as for any token. */
export interface SessionTokenValidator {
  validateSession(token: string): Promise<Session>;
  validateAndRefreshSession(sessionToken?: string, refreshToken?: string): Promise<SessionValidation>;
}

/** How long one instance holds the right to refresh a session, and how long the others wait for its result. */
const REFRESH_LOCK_MS = 15_000;
const REFRESH_WAIT_MS = 10_000;
const REFRESH_POLL_MS = 100;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The guard's token source for server-side sessions, one entry point: `locate(request)`.
 * Session id cookie -> stored session -> its session token, validated offline exactly as a
 * cookie or header token; an expired one is refreshed server-side, by one instance at a time
 * (the store's `claimOnce` is the lock; the others wait for the stored result). No token is
 * ever written to the response: only the cookie is cleared when the session has ended.
 */
export class ServerSessionSource {
  private readonly flights = new SingleFlight<Session>(0);

  constructor(
    private readonly manager: ServerSessionManager,
    private readonly sessions: SessionTokenValidator,
    private readonly csrf: CsrfPolicy | false,
  ) {}

  /**
   * The request's server-side session, or `undefined` when it has no session cookie, or one
   * whose session has ended (the cookie is then cleared). A cookie session: the CSRF rules of
   * cookie sessions apply (403 `csrf_failed`), checked before anything else.
   */
  async locate(request: GuardedRequest): Promise<Session | undefined> {
    const secret = readSessionSecret(this.manager.config, request.cookieHeader);
    if (secret === undefined) return undefined;
    if (this.csrf !== false) checkCsrf(this.csrf, request);
    const record = await this.manager.load(secret);
    if (record === undefined) {
      request.appendSetCookie?.([clearedSessionIdCookie(this.manager.config)]);
      return undefined;
    }
    try {
      const session = await this.sessions.validateSession(record.sessionToken);
      await this.manager.touch(record);
      return session;
    } catch (error) {
      if (!(error instanceof SessionError) || error.reason !== 'token_expired' || record.refreshToken === undefined) {
        await this.endIfDead(error, record, request);
        throw error;
      }
      try {
        return await this.flights.run(record.id, () => this.refresh(record));
      } catch (refreshError) {
        await this.endIfDead(refreshError, record, request);
        throw refreshError;
      }
    }
  }

  /** The instance that wins the lock refreshes and stores; the others wait for the stored tokens. */
  private async refresh(record: ServerSessionRecord): Promise<Session> {
    if (await this.manager.lock(`refresh:${record.id}:${digest(record.sessionToken)}`, REFRESH_LOCK_MS)) {
      const { session, refreshed } = await this.sessions.validateAndRefreshSession(record.sessionToken, record.refreshToken);
      if (refreshed !== undefined) await this.manager.replaceTokens(record, refreshed);
      return session;
    }
    const deadline = Date.now() + REFRESH_WAIT_MS;
    while (Date.now() < deadline) {
      await sleep(REFRESH_POLL_MS);
      const current = await this.manager.byId(record.id);
      if (current === undefined) throw new SessionError('token_revoked', { message: 'The session ended while it was being refreshed' });
      if (current.sessionToken !== record.sessionToken) return this.sessions.validateSession(current.sessionToken);
    }
    throw new SessionError('provider_unavailable', { message: 'Another instance is refreshing this session and has not finished' });
  }

  /** A session whose tokens can no longer be used (revoked, refresh refused) ends here too. */
  private async endIfDead(error: unknown, record: ServerSessionRecord, request: GuardedRequest): Promise<void> {
    if (!(error instanceof SessionError) || error.status !== 401) return;
    await this.manager.end(record.id).catch(() => undefined);
    request.appendSetCookie?.([clearedSessionIdCookie(this.manager.config)]);
  }
}
