import type { ClaimsMapper } from '../claims-mapper.interface.js';
import { isPlainRecord } from '../safe-values.js';
import { singleTenant } from './tenant-entries.js';

/** SuperTokens wraps each claim as `{ v: value, t: fetched-at }`. */
function claimValue(claim: unknown): unknown {
  return isPlainRecord(claim) ? claim.v : undefined;
}

/** The factors completed, from the MFA claim `st-mfa.c` (`{ factorId: completed-at }`). */
function completedFactors(mfa: unknown): string[] | undefined {
  if (!isPlainRecord(mfa) || !isPlainRecord(mfa.c)) return undefined;
  return Object.keys(mfa.c);
}

/**
 * SuperTokens' access tokens (UserRoles and Multitenancy recipes).
 * - roles: `st-role.v`; permissions: `st-perm.v`
 * - tenant: `tId` is the current tenant, holding the token's roles and permissions
 *   (SuperTokens roles are assigned per tenant)
 * - authentication methods: the completed factors of `st-mfa.c`; session id: `sessionHandle`
 *
 * ```json
 * { "iss": "https://api.example.com/auth", "sub": "fa7a0841-b533-4478-95f2-a7f4b1d0c2e6", "tId": "public",
 *   "sessionHandle": "1c8b5f7e-6c9d-4f5e-8a2b-3d4e5f6a7b8c", "rsub": "fa7a0841-b533-4478-95f2-a7f4b1d0c2e6",
 *   "st-role": { "v": ["admin"], "t": 1767225600000 }, "st-perm": { "v": ["orders:read"], "t": 1767225600000 },
 *   "st-ev": { "v": true, "t": 1767225600000 }, "st-mfa": { "c": { "emailpassword": 1767225600 }, "v": true } }
 * ```
 */
export const supertokensClaims: ClaimsMapper = (payload) => {
  const roles = claimValue(payload['st-role']);
  const permissions = claimValue(payload['st-perm']);
  return {
    roles,
    permissions,
    tenants: singleTenant(payload.tId, { roles, permissions }),
    currentTenant: payload.tId,
    authMethods: completedFactors(payload['st-mfa']),
    sessionId: payload.sessionHandle,
  };
};
