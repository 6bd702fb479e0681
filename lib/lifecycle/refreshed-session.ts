import type { Session } from '../claims/session.interface.js';

/** What a refresh gives: the new tokens, already validated as the guard would. */
export interface RefreshedSession {
  readonly sessionToken: string;
  /** The rotated refresh token (the old one when the provider does not rotate). */
  readonly refreshToken: string;
  /** The new session token's `exp`. */
  readonly expiresAt: Date;
  /**
   * When the refresh token stops working: its `exp` when it is a JWT, else the provider's
   * `refresh_expires_in`, else `maxSessionLifetime` from now.
   */
  readonly refreshExpiresAt: Date;
  /** The validated new session. */
  readonly session: Session;
}

/** `validateAndRefreshSession`: the valid session, and the new tokens when it had to be refreshed. */
export interface SessionValidation {
  readonly session: Session;
  readonly refreshed?: RefreshedSession;
}

export interface RefreshOptions {
  /** Whose token endpoint, when several issuers are configured (discovery). */
  issuer?: string;
}

export interface LogoutOptions {
  /** Revoked at the provider (RFC 7009) when it has a revocation endpoint, and bounds how long the record is kept. */
  refreshToken?: string;
  /** Whose revocation endpoint, for `logout(sessionId)` with several issuers configured. */
  issuer?: string;
}
