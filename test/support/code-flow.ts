// A free loopback port, so a relying party's redirect URI can be registered before the app listens.
export { freePort } from './free-port.js';

/** Cookies by name, for one origin: what a browser would send back. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): this {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const maxAge = attributes.find((attribute) => /^max-age=/i.test(attribute));
      if (maxAge !== undefined && Number(maxAge.slice(8)) <= 0) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Walks an authorization request through oidc-provider's development login and consent pages
 * (any account id, any password), as a browser would, and gives the URL the provider redirects
 * back to (the callback, with `code`, `state` and `iss`), without following it.
 */
export async function providerLogin(authorizationUrl: string, redirectPrefix: string, accountId = 'user-1'): Promise<string> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  let init: RequestInit = {};
  for (let step = 0; step < 12; step++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header } });
    jar.take(response);
    const location = response.headers.get('location');
    if (location?.startsWith(redirectPrefix)) return location;
    if (location) {
      url = new URL(location, url);
      init = {};
      continue;
    }
    const page = await response.text();
    if (response.status !== 200 || !url.pathname.startsWith('/interaction/')) throw new Error(`unexpected ${response.status} at ${url.pathname}: ${page.slice(0, 200)}`);
    const prompt: Record<string, string> = page.includes('name="login"') ? { prompt: 'login', login: accountId, password: 'any' } : { prompt: 'consent' };
    init = { method: 'POST', body: new URLSearchParams(prompt), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('authorization did not complete');
}
