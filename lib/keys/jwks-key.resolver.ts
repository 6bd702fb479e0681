import { errors, type JWSHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';

/** The key-selection function that jose's `createLocalJWKSet` and `createRemoteJWKSet` return. */
export type JoseKeySet = (header: JWSHeaderParameters) => Promise<VerificationKey>;

/** Several keys without a telling `kid`: each is tried in turn by the verifier. */
export async function allMatchingKeys(matches: errors.JWKSMultipleMatchingKeys): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = [];
  for await (const key of matches) keys.push(key);
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
        const keys = await allMatchingKeys(error);
        if (keys.length) return keys;
      }
      throw new SessionError('key_not_found', { cause: error });
    }
  }
}
