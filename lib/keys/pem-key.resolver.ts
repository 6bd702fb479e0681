import { importSPKI, type JWSHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';

/**
 * PEM SPKI public keys. A key is imported for the algorithm the token names and used only if
 * jose accepts it for that algorithm: its type is never guessed from its text.
 */
export class PemKeyResolver implements KeyResolver {
  private readonly byAlgorithm = new Map<string, Promise<VerificationKey[]>>();

  constructor(private readonly pems: readonly string[]) {}

  async resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]> {
    const keys = await this.keysFor(header.alg ?? '');
    if (!keys.length) throw new SessionError('key_not_found');
    return keys;
  }

  /** Keys usable with `alg`; cached per algorithm (the allow-list bounds how many). */
  keysFor(alg: string): Promise<VerificationKey[]> {
    let keys = this.byAlgorithm.get(alg);
    if (!keys) {
      keys = Promise.all(this.pems.map((pem) => importSPKI(pem, alg).catch(() => undefined))).then((all) =>
        all.filter((key): key is Exclude<typeof key, undefined> => key !== undefined),
      );
      this.byAlgorithm.set(alg, keys);
    }
    return keys;
  }
}
