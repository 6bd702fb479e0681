/** A tenant's own grants, as carried in the session's `tenants` map. */
export interface TenantGrants {
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
}

/** The normalized, immutable view of a verified session token, whatever the provider. */
export interface Session {
  /** `sub` */
  readonly userId: string;
  /** `sid`, else `jti` */
  readonly sessionId?: string;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly issuedAt?: Date;
  readonly expiresAt: Date;
  /** `amr` */
  readonly authMethods: readonly string[];
  /** `dct`: the tenant the user last selected */
  readonly currentTenant?: string;
  /** The tenant resolved for this request, if any (set by the guard). */
  readonly tenantId?: string;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly tenants: Readonly<Record<string, TenantGrants>>;
  /** The verified payload, frozen. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly token: string;
}

/** What `@Tenant()` gives: the resolved tenant and the session's grants in it. */
export interface TenantContext extends TenantGrants {
  readonly id: string;
}
