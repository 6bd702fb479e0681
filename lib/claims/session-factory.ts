import type { JWTPayload } from 'jose';
import type { ClaimsMapper } from './claims-mapper.interface.js';
import { deepFreeze, optionalString, stringArray, tenantMap } from './safe-values.js';
import type { Session } from './session.interface.js';

function audienceList(aud: JWTPayload['aud']): readonly string[] {
  if (typeof aud === 'string') return Object.freeze([aud]);
  return stringArray(aud);
}

/**
 * Builds the immutable `Session` from a payload that has already been verified (signature,
 * `exp`, `iss`, a string `sub`). The mapper only says where the provider keeps each fact.
 */
export function createSession(payload: JWTPayload, token: string, mapClaims: ClaimsMapper): Session {
  const claims = deepFreeze(payload);
  const mapped = mapClaims(claims);
  const sessionId = optionalString(mapped.sessionId);
  const currentTenant = optionalString(mapped.currentTenant);
  const session: Session = {
    userId: claims.sub as string,
    ...(sessionId === undefined ? {} : { sessionId }),
    issuer: claims.iss as string,
    audience: audienceList(claims.aud),
    ...(typeof claims.iat === 'number' ? { issuedAt: new Date(claims.iat * 1000) } : {}),
    expiresAt: new Date((claims.exp as number) * 1000),
    authMethods: stringArray(mapped.authMethods),
    ...(currentTenant === undefined ? {} : { currentTenant }),
    roles: stringArray(mapped.roles),
    permissions: stringArray(mapped.permissions),
    tenants: tenantMap(mapped.tenants),
    claims: claims as Readonly<Record<string, unknown>>,
    token,
  };
  return Object.freeze(session);
}

/** The same session seen through one request: the tenant it resolved to. */
export function withTenant(session: Session, tenantId: string | undefined): Session {
  if (tenantId === undefined || session.tenantId === tenantId) return session;
  return Object.freeze({ ...session, tenantId });
}
