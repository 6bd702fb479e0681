import { isPlainRecord } from '../claims/safe-values.js';
import { limitedFetch, type FetchLimits } from './limited-fetch.js';
import { providerUrl } from './url-policy.js';

/** The parts of an OpenID Provider's (or OAuth authorization server's) metadata this module uses. */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly jwksUri: URL;
  readonly tokenEndpoint?: string;
  readonly revocationEndpoint?: string;
  readonly introspectionEndpoint?: string;
  /** Where the document was read: the OpenID Connect or the RFC 8414 well-known URL. */
  readonly documentUrl: string;
}

function optionalEndpoint(doc: Record<string, unknown>, name: string, allowInsecureHttp: boolean): string | undefined {
  const value = doc[name];
  return typeof value === 'string' ? providerUrl(name, value, allowInsecureHttp).href : undefined;
}

/**
 * Validates a metadata document: its `issuer` must be exactly the configured one (OpenID
 * Connect Discovery 4.3, RFC 8414 section 3.3), so a document cannot vouch for another issuer.
 */
export function parseProviderMetadata(doc: unknown, issuer: string, allowInsecureHttp: boolean, documentUrl: string): ProviderMetadata {
  if (!isPlainRecord(doc)) throw new Error(`${documentUrl} is not a JSON object`);
  if (doc.issuer !== issuer) throw new Error(`${documentUrl} names issuer "${String(doc.issuer)}", expected "${issuer}"`);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${documentUrl} has no jwks_uri`);
  const tokenEndpoint = optionalEndpoint(doc, 'token_endpoint', allowInsecureHttp);
  const revocationEndpoint = optionalEndpoint(doc, 'revocation_endpoint', allowInsecureHttp);
  const introspectionEndpoint = optionalEndpoint(doc, 'introspection_endpoint', allowInsecureHttp);
  return Object.freeze({
    issuer,
    jwksUri: providerUrl('jwks_uri', doc.jwks_uri, allowInsecureHttp),
    ...(tokenEndpoint && { tokenEndpoint }),
    ...(revocationEndpoint && { revocationEndpoint }),
    ...(introspectionEndpoint && { introspectionEndpoint }),
    documentUrl,
  });
}

/** `<issuer>/.well-known/openid-configuration`: OpenID Connect appends to the issuer's path. */
export function openIdConfigurationUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** RFC 8414 section 3.1 inserts the well-known segment between the host and the issuer's path. */
export function authorizationServerMetadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * Reads the provider's metadata once and keeps it: the OpenID Connect document, or RFC 8414's
 * when that one is missing (404). A failed read is remembered for `cooldownMs`, so an outage
 * does not turn every request into a fetch.
 */
export class ProviderDiscovery {
  private metadata?: Promise<ProviderMetadata>;
  private failure?: { at: number; error: unknown };

  constructor(
    readonly issuer: string,
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
    const openId = await this.read(openIdConfigurationUrl(this.issuer));
    if (openId !== 'missing') return openId;
    const oauth = await this.read(authorizationServerMetadataUrl(this.issuer));
    if (oauth !== 'missing') return oauth;
    throw new Error(`no metadata for issuer "${this.issuer}" at ${openIdConfigurationUrl(this.issuer)} nor ${authorizationServerMetadataUrl(this.issuer)}`);
  }

  /** One well-known URL: its metadata, or `missing` on 404; anything else but 200 is a failure. */
  private async read(url: string): Promise<ProviderMetadata | 'missing'> {
    const response = await limitedFetch(this.limits)(url, { headers: { accept: 'application/json' } });
    if (response.status === 404) return 'missing';
    if (response.status !== 200) throw new Error(`expected 200 from ${url}, got ${response.status}`);
    let doc: unknown;
    try {
      doc = await response.json();
    } catch {
      throw new Error(`${url} is not JSON`);
    }
    return parseProviderMetadata(doc, this.issuer, this.allowInsecureHttp, url);
  }
}
