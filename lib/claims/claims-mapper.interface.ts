import type { JWTPayload } from 'jose';

/**
 * What a provider's claim layout contributes to a `Session`. Whatever a mapper returns is
 * sanitized again (string arrays only, own keys only), so a mapper cannot weaken the checks.
 */
export interface NormalizedClaims {
  roles?: unknown;
  permissions?: unknown;
  /** `{ [tenantId]: { roles, permissions } }` */
  tenants?: unknown;
  currentTenant?: unknown;
  authMethods?: unknown;
  sessionId?: unknown;
}

/** Maps a verified payload onto the normalized claims. Pure and synchronous: it runs per token. */
export type ClaimsMapper = (payload: Readonly<JWTPayload>) => NormalizedClaims;
