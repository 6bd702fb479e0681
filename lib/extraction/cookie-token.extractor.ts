import { readCookie } from './cookie.parser.js';
import type { TokenExtractor } from './token-extractor.interface.js';

/** The session token from a named cookie (Descope's `DS` by default). */
export function cookieTokenExtractor(cookieName: string): TokenExtractor {
  return (request) => {
    const value = readCookie(request.cookieHeader, cookieName);
    return value ? value : undefined;
  };
}
