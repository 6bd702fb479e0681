import { cookiePairs } from '../extraction/cookie.parser.js';

/**
 * Whether `token` is the value of one of the request's cookies: the session then comes from a
 * cookie (the browser attaches it by itself, hence the CSRF check), whatever extractor found it.
 * Each value is read as the cookie extractor reads it (unquoted, percent-decoded) and compared
 * raw as well, so no spelling of the cookie (`%65yJ...`) passes it off as a header token.
 */
export function isCookieValue(cookieHeader: string | undefined, token: string): boolean {
  for (const [, value] of cookiePairs(cookieHeader)) if (value === token) return true;
  // A custom extractor may hand over a cookie's text undecoded.
  return cookieHeader !== undefined && cookieHeader.split(';').some((pair) => pair.slice(pair.indexOf('=') + 1).trim() === token);
}
