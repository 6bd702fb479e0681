/**
 * Whether `token` is the value of one of the request's cookies: the session then comes from a
 * cookie (the browser attaches it by itself, hence the CSRF check), whatever extractor found it.
 */
export function isCookieValue(cookieHeader: string | undefined, token: string): boolean {
  if (!cookieHeader || !cookieHeader.includes(token)) return false;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value === token) return true;
    try {
      if (decodeURIComponent(value) === token) return true;
    } catch {
      // not percent-encoded: compared as is above
    }
  }
  return false;
}
