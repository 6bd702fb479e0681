import { createHash, randomBytes } from 'node:crypto';
import type { DevTokenRequest } from './dev-token-request.js';

/** One login: what its session tokens say, and the refresh token currently valid for it. */
interface DevLogin {
  readonly request: DevTokenRequest;
  readonly sid: string;
  readonly expiresAt: number;
  current?: string;
  revoked: boolean;
}

const REFRESH_LIFETIME_SECONDS = 86_400;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * DEV ONLY. The dev issuer's refresh tokens: opaque, rotated on every use. A refresh token used
 * twice ends its whole login (reuse means it leaked), as real providers do. Kept in memory.
 */
export class DevRefreshTokens {
  /** By token digest: the login it belongs to (rotated-out tokens stay, to detect reuse). */
  private readonly byToken = new Map<string, DevLogin>();

  readonly lifetimeSeconds = REFRESH_LIFETIME_SECONDS;

  /** A new login's first refresh token. */
  start(request: DevTokenRequest, sid: string): string {
    return this.issue({ request, sid, expiresAt: Date.now() + REFRESH_LIFETIME_SECONDS * 1000, revoked: false });
  }

  /** Rotates: the login and its new refresh token, or `undefined` (unknown, expired, revoked or reused). */
  rotate(token: string): { request: DevTokenRequest; sid: string; refreshToken: string; expiresAt: number } | undefined {
    const login = this.byToken.get(digest(token));
    if (!login || login.revoked || login.expiresAt <= Date.now()) return undefined;
    if (login.current !== digest(token)) {
      login.revoked = true;
      return undefined;
    }
    return { request: login.request, sid: login.sid, refreshToken: this.issue(login), expiresAt: login.expiresAt };
  }

  /** RFC 7009: ends the login the token belongs to; unknown tokens are ignored. */
  revoke(token: string): void {
    const login = this.byToken.get(digest(token));
    if (login) login.revoked = true;
  }

  private issue(login: DevLogin): string {
    const token = randomBytes(32).toString('base64url');
    login.current = digest(token);
    this.byToken.set(login.current, login);
    return token;
  }
}
