import { SessionConfigError } from '../errors/session-config.error.js';
import { SessionError } from '../errors/session-error.js';
import type { IssuerConfig } from '../options/issuer-config.js';
import type { KeyFetchConfig } from './fetch-options.js';
import { ProviderDiscovery, type ProviderMetadata } from './discovery.js';
import { providerUrl } from './url-policy.js';

/**
 * The discovered metadata of each configured issuer, read once and shared: the key layer takes
 * `jwks_uri` from it, session life-cycle calls take `token_endpoint`, `revocation_endpoint` and
 * `introspection_endpoint`. Inject it (`ProviderDirectory`) to read a provider's endpoints.
 */
export class ProviderDirectory {
  private readonly discoveries = new Map<string, ProviderDiscovery>();
  private readonly configured: ReadonlySet<string>;

  constructor(
    issuerConfigs: readonly Pick<IssuerConfig, 'issuers'>[],
    private readonly options: Pick<KeyFetchConfig, 'fetchLimits' | 'jwksCooldownMs' | 'allowInsecureHttp'>,
  ) {
    this.configured = new Set(issuerConfigs.flatMap((config) => config.issuers));
  }

  /**
   * The metadata of `issuer` (by default the only configured issuer), discovered on first use
   * whether or not its keys come from discovery. Fails with `provider_unavailable` when the
   * document cannot be read or is refused (another `issuer`, no `jwks_uri`, an insecure URL).
   */
  async metadata(issuer?: string): Promise<ProviderMetadata> {
    try {
      return await this.discovery(issuer ?? this.onlyIssuer()).get();
    } catch (error) {
      if (error instanceof SessionConfigError || error instanceof SessionError) throw error;
      throw new SessionError('provider_unavailable', { cause: error });
    }
  }

  /** The shared discovery of a configured issuer; its URL must pass the provider URL policy. */
  discovery(issuer: string): ProviderDiscovery {
    if (!this.configured.has(issuer)) throw new SessionConfigError('issuer', `"${issuer}" is not a configured issuer`);
    let discovery = this.discoveries.get(issuer);
    if (!discovery) {
      providerUrl('issuer', issuer, this.options.allowInsecureHttp);
      discovery = new ProviderDiscovery(issuer, this.options.fetchLimits, this.options.jwksCooldownMs, this.options.allowInsecureHttp);
      this.discoveries.set(issuer, discovery);
    }
    return discovery;
  }

  private onlyIssuer(): string {
    if (this.configured.size !== 1) {
      throw new SessionConfigError('issuer', `names ${this.configured.size} issuers: say which one's metadata to read`);
    }
    return [...this.configured][0]!;
  }
}
