import { Logger } from '@nestjs/common';
import type { Session } from '../claims/session.interface.js';
import { clearedSessionCookieHeaders, sessionCookieHeaders } from '../cookies/session-cookies.js';
import { checkCsrf, type CsrfRequest } from '../csrf/csrf-check.js';
import { SessionError } from '../errors/session-error.js';
import { readCookie } from '../extraction/cookie.parser.js';
import type { SessionOptions } from '../options/session-options.js';
import { endServerSessionTokens } from '../server-sessions/end-server-session.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import { clearedSessionIdCookie, publicSessionId, readSessionSecret, sessionIdCookie } from '../server-sessions/session-id-cookie.js';
import type { SessionService } from '../service/session.service.js';
import type { LoginConfig } from './login-options.js';
import { LoginError } from './login-error.js';
import { LoginTransactions } from './login-transaction.js';
import { OidcLoginClient, type LoginTokens } from './oidc-login-client.js';
import { callProviderLogout } from './provider-logout.js';
import { checkedReturnTo } from './return-to.js';

/** What a login route answers: cookies to set and where to send the browser. */
export interface LoginStep {
  readonly cookies: string[];
  readonly redirect: string;
}

/** The request as the login routes read it, whatever the HTTP platform. */
export interface LoginRequest extends CsrfRequest {
  readonly cookieHeader?: string;
}

/** The ID token (for `id_token_hint`) of a client-side cookie session, kept server-side by its `sid`. */
const ID_TOKEN_KEY = (sid: string) => `login-idt:${sid}`;

/**
 * The three login steps, independent of Express and Fastify: begin (redirect to the provider),
 * callback (exchange, validate, create the session: server-side, or `DS` / `DSR` cookies) and
 * logout (end the session locally and at the provider, then RP-initiated logout).
 */
export class LoginFlow {
  private readonly logger = new Logger('LoginFlow');
  private readonly client: OidcLoginClient;
  private readonly transactions: LoginTransactions;

  constructor(
    private readonly config: LoginConfig,
    private readonly options: SessionOptions,
    private readonly sessions: SessionService,
    private readonly serverSessions: ServerSessionManager | undefined,
  ) {
    this.client = new OidcLoginClient(config, options.lifecycle.client, options.keyFetch.fetchLimits.timeoutMs, options.keyFetch.allowInsecureHttp);
    const secure = serverSessions === undefined || serverSessions.config.secureCookie;
    this.transactions = new LoginTransactions(options.revocation.store, config.loginTimeoutMs, secure);
  }

  async begin(returnTo: unknown): Promise<LoginStep> {
    const target = checkedReturnTo(this.config, returnTo);
    const { url, transaction } = await this.client.begin(target);
    return { cookies: [await this.transactions.begin(transaction)], redirect: url.href };
  }

  async callback(request: LoginRequest, query: string, userAgent: string | undefined): Promise<LoginStep> {
    const transaction = await this.transactions.take(request.cookieHeader);
    if (transaction === undefined) throw new LoginError('login_expired', 'No login is under way in this browser (or it took too long): start again');
    const tokens = await this.client.finish(query, transaction);
    const sessionToken = this.options.lifecycle.sessionTokenFrom === 'id_token' ? tokens.idToken : tokens.accessToken;
    if (sessionToken === undefined) throw new LoginError('login_failed', 'The provider returned no ID token');
    const session = await this.validated(sessionToken);
    const cookies = this.serverSessions
      ? await this.startServerSession(request, session, sessionToken, tokens, userAgent)
      : await this.startCookieSession(session, sessionToken, tokens);
    return { cookies: [...cookies, this.transactions.cleared()], redirect: transaction.returnTo };
  }

  async logout(request: LoginRequest): Promise<LoginStep> {
    if (this.options.csrf !== false) checkCsrf(this.options.csrf, request);
    const { cookies, idToken } = this.serverSessions ? await this.endServerSession(request) : await this.endCookieSession(request);
    const endSession = await this.client.endSessionUrl(idToken).catch(() => undefined);
    return { cookies, redirect: endSession?.href ?? this.config.postLogoutRedirectUri ?? this.config.defaultReturnTo };
  }

