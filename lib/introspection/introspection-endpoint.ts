import { isPlainRecord } from '../claims/safe-values.js';
import { SessionError } from '../errors/session-error.js';
import { authenticateClient, type ClientCredentials } from '../lifecycle/client-authentication.js';
import { limitedFetch, type FetchLimits } from '../provider/limited-fetch.js';
import type { ProviderDirectory } from '../provider/provider-directory.js';
import { INTROSPECTION_JWT_TYPE } from './introspection-jwt.js';

/** RFC 9701: verifies a signed answer and returns the plain one inside it. */
export type IntrospectionJwtVerifier = (jwt: string) => Promise<unknown>;

/** The provider's answer (RFC 7662 section 2.2): `active` and, when active, the token's claims. */
export type IntrospectionAnswer = Readonly<Record<string, unknown>> & { readonly active: boolean };

/**
 * One issuer's introspection endpoint (configured, or its discovered `introspection_endpoint`),
 * called as the refresh grant is: client authentication, time limit, size cap, no redirect.
 * Anything but a 200 with a JSON object holding a boolean `active` is `provider_unavailable`.
 */
export class IntrospectionEndpoint {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly issuer: string,
    private readonly configured: string | undefined,
    private readonly client: ClientCredentials,
    private readonly directory: ProviderDirectory,
    limits: FetchLimits,
    /** Set: only signed answers (RFC 9701) are accepted. */
    private readonly verifyJwt?: IntrospectionJwtVerifier,
  ) {
    this.fetch = limitedFetch(limits);
  }

  async introspect(token: string): Promise<IntrospectionAnswer> {
    const url = await this.url();
    const body = new URLSearchParams({ token, token_type_hint: 'access_token' });
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: this.verifyJwt ? INTROSPECTION_JWT_TYPE : 'application/json' });
    authenticateClient(this.client, body, headers);
    let response: Response;
    let answer: unknown;
    try {
      response = await this.fetch(url, { method: 'POST', headers, body });
      answer = response.status === 200 ? await this.read(response) : undefined;
    } catch (error) {
      throw new SessionError('provider_unavailable', { cause: error });
    }
    if (response.status !== 200) throw new SessionError('provider_unavailable', { message: `The identity provider's introspection endpoint answered ${response.status}` });
    if (!isPlainRecord(answer) || typeof answer.active !== 'boolean') {
      throw new SessionError('provider_unavailable', { message: "The identity provider's introspection answer is not usable" });
    }
    return answer as IntrospectionAnswer;
  }

  /** JSON, or with `verifyJwt` the verified signed answer (anything else fails). */
  private async read(response: Response): Promise<unknown> {
    if (!this.verifyJwt) return response.json();
    if (!response.headers.get('content-type')?.toLowerCase().startsWith(INTROSPECTION_JWT_TYPE)) throw new Error('expected a signed introspection answer (RFC 9701)');
    return this.verifyJwt((await response.text()).trim());
  }

  private async url(): Promise<string> {
    if (this.configured !== undefined) return this.configured;
    const endpoint = (await this.directory.metadata(this.issuer)).introspectionEndpoint;
    if (endpoint === undefined) {
      throw new SessionError('provider_unavailable', { message: 'The identity provider publishes no introspection_endpoint: set introspection.endpoint' });
    }
    return endpoint;
  }
}
