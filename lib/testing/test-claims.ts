/** The grants of one tenant in a Descope session token. */
export interface TestTenantGrants {
  roles?: string[];
  permissions?: string[];
}

/**
 * Claims of a minted token, in Descope's layout (the module's default `claims` preset). Any other
 * claim may be given too; a registered claim given here (`iss`, `iat`, `exp` ...) wins over the
 * one `mint()` would set.
 */
export interface TestSessionClaims {
  /** Default `'user-1'`. */
  sub?: string;
  aud?: string | string[];
  roles?: string[];
  permissions?: string[];
  tenants?: Record<string, TestTenantGrants>;
  /** The current tenant. */
  dct?: string;
  /** Authentication methods, e.g. `['pwd', 'mfa']`. */
  amr?: string[];
  /** The session id. */
  sid?: string;
  [claim: string]: unknown;
}

/** How `mint()` dates and heads the token. */
export interface MintOptions {
  /** Seconds from now until `exp`. Default 600; negative gives an expired token. */
  expiresIn?: number;
  /** Seconds from now until `nbf` (not set by default); positive gives a token not valid yet. */
  notBefore?: number;
  /** Protected header parameters over the defaults `{ alg, kid, typ: 'JWT' }`, e.g. `{ typ: 'at+jwt' }`. */
  header?: Record<string, unknown>;
}
