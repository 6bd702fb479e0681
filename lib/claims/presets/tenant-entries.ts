import type { TenantGrants } from '../session.interface.js';

/**
 * A tenants map on a null prototype for presets that build one from a single tenant id: an id
 * such as `__proto__` stays an ordinary entry (and the sanitizer then drops it).
 */
export function singleTenant(id: unknown, grants: { roles: unknown; permissions: unknown }): Record<string, unknown> | undefined {
  if (typeof id !== 'string' || id.length === 0) return undefined;
  const tenants: Record<string, unknown> = Object.create(null);
  tenants[id] = { roles: grants.roles, permissions: grants.permissions } satisfies Record<keyof TenantGrants, unknown>;
  return tenants;
}
