import { SessionConfigError } from '../errors/session-config.error.js';
import { nameOrFalse, nonEmptyString } from '../config/option-readers.js';
import { DEFAULT_REFRESH_COOKIE, DEFAULT_SESSION_COOKIE, type SessionCookieOptions } from './session-cookies.js';

/** The session cookies, as an application writes them (part of `SessionModuleOptions`). */
export interface CookieModuleOptions {
  /** Cookie holding the session token; `false` to ignore cookies. Default `DS`. */
  cookieName?: string | false;
  /** Cookie holding the refresh token. Default `DSR`. */
  refreshCookieName?: string;
  /**
   * `Path` of the refresh cookie the module sets. Default `/`. A narrower path keeps the refresh
   * token off other requests; automatic refresh then only happens under it.
   */
  refreshCookiePath?: string;
}

export const COOKIE_OPTION_KEYS: readonly (keyof CookieModuleOptions)[] = Object.freeze(['cookieName', 'refreshCookieName', 'refreshCookiePath']);

/** The cookie settings, every name and path decided. */
export type CookieConfig = Readonly<Required<Omit<SessionCookieOptions, 'domain'>>>;

/** The cookie the session token is read from: `false` with `cookieName: false` (never from a cookie). */
export function sessionCookieToRead(input: CookieModuleOptions): string | false {
  return nameOrFalse('cookieName', input.cookieName, DEFAULT_SESSION_COOKIE);
}

/** The one place the cookie defaults are applied: the guard, the extractors and `SessionService.cookieOptions` read this. */
export function readCookieOptions(input: CookieModuleOptions): CookieConfig {
  const path = input.refreshCookiePath ?? '/';
  if (typeof path !== 'string' || !/^\/[\x20-\x3A\x3C-\x7E]*$/.test(path)) {
    throw new SessionConfigError('refreshCookiePath', 'must be a path starting with "/" (printable characters, no ";")');
  }
  const sessionCookie = sessionCookieToRead(input);
  return Object.freeze({
    // With `cookieName: false` the module still names the cookie it would set (refresh is then refused at start-up).
    sessionCookieName: sessionCookie === false ? DEFAULT_SESSION_COOKIE : sessionCookie,
    refreshCookieName: nonEmptyString('refreshCookieName', input.refreshCookieName ?? DEFAULT_REFRESH_COOKIE),
    path: '/',
    refreshCookiePath: path,
  });
}
