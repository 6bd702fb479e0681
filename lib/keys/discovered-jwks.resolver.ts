import type { JWSHeaderParameters } from 'jose';
import { SessionError } from '../errors/session-error.js';
import type { ProviderDiscovery } from '../provider/discovery.js';
import type { KeyResolver, VerificationKey } from './key-resolver.interface.js';
import type { OutageLog } from './outage-log.js';

/**
 * The provider's JWKS, found through discovery on first use. Until discovery succeeds there is
 * no key at all (`keys_unavailable`); discovery retries after its cooldown.
 */
export class DiscoveredJwksResolver implements KeyResolver {
  private jwks?: KeyResolver;

  constructor(
    private readonly discovery: ProviderDiscovery,
    private readonly remoteJwks: (url: URL) => KeyResolver,
    private readonly outages: OutageLog,
  ) {}

  async resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]> {
    return (await this.keys()).resolve(header);
  }

  async prefetch(): Promise<void> {
    await (await this.keys()).prefetch?.();
  }

  private async keys(): Promise<KeyResolver> {
    if (!this.jwks) {
      try {
        this.jwks ??= this.remoteJwks((await this.discovery.get()).jwksUri);
        this.outages.succeeded();
      } catch (error) {
        this.outages.failed(error);
        throw new SessionError('keys_unavailable', { cause: error });
      }
    }
    return this.jwks;
  }
}
