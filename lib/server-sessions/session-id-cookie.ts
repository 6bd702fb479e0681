import { createHash, randomBytes } from 'node:crypto';
import { readCookie } from '../extraction/cookie.parser.js';
import type { ServerSessionsConfig } from './server-session-options.js';

/** 256 bits from the CSPRNG, base64url: the only thing the browser holds. */
export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The public id of a session (store key, `listSessions`, `logout(sessionId)`): a digest of the
 * cookie value, so neither the store nor a devices page ever holds a usable cookie.
 */
export function publicSessionId(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** The cookie's value when it has the shape of one this module set, else `undefined`. */
export function readSessionSecret(config: ServerSessionsConfig, cookieHeader: string | undefined): string | undefined {
  const value = readCookie(cookieHeader, config.cookieName);
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** `Set-Cookie` for the session id: `HttpOnly`, `Secure`, `SameSite`, `Path=/`, no `Domain` (what `__Host-` demands). */
export function sessionIdCookie(config: ServerSessionsConfig, secret: string, maxAgeMs: number): string {
  const maxAge = Math.max(0, Math.floor(maxAgeMs / 1000));
  const parts = [`${config.cookieName}=${secret}`, 'Path=/', `Max-Age=${maxAge}`];
  if (maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  parts.push('HttpOnly');
  if (config.secureCookie) parts.push('Secure');
  parts.push(`SameSite=${config.sameSite}`);
  return parts.join('; ');
}

export function clearedSessionIdCookie(config: ServerSessionsConfig): string {
  return sessionIdCookie(config, '', 0);
}
