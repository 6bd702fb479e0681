import type * as OpenIdClient from 'openid-client';
import type { ClientCredentials } from '../lifecycle/client-authentication.js';
import { SessionError } from '../errors/session-error.js';
import { isLoopback } from '../provider/url-policy.js';
import type { LoginConfig } from './login-options.js';
import { LoginError } from './login-error.js';
import type { LoginTransaction } from './login-transaction.js';

type OpenIdClientModule = typeof OpenIdClient;

/** The tokens of a completed login, checked by openid-client (state, PKCE, ID token signature, `iss`, `aud`, `nonce`). */
export interface LoginTokens {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  /** The ID token's `sid`: the provider's session. */
  readonly providerSessionId?: string;
}

/** What starting a login needs besides the transaction: a fresh one. */
export interface LoginRequest {
  readonly url: URL;
  readonly transaction: LoginTransaction;
}

/**
 * The OpenID Connect relying party, on `openid-client` (v6, by the author of `jose`): the
 * discovery document, the authorization URL with PKCE (S256), `state` and `nonce`, the code
 * exchange and its checks, and the end-session URL. Loaded when first used, so apps without
 * `login` never load it.
 */
export class OidcLoginClient {
  private configuration?: Promise<{ lib: OpenIdClientModule; config: OpenIdClient.Configuration }>;

  constructor(
    private readonly login: LoginConfig,
    private readonly client: ClientCredentials,
    private readonly timeoutMs: number,
    private readonly allowInsecureHttp: boolean,
  ) {}

  async begin(returnTo: string): Promise<LoginRequest> {
    const { lib, config } = await this.discovered();
    const codeVerifier = lib.randomPKCECodeVerifier();
    const transaction: LoginTransaction = { state: lib.randomState(), nonce: lib.randomNonce(), codeVerifier, returnTo };
    const url = lib.buildAuthorizationUrl(config, {
      ...this.login.authorizationParams,
      redirect_uri: this.login.redirectUri.href,
      response_type: 'code',
      scope: this.login.scope,
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, transaction };
  }

  /** The code exchange for the callback's query; a refusal is a `LoginError` naming the failed check. */
  async finish(query: string, transaction: LoginTransaction): Promise<LoginTokens> {
    const { lib, config } = await this.discovered();
    const current = new URL(this.login.redirectUri);
    current.search = query;
    let tokens: Awaited<ReturnType<OpenIdClientModule['authorizationCodeGrant']>>;
    try {
      tokens = await lib.authorizationCodeGrant(
        config,
        current,
        { pkceCodeVerifier: transaction.codeVerifier, expectedState: transaction.state, expectedNonce: transaction.nonce },
        this.login.tokenParams,
      );
    } catch (error) {
      throw loginFailure(lib, error);
    }
    const claims = tokens.claims();
    return {
      accessToken: tokens.access_token,
      ...(tokens.id_token !== undefined && { idToken: tokens.id_token }),
      ...(tokens.refresh_token !== undefined && { refreshToken: tokens.refresh_token }),
      ...(typeof claims?.sid === 'string' && { providerSessionId: claims.sid }),
    };
  }

  /** RP-initiated logout: the provider's `end_session_endpoint` with `id_token_hint`; `undefined` when it has none. */
  async endSessionUrl(idToken: string | undefined): Promise<URL | undefined> {
    const { lib, config } = await this.discovered();
    if (config.serverMetadata().end_session_endpoint === undefined) return undefined;
    return lib.buildEndSessionUrl(config, {
      ...(idToken !== undefined && { id_token_hint: idToken }),
      ...(this.login.postLogoutRedirectUri !== undefined && { post_logout_redirect_uri: this.login.postLogoutRedirectUri }),
    });
  }

  /** Discovery once; a failed attempt is retried on the next login (503 `provider_unavailable` meanwhile). */
  private discovered(): Promise<{ lib: OpenIdClientModule; config: OpenIdClient.Configuration }> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw error instanceof SessionError ? error : new SessionError('provider_unavailable', { message: 'The identity provider\'s discovery document could not be read', cause: error });
    });
    return this.configuration;
  }

  private async discover(): Promise<{ lib: OpenIdClientModule; config: OpenIdClient.Configuration }> {
    const lib = await import('openid-client');
    const server = new URL(this.login.issuer);
    const auth =
      this.client.method === 'client_secret_basic'
        ? lib.ClientSecretBasic(this.client.clientSecret)
        : this.client.method === 'client_secret_post'
          ? lib.ClientSecretPost(this.client.clientSecret)
          : lib.None();
    // http: is accepted where the module accepts it for providers: loopback, or allowInsecureHttp.
    const insecure = server.protocol === 'http:' && (this.allowInsecureHttp || isLoopback(server));
    const config = await lib.discovery(server, this.client.clientId!, undefined, auth, {
      timeout: Math.ceil(this.timeoutMs / 1000),
      ...(insecure && { execute: [lib.allowInsecureRequests] }),
    });
    return { lib, config };
  }
}

/** openid-client's error, as the check that failed. */
function loginFailure(lib: OpenIdClientModule, error: unknown): LoginError | SessionError {
  if (error instanceof lib.AuthorizationResponseError) {
    return new LoginError('authorization_denied', `The provider refused the login (${error.error})`, { cause: error });
  }
  if (error instanceof lib.ResponseBodyError) {
    return new LoginError('code_rejected', `The provider refused the authorization code (${error.error})`, { cause: error });
  }
  const code = (error as { code?: unknown }).code;
  // openid-client wraps oauth4webapi's OperationProcessingError, whose message and `cause.claim` name the check.
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = inner instanceof Error ? inner.message : String(inner);
  const claim = inner instanceof Error ? (inner.cause as { claim?: unknown } | undefined)?.claim : undefined;
  if (claim === 'nonce') return new LoginError('nonce_mismatch', 'The ID token\'s nonce is not the one this login sent', { cause: error });
  if (/"state"/.test(message)) return new LoginError('state_mismatch', 'The callback\'s state is not the one this login sent', { cause: error });
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON' || error instanceof TypeError) {
    return new SessionError('provider_unavailable', { message: 'The identity provider could not be reached or answered unexpectedly', cause: error });
  }
  return new LoginError('login_failed', `The provider's response failed a check (${typeof code === 'string' ? code : 'invalid'})`, { cause: error });
}
