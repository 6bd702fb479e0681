import type { ClaimsMapper } from '../claims-mapper.interface.js';

/**
 * Descope's layout: `roles` and `permissions` at the top level, a `tenants` map with each
 * tenant's own grants, `dct` for the current tenant, `amr` for the authentication methods,
 * `sid` (else `jti`) for the session.
 *
 * ```json
 * { "iss": "https://api.descope.com/P2abc", "sub": "U2xk9f0a", "aud": ["P2abc"], "amr": ["email", "totp"],
 *   "drn": "DS", "sid": "S2f0e1d2", "roles": ["viewer"], "permissions": ["reports:read"], "dct": "T1acme",
 *   "tenants": { "T1acme": { "roles": ["admin"], "permissions": ["billing:write"] }, "T2beta": { "roles": ["viewer"] } } }
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
