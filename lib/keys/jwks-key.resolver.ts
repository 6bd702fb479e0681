import { errors, type JWSHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';
import type { OutageLog } from './outage-log.js';

/** The key-selection function that jose's `createLocalJWKSet` and `createRemoteJWKSet` return. */
export type JoseKeySet = (header: JWSHeaderParameters) => Promise<VerificationKey>;

/** Selects keys from a JSON Web Key Set by jose's rules (`kid`, `kty`, `alg`, `use`, `key_ops`). */
export class JwksKeyResolver implements KeyResolver {
  constructor(
    private readonly keySet: JoseKeySet,
    private readonly outages?: OutageLog,
  ) {}

  async resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]> {
    try {
      const key = await this.keySet(header);
      this.outages?.succeeded();
      return [key];
    } catch (error) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) return this.allMatches(error);
      if (error instanceof errors.JWKSNoMatchingKey) {
        this.outages?.succeeded();
        throw new SessionError('key_not_found');
      }
      this.outages?.failed(error);
      throw new SessionError('keys_unavailable', { cause: error });
    }
  }

  /** Several keys without a telling `kid`: each is tried in turn by the verifier. */
  private async allMatches(matches: errors.JWKSMultipleMatchingKeys): Promise<readonly VerificationKey[]> {
    const keys: VerificationKey[] = [];
    for await (const key of matches) keys.push(key);
    if (!keys.length) throw new SessionError('key_not_found');
    return keys;
  }
}
