import { tenantGrants } from '../claims/safe-values.js';
import type { Session, TenantContext } from '../claims/session.interface.js';
import { SessionError } from '../errors/session-error.js';

/** Where a request may name its tenant. */
export interface TenantHints {
  /** The route parameter (`tenantId` by default). */
  param(name: string): string | undefined;
  header(name: string): string | undefined;
}

export interface TenantResolution {
  /** Route parameter consulted first; `false` to skip. */
  readonly param: string | false;
  /** Header consulted next; `false` to skip. */
  readonly header: string | false;
  /** Fall back to the session's current tenant (`dct`). */
  readonly fromClaim: boolean;
}

/** A tenant the session is a member of, with its grants; `undefined` for any other id. */
export function tenantContext(session: Session, id: string): TenantContext | undefined {
  const grants = tenantGrants(session.tenants, id);
  return grants && Object.freeze({ id, roles: grants.roles, permissions: grants.permissions });
}

/**
 * Route parameter, then header, then `dct`. A tenant the request names but the session is no
 * member of is refused; a `dct` without a matching `tenants` entry resolves nothing.
 */
export function resolveTenant(resolution: TenantResolution, hints: TenantHints, session: Session): TenantContext | undefined {
  const named =
    (resolution.param === false ? undefined : hints.param(resolution.param)) ??
    (resolution.header === false ? undefined : hints.header(resolution.header));
  if (named !== undefined && named !== '') {
    const tenant = tenantContext(session, named);
    if (!tenant) throw new SessionError('tenant_not_member');
    return tenant;
  }
  if (resolution.fromClaim && session.currentTenant !== undefined) return tenantContext(session, session.currentTenant);
  return undefined;
}
