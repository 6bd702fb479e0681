/** The cookie names the module uses unless told otherwise (Descope's). */
export const DEFAULT_SESSION_COOKIE = 'DS';
export const DEFAULT_REFRESH_COOKIE = 'DSR';

/** Names and paths of the session cookies; the module's own settings when the guard sets them. */
export interface SessionCookieOptions {
  /** Session-token cookie. Default `DS`. */
  sessionCookieName?: string;
  /** Refresh-token cookie. Default `DSR`. */
  refreshCookieName?: string;
  /** `Path` of the session cookie. Default `/`. */
  path?: string;
  /**
   * `Path` of the refresh cookie: the browser sends it only under this path. Default `/` (every
   * request can then be refreshed automatically); a narrower path (e.g. `/auth`) keeps the refresh
   * token off every other request, and refreshing then happens only there.
   */
  refreshCookiePath?: string;
  /** `Domain`; default none (host-only cookies). */
  domain?: string;
}

/** What the cookies carry: a refresh result (`RefreshedSession`) or a login's tokens. */
export interface SessionCookieTokens {
  readonly sessionToken: string;
  readonly expiresAt: Date;
  readonly refreshToken?: string;
  /** Required with `refreshToken`: the refresh cookie's lifetime. */
  readonly refreshExpiresAt?: Date;
}

interface CookieSpec {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  readonly maxAge: number;
  readonly domain?: string;
}

/** RFC 6265 token characters for a cookie name; a path without `;` or control characters. */
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const COOKIE_PATH = /^\/[\x20-\x3A\x3C-\x7E]*$/;
const COOKIE_DOMAIN = /^[A-Za-z0-9.-]+$/;

function checked(kind: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new TypeError(`Invalid cookie ${kind}: ${JSON.stringify(value)}`);
  return value;
}

/**
 * `HttpOnly` (page scripts cannot read it), `Secure` (HTTPS only; browsers accept it on
 * http://localhost too), `SameSite=Strict` (never sent on cross-site requests).
 */
function serialize(spec: CookieSpec): string {
  const parts = [
    `${checked('name', spec.name, COOKIE_NAME)}=${encodeURIComponent(spec.value)}`,
    `Path=${checked('path', spec.path, COOKIE_PATH)}`,
    `Max-Age=${spec.maxAge}`,
  ];
  if (spec.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (spec.domain !== undefined) parts.push(`Domain=${checked('domain', spec.domain, COOKIE_DOMAIN)}`);
  parts.push('HttpOnly', 'Secure', 'SameSite=Strict');
  return parts.join('; ');
}

/** Whole seconds from now until `at`, never negative. */
function secondsUntil(at: Date, now: number): number {
  const seconds = Math.floor((at.getTime() - now) / 1000);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

/** The `Set-Cookie` values for a session: the session cookie, and the refresh cookie when there is a refresh token. */
export function sessionCookieHeaders(tokens: SessionCookieTokens, options: SessionCookieOptions = {}, now = Date.now()): string[] {
  const domain = options.domain === undefined ? {} : { domain: options.domain };
  const cookies = [
    serialize({ name: options.sessionCookieName ?? DEFAULT_SESSION_COOKIE, value: tokens.sessionToken, path: options.path ?? '/', maxAge: secondsUntil(tokens.expiresAt, now), ...domain }),
  ];
  if (tokens.refreshToken !== undefined) {
    if (tokens.refreshExpiresAt === undefined) throw new TypeError('refreshExpiresAt is required with refreshToken');
    cookies.push(
      serialize({
        name: options.refreshCookieName ?? DEFAULT_REFRESH_COOKIE,
        value: tokens.refreshToken,
        path: options.refreshCookiePath ?? '/',
        maxAge: secondsUntil(tokens.refreshExpiresAt, now),
        ...domain,
      }),
    );
  }
  return cookies;
}

/** The `Set-Cookie` values that delete both cookies (same names, paths and domain as they were set with). */
export function clearedSessionCookieHeaders(options: SessionCookieOptions = {}): string[] {
  const domain = options.domain === undefined ? {} : { domain: options.domain };
  return [
    serialize({ name: options.sessionCookieName ?? DEFAULT_SESSION_COOKIE, value: '', path: options.path ?? '/', maxAge: 0, ...domain }),
    serialize({ name: options.refreshCookieName ?? DEFAULT_REFRESH_COOKIE, value: '', path: options.refreshCookiePath ?? '/', maxAge: 0, ...domain }),
  ];
}
