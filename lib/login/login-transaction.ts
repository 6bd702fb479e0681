import { createHash, randomBytes } from 'node:crypto';
import { isPlainRecord } from '../claims/safe-values.js';
import { readCookie } from '../extraction/cookie.parser.js';
import type { SessionStores } from '../revocation/session-stores.js';

/** What a started login keeps until its callback: the PKCE verifier, `state`, `nonce` and where to go after. */
export interface LoginTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
}

function key(handle: string): string {
  return `login-tx:${createHash('sha256').update(handle).digest('base64url')}`;
}

/**
 * Started logins, kept server-side in the revocation store's data (shared by every instance with
 * Redis) under a digest of a random handle; the browser holds only the handle, in a short-lived
 * `HttpOnly` cookie that binds the callback to the browser that began the login. A transaction
 * is read once: the first callback removes it.
 */
export class LoginTransactions {
  readonly cookieName: string;

  constructor(
    private readonly store: SessionStores,
    private readonly timeoutMs: number,
    private readonly secure: boolean,
  ) {
    this.cookieName = secure ? '__Host-login' : 'login';
  }

  /** Stores the transaction; gives the `Set-Cookie` value for the browser. */
  async begin(transaction: LoginTransaction): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    await this.store.setData(key(handle), JSON.stringify(transaction), Date.now() + this.timeoutMs);
    return this.cookie(handle, Math.floor(this.timeoutMs / 1000));
  }

  /** The browser's transaction, removed as it is read; `undefined` when there is none. */
  async take(cookieHeader: string | undefined): Promise<LoginTransaction | undefined> {
    const handle = readCookie(cookieHeader, this.cookieName);
    if (handle === undefined || !/^[A-Za-z0-9_-]{43}$/.test(handle)) return undefined;
    // Claimed first: of two callbacks racing with one handle (on any instances), one goes on.
    if (!(await this.store.claimOnce(`${key(handle)}:taken`, Date.now() + this.timeoutMs))) return undefined;
    const json = await this.store.getData(key(handle));
    if (json === undefined) return undefined;
    await this.store.deleteData(key(handle));
    const value: unknown = JSON.parse(json);
    if (!isPlainRecord(value)) return undefined;
    const { state, nonce, codeVerifier, returnTo } = value;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string') return undefined;
    return { state, nonce, codeVerifier, returnTo };
  }

  /** Deletes the login cookie. */
  cleared(): string {
    return this.cookie('', 0);
  }

  /** `SameSite=Lax`: the cookie must come along on the provider's redirect back (a top-level cross-site GET). */
  private cookie(value: string, maxAge: number): string {
    const parts = [`${this.cookieName}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly'];
    if (this.secure) parts.push('Secure');
    parts.push('SameSite=Lax');
    return parts.join('; ');
  }
}
