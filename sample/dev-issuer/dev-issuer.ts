import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import { DEV_CLIENT_ID, DevOAuthServer } from './dev-oauth-server.js';
import { DevOpenIdProvider } from './dev-openid-provider.js';
import { DevRefreshTokens } from './dev-refresh-tokens.js';
import type { DevTokenRequest } from './dev-token-request.js';

/** A login's tokens, as `setSessionCookies` takes them. */
export interface DevLogin {
  readonly sessionToken: string;
  readonly expiresAt: Date;
  readonly refreshToken: string;
  readonly refreshExpiresAt: Date;
}

/** The `iss` and `aud` of dev tokens, and what the module expects in dev-issuer mode. */
export const DEV_ISSUER = 'sample-dev-issuer';
export const DEV_AUDIENCE = 'sample-api';

/**
 * A development-only token issuer: an ES256 key pair made at start (never written anywhere),
 * and Descope-shaped session tokens for whatever roles and tenants a developer asks for.
 * Tokens do not survive a restart: the next start makes a new key with a new `kid`.
 */
export class DevIssuer {
  private readonly refreshTokens = new DevRefreshTokens();
  /** Its token and revocation endpoints, on their own loopback port (see `DevOAuthServer`). */
  oauth!: DevOAuthServer;

  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly kid: string,
    /** The public half, as served at `/.well-known/jwks.json`. */
    readonly jwks: JSONWebKeySet,
  ) {}

  static async create(): Promise<DevIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = `dev-${randomBytes(6).toString('hex')}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const issuer = new DevIssuer(privateKey, kid, Object.freeze({ keys: [Object.freeze(jwk)] }));
    issuer.oauth = await DevOAuthServer.start({
      refresh: (refreshToken) => issuer.refresh(refreshToken),
      revoke: (token) => issuer.refreshTokens.revoke(token),
      jwks: () => issuer.jwks,
      openId: (origin) => new DevOpenIdProvider({ clientId: DEV_CLIENT_ID, codeTokens: (request, nonce, iss) => issuer.codeTokens(request, nonce, iss) }, origin),
    });
    return issuer;
  }

  /** The OAuth client id the SessionModule uses at the dev endpoints. */
  get clientId(): string {
    return DEV_CLIENT_ID;
  }

  /** A login: a session token and a rotating refresh token for the same session (`sid`). */
  async login(request: DevTokenRequest): Promise<DevLogin> {
    const sid = randomUUID();
    const sessionToken = await this.issue(request, sid);
    return {
      sessionToken,
      expiresAt: new Date((Math.floor(Date.now() / 1000) + request.ttl) * 1000),
      refreshToken: this.refreshTokens.start(request, sid),
      refreshExpiresAt: new Date(Date.now() + this.refreshTokens.lifetimeSeconds * 1000),
    };
  }

  /** The code flow's token response: the session token, an ID token (iss: the provider's URL) and a refresh token, one `sid`. */
  async codeTokens(request: DevTokenRequest, nonce: string | undefined, openIdIssuer: string): Promise<Record<string, unknown>> {
    const sid = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({ sid, ...(nonce !== undefined && { nonce }), auth_time: now })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setIssuer(openIdIssuer)
      .setAudience(DEV_CLIENT_ID)
      .setSubject(request.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(this.privateKey);
    return {
      access_token: await this.issue(request, sid),
      token_type: 'Bearer',
      expires_in: request.ttl,
      id_token: idToken,
      refresh_token: this.refreshTokens.start(request, sid),
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.oauth.close();
  }

  /** The refresh grant: a new session token for the same login, and the next refresh token. */
  private async refresh(refreshToken: string): Promise<Record<string, unknown> | { error: string }> {
    const rotated = this.refreshTokens.rotate(refreshToken);
    if (!rotated) return { error: 'invalid_grant' };
    return {
      access_token: await this.issue(rotated.request, rotated.sid),
      token_type: 'Bearer',
      expires_in: rotated.request.ttl,
      refresh_token: rotated.refreshToken,
      // The login's refresh tokens share one end: a rotation does not extend it.
      refresh_expires_in: Math.max(1, Math.floor((rotated.expiresAt - Date.now()) / 1000)),
    };
  }

  /** Signs a session token in Descope's claim layout. */
  issue(request: DevTokenRequest, sid: string = randomUUID()): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      // Extra claims first (e.g. `suspended`, `auth_time`, `nbf`): the layout claims below and
      // iss, aud, sub, iat, exp set after them always win.
      ...request.claims,
      roles: request.roles,
      permissions: request.permissions,
      tenants: request.tenants,
      ...(request.tenant !== undefined && { dct: request.tenant }),
      amr: request.amr,
      sid,
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(request.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + request.ttl)
      .sign(this.privateKey);
  }
}
