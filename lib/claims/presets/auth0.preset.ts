import { SessionConfigError } from '../../errors/session-config.error.js';
import type { ClaimsMapper } from '../claims-mapper.interface.js';
import { singleTenant } from './tenant-entries.js';

export interface Auth0ClaimsOptions {
  /**
   * The custom claim an Auth0 Action writes the user's roles to, e.g.
   * `https://api.example.com/roles`. Unset: no roles (Auth0 puts none in tokens by itself).
   */
  rolesClaim?: string;
}

/**
 * Auth0's access tokens (RBAC with "Add Permissions in the Access Token" on).
 * - permissions: `permissions`
 * - roles: the configured `rolesClaim`
 * - tenant: `org_id` (Auth0 Organizations) is the current tenant, holding the token's roles
 *   and permissions (the token was issued for that organization)
 * - authentication methods: `amr`; session id: `sid`, else `jti`
 *
 * ```json
 * { "iss": "https://acme.eu.auth0.com/", "sub": "auth0|65a1f0c2b7e4d3a9c8f10e21",
 *   "aud": ["https://api.acme.example", "https://acme.eu.auth0.com/userinfo"], "azp": "Xk3f...",
 *   "scope": "openid profile orders:read", "permissions": ["orders:read", "orders:write"],
 *   "org_id": "org_9Fh2kLw0QzT1xY3b", "https://api.acme.example/roles": ["support"] }
 * ```
 */
export function auth0Claims(options: Auth0ClaimsOptions = {}): ClaimsMapper {
  const { rolesClaim } = options;
  if (rolesClaim !== undefined && (typeof rolesClaim !== 'string' || rolesClaim.length === 0)) {
    throw new SessionConfigError('claims', 'auth0Claims({ rolesClaim }) needs rolesClaim as a non-empty string');
  }
  return (payload) => {
    const roles = rolesClaim !== undefined && Object.hasOwn(payload, rolesClaim) ? payload[rolesClaim] : undefined;
    const permissions = payload.permissions;
    return {
      roles,
      permissions,
      tenants: singleTenant(payload.org_id, { roles, permissions }),
      currentTenant: payload.org_id,
      authMethods: payload.amr,
      sessionId: payload.sid ?? payload.jti,
    };
  };
}
