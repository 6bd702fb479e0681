import { clearedSessionCookieHeaders, sessionCookieHeaders, type SessionCookieOptions, type SessionCookieTokens } from './session-cookies.js';

/** Express (`append`), Fastify (`header`, which adds rather than replaces `set-cookie`) and Node (`getHeader`/`setHeader`) responses. */
interface ResponseLike {
  append?: (name: string, value: string[]) => unknown;
  getHeader?: (name: string) => unknown;
  setHeader?: (name: string, value: string[]) => unknown;
  header?: (name: string, value: string) => unknown;
}

/** Adds `Set-Cookie` values to a response, keeping those already set. */
export function appendSetCookie(response: unknown, cookies: readonly string[]): void {
  const target = response as ResponseLike;
  if (typeof target.append === 'function') {
    target.append('Set-Cookie', [...cookies]);
  } else if (typeof target.getHeader === 'function' && typeof target.setHeader === 'function') {
    const existing = target.getHeader('set-cookie');
    const before = Array.isArray(existing) ? existing.map(String) : existing === undefined ? [] : [String(existing)];
    target.setHeader('Set-Cookie', [...before, ...cookies]);
  } else if (typeof target.header === 'function') {
    for (const cookie of cookies) target.header('set-cookie', cookie);
  } else {
    throw new TypeError('Cannot set cookies on this response object (expected Express, Fastify or Node http)');
  }
}

/**
 * Sets the session cookie (and the refresh cookie) on an Express, Fastify or Node response:
 * `HttpOnly; Secure; SameSite=Strict`, `Max-Age` from the tokens' expiry.
 */
export function setSessionCookies(response: unknown, tokens: SessionCookieTokens, options: SessionCookieOptions = {}): void {
  appendSetCookie(response, sessionCookieHeaders(tokens, options));
}

/** Deletes both session cookies (at logout, or when a refresh is refused). */
export function clearSessionCookies(response: unknown, options: SessionCookieOptions = {}): void {
  appendSetCookie(response, clearedSessionCookieHeaders(options));
}
