import type { ClaimsMapper } from '../claims-mapper.interface.js';
import { SessionConfigError } from '../../errors/session-config.error.js';
import { isPlainRecord, scopeList, stringArray } from '../safe-values.js';

export interface KeycloakClaimsOptions {
  /**
   * The client (in Keycloak's sense: usually this API) whose client roles,
   * `resource_access[clientId].roles`, join the realm roles. Unset: realm roles only.
   */
  clientId?: string;
}

/** `organization` as Keycloak 26 puts it: an array of aliases, or a map keyed by alias. */
function organizationIds(organization: unknown): string[] {
  if (Array.isArray(organization)) return [...stringArray(organization)];
  if (isPlainRecord(organization)) return Object.keys(organization);
  return [];
}

/**
 * Keycloak's access tokens.
 * - roles: `realm_access.roles`, plus `resource_access[clientId].roles` for the configured client
 * - permissions: the granted `scope`
 * - tenants: each organization in the `organization` claim (alias list or map). Keycloak has no
 *   per-organization roles, so the user's roles and scopes hold in each of them: naming an
 *   organization checks membership and leaves the grants as they are. The current tenant is the
 *   organization when the token names exactly one.
 * - authentication methods: `amr` (when a mapper adds it); session id: `sid`, else `jti`
 *
 * ```json
 * { "iss": "https://sso.example.com/realms/acme", "sub": "5f0c9b1e-2d6a-4c55-9a3e-0c1f8d2b7e41",
 *   "aud": ["orders-api", "account"], "azp": "orders-web", "typ": "Bearer", "sid": "a3c1e0d2-...",
 *   "realm_access": { "roles": ["offline_access", "uma_authorization", "support"] },
 *   "resource_access": { "orders-api": { "roles": ["orders-admin"] }, "account": { "roles": ["manage-account"] } },
 *   "scope": "openid profile email orders:read", "organization": { "acme": { "id": "42c3e46f-..." } } }
 * ```
 */
export function keycloakClaims(options: KeycloakClaimsOptions = {}): ClaimsMapper {
  const { clientId } = options;
  if (clientId !== undefined && (typeof clientId !== 'string' || clientId.length === 0)) {
    throw new SessionConfigError('claims', 'keycloakClaims({ clientId }) needs clientId as a non-empty string');
  }
  return (payload) => {
    const realmRoles = isPlainRecord(payload.realm_access) ? stringArray(payload.realm_access.roles) : [];
    const client = clientId !== undefined && isPlainRecord(payload.resource_access) && Object.hasOwn(payload.resource_access, clientId)
      ? payload.resource_access[clientId]
      : undefined;
    const clientRoles = isPlainRecord(client) ? stringArray(client.roles) : [];
    const roles = [...new Set([...realmRoles, ...clientRoles])];
    const permissions = scopeList(payload.scope);
    const organizations = organizationIds(payload.organization);
    const tenants: Record<string, unknown> = Object.create(null);
    for (const id of organizations) tenants[id] = { roles, permissions };
    return {
      roles,
      permissions,
      tenants,
      currentTenant: organizations.length === 1 ? organizations[0] : undefined,
      authMethods: payload.amr,
      sessionId: payload.sid ?? payload.jti,
    };
  };
}
