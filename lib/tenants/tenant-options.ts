import { nameOrFalse } from '../config/option-readers.js';
import type { TenantResolution } from './tenant-resolver.js';

/** Where a request names its tenant, as an application writes it (part of `SessionModuleOptions`). */
export interface TenantOptions {
  /** Route parameter naming the tenant; `false` to skip. Default `tenantId`. */
  tenantParam?: string | false;
  /** Header naming the tenant; `false` to skip. Default `x-tenant-id`. */
  tenantHeader?: string | false;
  /** Fall back to the `dct` claim. Default `true`. */
  tenantFromClaim?: boolean;
}

export const TENANT_OPTION_KEYS: readonly (keyof TenantOptions)[] = Object.freeze(['tenantParam', 'tenantHeader', 'tenantFromClaim']);

export function readTenantOptions(input: TenantOptions): TenantResolution {
  const header = nameOrFalse('tenantHeader', input.tenantHeader, 'x-tenant-id');
  return Object.freeze({
    param: nameOrFalse('tenantParam', input.tenantParam, 'tenantId'),
    header: header === false ? false : header.toLowerCase(),
    fromClaim: input.tenantFromClaim !== false,
  });
}
