import { SessionConfigError } from '../errors/session-config.error.js';
import type { SessionCookieOptions } from './session-cookies.js';

/** Cookie options of the module (beside `cookieName` and `refreshCookieName`). */
export interface CookieModuleOptions {
  /**
   * `Path` of the refresh cookie the module sets. Default `/`. A narrower path keeps the refresh
   * token off other requests; automatic refresh then only happens under it.
   */
  refreshCookiePath?: string;
}

export const COOKIE_OPTION_KEYS: readonly (keyof CookieModuleOptions)[] = Object.freeze(['refreshCookiePath']);

/** The cookie settings the guard (and `SessionService.cookieOptions`) use, from the module's options. */
export function readCookieOptions(input: CookieModuleOptions & { cookieName?: unknown; refreshCookieName?: unknown }): Readonly<SessionCookieOptions> {
  const path = input.refreshCookiePath ?? '/';
  if (typeof path !== 'string' || !/^\/[\x20-\x3A\x3C-\x7E]*$/.test(path)) {
    throw new SessionConfigError('refreshCookiePath', 'must be a path starting with "/" (printable characters, no ";")');
  }
  const sessionCookieName = typeof input.cookieName === 'string' ? input.cookieName : 'DS';
  const refreshCookieName = typeof input.refreshCookieName === 'string' ? input.refreshCookieName : 'DSR';
  return Object.freeze({ sessionCookieName, refreshCookieName, path: '/', refreshCookiePath: path });
}
