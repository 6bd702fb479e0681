import { SessionError } from '../errors/session-error.js';

/** A cookie value as a cookie library reads it: unquoted, then percent-decoded when it decodes. */
function cookieValue(raw: string): string {
  let value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Every `name=value` pair of a `Cookie` header (RFC 6265 section 5.4), values read by the one rule
 * above: whoever asks "which cookie holds this token" and whoever extracts it see the same value.
 */
export function* cookiePairs(cookieHeader: string | undefined): Generator<readonly [name: string, value: string]> {
  if (!cookieHeader) return;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1) yield [pair.slice(0, eq).trim(), cookieValue(pair.slice(eq + 1))];
  }
}

/**
 * The value of one cookie, without cookie middleware. The same name twice with different values
 * (a cookie planted by a sibling subdomain or for a narrower path, say) is ambiguous: refused,
 * never first-wins.
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  let found: string | undefined;
  for (const [cookieName, value] of cookiePairs(cookieHeader)) {
    if (cookieName !== name) continue;
    if (found !== undefined && found !== value) {
      throw new SessionError('token_malformed', { message: `The request carries several different "${name.slice(0, 64)}" cookies` });
    }
    found = value;
  }
  return found;
}
