import { errors, type JWSHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';

/** The key-selection function that jose's `createLocalJWKSet` and `createRemoteJWKSet` return. */
export type JoseKeySet = (header: JWSHeaderParameters) => Promise<VerificationKey>;

/**
 * The most keys one token is tried against when its `kid` (missing or shared) does not single one
 * out: each try is a signature verification, so a set of 10,000 kid-less keys would otherwise cost
 * seconds per forged token. Beyond it the token is refused (`key_not_found`).
 */
export const MAX_KEY_CANDIDATES = 8;

/** Several keys without a telling `kid` (jose already kept only those of the token's `alg` and curve): each is tried in turn by the verifier. */
export async function allMatchingKeys(matches: errors.JWKSMultipleMatchingKeys, header: JWSHeaderParameters): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = [];
  for await (const key of matches) {
    if (keys.length === MAX_KEY_CANDIDATES) {
      const which = header.kid === undefined ? 'The token has no "kid" and' : 'The token\'s "kid" is shared:';
      throw new SessionError('key_not_found', { message: `${which} more than ${MAX_KEY_CANDIDATES} keys could have signed it` });
    }
    keys.push(key);
  }
  return keys;
}

/**
 * Selects keys from a local JSON Web Key Set (the `jwks` option) by jose's rules (`kid`, `kty`,
 * `alg`, `use`, `key_ops`). Unusable keys are removed before the set gets here.
 */
export class JwksKeyResolver implements KeyResolver {
  constructor(private readonly keySet: JoseKeySet) {}

  async resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]> {
    try {
      return [await this.keySet(header)];
    } catch (error) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        const keys = await allMatchingKeys(error, header);
        if (keys.length) return keys;
      }
      throw new SessionError('key_not_found', { cause: error });
    }
  }
}
