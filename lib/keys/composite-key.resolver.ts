import type { JWSHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';

/**
 * Several key sources at once (a PEM during a migration to JWKS, say): the candidates of every
 * source, in order. No match anywhere is `key_not_found`, unless a source could not be read.
 */
export class CompositeKeyResolver implements KeyResolver {
  constructor(private readonly resolvers: readonly KeyResolver[]) {}

  async resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]> {
    const results = await Promise.allSettled(this.resolvers.map((resolver) => resolver.resolve(header)));
    const keys = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    if (keys.length) return keys;
    const unavailable = results.find(
      (result) => result.status === 'rejected' && !(result.reason instanceof SessionError && result.reason.reason === 'key_not_found'),
    );
    throw unavailable?.status === 'rejected' ? unavailable.reason : new SessionError('key_not_found');
  }

  async prefetch(): Promise<void> {
    await Promise.all(this.resolvers.map((resolver) => resolver.prefetch?.()));
  }
}
