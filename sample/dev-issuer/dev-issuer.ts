import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import type { DevTokenRequest } from './dev-token-request.js';

/** The `iss` and `aud` of dev tokens, and what the module expects in dev-issuer mode. */
export const DEV_ISSUER = 'sample-dev-issuer';
export const DEV_AUDIENCE = 'sample-api';

/**
 * A development-only token issuer: an ES256 key pair made at start (never written anywhere),
 * and Descope-shaped session tokens for whatever roles and tenants a developer asks for.
 * Tokens do not survive a restart: the next start makes a new key with a new `kid`.
 */
export class DevIssuer {
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
    return new DevIssuer(privateKey, kid, Object.freeze({ keys: [Object.freeze(jwk)] }));
  }

  /** Signs a session token in Descope's claim layout. */
  issue(request: DevTokenRequest): Promise<string> {
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
      sid: randomUUID(),
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
