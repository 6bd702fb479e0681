import { isPlainRecord } from '../claims/safe-values.js';
import { fetchJson, type FetchLimits } from './limited-fetch.js';
import { providerUrl } from './url-policy.js';

/** The parts of an OpenID Provider's metadata this module uses. */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly jwksUri: URL;
  readonly tokenEndpoint?: string;
  readonly revocationEndpoint?: string;
  readonly introspectionEndpoint?: string;
}

function optionalEndpoint(doc: Record<string, unknown>, name: string, allowInsecureHttp: boolean): string | undefined {
  const value = doc[name];
  return typeof value === 'string' ? providerUrl(name, value, allowInsecureHttp).href : undefined;
}

/** Validates a discovery document: its `issuer` must be exactly the configured one (OIDC Discovery 4.3). */
export function parseProviderMetadata(doc: unknown, issuer: string, allowInsecureHttp: boolean): ProviderMetadata {
  if (!isPlainRecord(doc)) throw new Error('discovery document is not a JSON object');
  if (doc.issuer !== issuer) throw new Error(`discovery document names issuer "${String(doc.issuer)}", expected "${issuer}"`);
  if (typeof doc.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
  const tokenEndpoint = optionalEndpoint(doc, 'token_endpoint', allowInsecureHttp);
  const revocationEndpoint = optionalEndpoint(doc, 'revocation_endpoint', allowInsecureHttp);
  const introspectionEndpoint = optionalEndpoint(doc, 'introspection_endpoint', allowInsecureHttp);
  return Object.freeze({
    issuer,
    jwksUri: providerUrl('jwks_uri', doc.jwks_uri, allowInsecureHttp),
    ...(tokenEndpoint && { tokenEndpoint }),
    ...(revocationEndpoint && { revocationEndpoint }),
    ...(introspectionEndpoint && { introspectionEndpoint }),
  });
}

/**
 * Reads `<issuer>/.well-known/openid-configuration` once and keeps it. A failed read is
 * remembered for `cooldownMs`, so an outage does not turn every request into a fetch.
 */
export class ProviderDiscovery {
  private metadata?: Promise<ProviderMetadata>;
  private failure?: { at: number; error: unknown };

  constructor(
    private readonly issuer: string,
    private readonly limits: FetchLimits,
    private readonly cooldownMs: number,
    private readonly allowInsecureHttp: boolean,
  ) {}

  get(): Promise<ProviderMetadata> {
    if (this.failure && Date.now() - this.failure.at < this.cooldownMs) return Promise.reject(this.failure.error);
    this.metadata ??= this.load().then(
      (metadata) => {
        this.failure = undefined;
        return metadata;
      },
      (error: unknown) => {
        this.metadata = undefined;
        this.failure = { at: Date.now(), error };
        throw error;
      },
    );
    return this.metadata;
  }

  private async load(): Promise<ProviderMetadata> {
    const url = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    return parseProviderMetadata(await fetchJson(url, this.limits), this.issuer, this.allowInsecureHttp);
  }
}
