import { jwtVerify, type JWSHeaderParameters } from 'jose';
import type { KeyResolver } from '../keys/key-resolver.interface.js';
import type { IssuerConfig } from '../options/issuer-config.js';

/** RFC 9701 section 5: the media type of a signed introspection answer, and its `typ`. */
export const INTROSPECTION_JWT_TYPE = 'application/token-introspection+jwt';

/**
 * Verifies an RFC 9701 answer with the issuer's own keys and algorithms: signed by the issuer,
 * for this client (`aud`), typed `token-introspection+jwt`. Returns its `token_introspection`
 * member, the plain RFC 7662 answer.
 */
export async function verifyIntrospectionJwt(jwt: string, keys: KeyResolver, issuer: IssuerConfig, clientId: string, clockToleranceSeconds: number): Promise<unknown> {
  const { payload } = await jwtVerify(jwt, async (header: JWSHeaderParameters) => (await keys.resolve(header))[0]!, {
    algorithms: [...issuer.algorithms],
    issuer: [...issuer.issuers],
    audience: clientId,
    typ: 'token-introspection+jwt',
    clockTolerance: clockToleranceSeconds,
  });
  return payload.token_introspection;
}
