import type { ClaimsMapper } from '../claims-mapper.interface.js';

/**
 * Descope's layout: `roles` and `permissions` at the top level, a `tenants` map with each
 * tenant's own grants, `dct` for the current tenant, `amr` for the authentication methods,
 * `sid` (else `jti`) for the session.
 *
 * ```json
 * { "iss": "https://api.descope.com/P2abcDEF123", "sub": "U2xk9f0aQ7Lm", "aud": ["P2abcDEF123"], "amr": ["email", "mfa"],
 *   "drn": "DS", "sid": "S2f0e1d2c3b4", "roles": ["support"], "permissions": ["tickets:read"], "dct": "T2acme",
 *   "tenants": { "T2acme": { "roles": ["admin"], "permissions": ["projects:create", "billing:read"] }, "T2beta": { "roles": ["viewer"] } } }
 * ```
 */
export const descopeClaims: ClaimsMapper = (payload) => ({
  roles: payload.roles,
  permissions: payload.permissions,
  tenants: payload.tenants,
  currentTenant: payload.dct,
  authMethods: payload.amr,
  sessionId: payload.sid ?? payload.jti,
});
