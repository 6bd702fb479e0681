import { SessionError } from '../errors/session-error.js';
import type { ProviderDirectory } from '../provider/provider-directory.js';
import { limitedFetch, type FetchLimits } from '../provider/limited-fetch.js';
import { authenticateClient } from './client-authentication.js';
import type { LifecycleConfig } from './lifecycle-options.js';
import { oauthErrorCode, parseTokenGrant, type TokenGrant } from './token-response.js';

interface EndpointAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The calls the module makes to the provider's OAuth endpoints: the refresh grant at the token
 * endpoint (RFC 6749 section 6) and token revocation (RFC 7009). Endpoints come from the
 * options or the provider's discovered metadata; every request is time-limited, size-capped and
 * follows no redirect.
 *
 * Failures: the provider refusing is `refresh_failed` (with its OAuth error code); not reaching
 * it, a 5xx or an unusable answer is `provider_unavailable`.
 */
export class TokenEndpointClient {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly config: LifecycleConfig,
    private readonly directory: ProviderDirectory,
    private readonly limits: FetchLimits,
  ) {
    this.fetch = limitedFetch(limits);
  }

  /** The longest one request to the provider may take. */
  get timeoutMs(): number {
    return this.limits.timeoutMs;
  }

  /** Exchanges a refresh token for new tokens. `issuer` picks whose endpoint, when several are configured. */
  async refresh(refreshToken: string, issuer?: string): Promise<TokenGrant> {
    const url = await this.tokenEndpoint(issuer);
    const answer = await this.post(url, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }));
    if (answer.status === 200) return parseTokenGrant(answer.body, this.config.sessionTokenFrom);
    throw this.refusal(answer, 'refresh');
  }

  /**
   * Revokes a token at the provider (RFC 7009). Returns `false` when there is no revocation
   * endpoint: `false`, none in the metadata, or a `tokenEndpoint` configured without one. An unknown or already invalid
   * token is not an error (the provider answers 200, section 2.2).
   */
  async revoke(token: string, hint: 'refresh_token' | 'access_token', issuer?: string): Promise<boolean> {
    const url = await this.revocationEndpoint(issuer);
    if (url === undefined) return false;
    const answer = await this.post(url, new URLSearchParams({ token, token_type_hint: hint }));
    if (answer.status === 200) return true;
    throw this.refusal(answer, 'revocation');
  }

  private async tokenEndpoint(issuer: string | undefined): Promise<string> {
    if (this.config.tokenEndpoint !== undefined) return this.config.tokenEndpoint;
    const metadata = await this.directory.metadata(issuer);
    if (metadata.tokenEndpoint === undefined) {
      throw new SessionError('provider_unavailable', { message: 'The identity provider publishes no token_endpoint: set the tokenEndpoint option' });
    }
    return metadata.tokenEndpoint;
  }

  private async revocationEndpoint(issuer: string | undefined): Promise<string | undefined> {
    if (this.config.revocationEndpoint === false) return undefined;
    if (this.config.revocationEndpoint !== undefined) return this.config.revocationEndpoint;
    // Endpoints given by hand: discovery is not used for the other one either.
    if (this.config.tokenEndpoint !== undefined) return undefined;
    return (await this.directory.metadata(issuer)).revocationEndpoint;
  }

  private refusal(answer: EndpointAnswer, what: 'refresh' | 'revocation'): SessionError {
    const providerError = oauthErrorCode(answer.body);
    if (answer.status >= 400 && answer.status < 500) {
      const reason = what === 'refresh' ? 'refresh_failed' : 'provider_unavailable';
      const message = what === 'refresh' ? undefined : `The identity provider refused to revoke the token (${providerError ?? answer.status})`;
      return new SessionError(reason, { ...(providerError !== undefined && { providerError }), ...(message && { message }) });
    }
    return new SessionError('provider_unavailable', {
      message: `The identity provider's ${what} endpoint answered ${answer.status}`,
      ...(providerError !== undefined && { providerError }),
    });
  }

  private async post(url: string, body: URLSearchParams): Promise<EndpointAnswer> {
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
    authenticateClient(this.config.client, body, headers);
    let response: Response;
    try {
      response = await this.fetch(url, { method: 'POST', headers, body });
    } catch (error) {
      throw new SessionError('provider_unavailable', { cause: error });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }
}