  /** The new session token passes the module's own validation before any session exists. */
  private async validated(token: string): Promise<Session> {
    try {
      return await this.sessions.validateSession(token);
    } catch (error) {
      if (error instanceof SessionError && error.status === 503) throw error;
      const reason = error instanceof SessionError ? error.reason : 'invalid';
      throw new LoginError('login_failed', `The provider's session token was refused (${reason})`, { cause: error });
    }
  }

  /** A new random session id every login; the one the browser came with ends (no session fixation). */
  private async startServerSession(request: LoginRequest, session: Session, sessionToken: string, tokens: LoginTokens, userAgent: string | undefined): Promise<string[]> {
    const manager = this.serverSessions!;
    const previous = readSessionSecret(manager.config, request.cookieHeader);
    const { secret } = await manager.create(
      {
        userId: session.userId,
        issuer: session.issuer,
        sessionToken,
        ...(tokens.refreshToken !== undefined && { refreshToken: tokens.refreshToken }),
        ...(tokens.idToken !== undefined && { idToken: tokens.idToken }),
        ...(tokens.providerSessionId !== undefined && { providerSessionId: tokens.providerSessionId }),
        ...(userAgent !== undefined && { userAgent }),
      },
      previous,
    );
    return [sessionIdCookie(manager.config, secret, manager.config.absoluteLifetimeMs)];
  }

  private async startCookieSession(session: Session, sessionToken: string, tokens: LoginTokens): Promise<string[]> {
    const refreshExpiresAt = new Date(Date.now() + this.options.lifecycle.maxSessionLifetimeMs);
    if (tokens.idToken !== undefined && session.sessionId !== undefined) {
      const kept = JSON.stringify({ idToken: tokens.idToken, providerSessionId: tokens.providerSessionId });
      await this.options.revocation.store.setData(ID_TOKEN_KEY(session.sessionId), kept, refreshExpiresAt.getTime());
    }
    return sessionCookieHeaders(
      { sessionToken, expiresAt: session.expiresAt, ...(tokens.refreshToken !== undefined && { refreshToken: tokens.refreshToken, refreshExpiresAt }) },
      this.options.cookies,
    );
  }

  private async endServerSession(request: LoginRequest): Promise<{ cookies: string[]; idToken?: string }> {
    const manager = this.serverSessions!;
    const secret = readSessionSecret(manager.config, request.cookieHeader);
    const record = secret === undefined ? undefined : await manager.end(publicSessionId(secret));
    if (record !== undefined) {
      await endServerSessionTokens(record, (sid, options) => this.sessions.logout(sid, options), this.config.providerLogout, (message) => this.logger.warn(message));
    }
    return { cookies: [clearedSessionIdCookie(manager.config)], ...(record?.idToken !== undefined && { idToken: record.idToken }) };
  }

  /**
   * A cookie session is ended only when its session token still validates (a forged cookie must
   * not revoke someone else's `sid`); the cookies are cleared either way.
   */
  private async endCookieSession(request: LoginRequest): Promise<{ cookies: string[]; idToken?: string }> {
    const cookies = clearedSessionCookieHeaders(this.options.cookies);
    const token = readCookie(request.cookieHeader, this.options.cookies.sessionCookieName ?? 'DS');
    const session = token ? await this.sessions.validateSession(token).catch(() => undefined) : undefined;
    if (session === undefined) return { cookies };
    const refreshToken = readCookie(request.cookieHeader, this.options.cookies.refreshCookieName ?? 'DSR') || undefined;
    const kept = session.sessionId === undefined ? undefined : await this.options.revocation.store.getData(ID_TOKEN_KEY(session.sessionId));
    const { idToken, providerSessionId } = kept === undefined ? {} : (JSON.parse(kept) as { idToken?: string; providerSessionId?: string });
    await this.sessions.logout(session, refreshToken === undefined ? {} : { refreshToken });
    if (kept !== undefined) await this.options.revocation.store.deleteData(ID_TOKEN_KEY(session.sessionId!));
    await callProviderLogout(
      this.config.providerLogout,
      { userId: session.userId, issuer: session.issuer, sessionToken: token!, ...(providerSessionId && { providerSessionId }), ...(idToken && { idToken }) },
      (message) => this.logger.warn(message),
    );
    return { cookies, ...(idToken !== undefined && { idToken }) };
  }
}
