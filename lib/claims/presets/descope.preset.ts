import type { ClaimsMapper } from '../claims-mapper.interface.js';

/**
 * Descope's layout: `roles` and `permissions` at the top level, a `tenants` map with each
 * tenant's own grants, `dct` for the current tenant, `amr` for the authentication methods.
 */
export const descopeClaims: ClaimsMapper = (payload) => ({
  roles: payload.roles,
  permissions: payload.permissions,
  tenants: payload.tenants,
  currentTenant: payload.dct,
  authMethods: payload.amr,
  sessionId: payload.sid ?? payload.jti,
});
