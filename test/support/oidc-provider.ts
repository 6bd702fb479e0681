import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';

type OidcProviderModule = typeof import('oidc-provider');

/**
 * oidc-provider announces its development defaults (in-memory adapter, development login pages,
 * a Node version it does not list) on the console: right for a real deployment, noise here.
 * Only its own notices are dropped, and only while it loads or is constructed.
 */
async function withoutProviderNotices<T>(work: () => T | Promise<T>): Promise<T> {
  const { warn, info } = console;
  const filter = (write: (...args: unknown[]) => void) => (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
    write(...args);
  };
  console.warn = filter(warn);
  console.info = filter(info);
  try {
    return await work();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

let providerModule: Promise<OidcProviderModule> | undefined;

/** The API the provider issues JWT access tokens for (RFC 8707 resource indicator, the `aud`). */
export const RESOURCE = 'https://api.example.test';
export const RESOURCE_SCOPES = 'orders:read orders:write';

export interface TestClient {
  readonly id: string;
  readonly secret?: string;
  readonly redirectUri: string;
  /** How it authenticates at the token and revocation endpoints. */
  readonly method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export const CLIENT: TestClient = Object.freeze({
  id: 'orders-service',
  secret: 'orders-service-secret-that-is-long-enough-0123456789',
  redirectUri: 'http://127.0.0.1/callback',
  method: 'client_secret_basic',
});

/** The same kind of client, sending its secret in the request body. */
export const POST_CLIENT: TestClient = Object.freeze({
  id: 'orders-post',
  secret: 'orders-post-secret-that-is-long-enough-0123456789',
  redirectUri: 'http://127.0.0.1/callback',
  method: 'client_secret_post',
});

/** A public client (a browser or mobile app): no secret, PKCE, rotating refresh tokens. */
export const PUBLIC_CLIENT: TestClient = Object.freeze({
  id: 'orders-spa',
  redirectUri: 'http://127.0.0.1/callback',
  method: 'none',
});

/** Module options for an app validating `op`'s access tokens and refreshing as `client` (discovery, the `oidc` claims). */
export function oidcModuleOptions(op: { issuer: string }, client: TestClient = CLIENT) {
  return {
    issuer: op.issuer,
    audience: RESOURCE,
    discovery: true,
    claims: 'oidc' as const,
    clientId: client.id,
    ...(client.secret !== undefined && { clientSecret: client.secret }),
    clientAuthMethod: client.method,
  };
}

export interface SigningKey {
  kid: string;
  /** The private JWK the provider signs with. */
  privateJwk: JWK;
}

export async function makeSigningKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' } };
}

export interface OidcProviderOptions {
  /** Signing keys, the first one signs. Default: one fresh ES256 key. */
  keys?: SigningKey[];
  /** Claims added to every access token (RFC 9068 leaves room for `roles`, for instance). */
  extraTokenClaims?: Record<string, unknown>;
  /** Access token lifetime, in seconds. Default 300. */
  accessTokenTTL?: number;
  /**
   * Turns on Back-Channel Logout 1.0: `CLIENT` gets this `backchannel_logout_uri` with
   * `backchannel_logout_session_required` (logout tokens carry `sid`), `POST_CLIENT` gets it
   * without (logout tokens carry `sub` alone). The provider POSTs them when a session ends.
   */
  backchannelLogoutUri?: string;
  /** The API it issues access tokens for (their `aud`). Default `RESOURCE`. */
  resource?: string;
  /** `opaque`: access tokens only the provider can read (introspection). Default `jwt`. */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** RFC 9701: signed introspection answers (ES256) for clients that ask for them. */
  jwtIntrospection?: boolean;
  /** More clients (a relying party with its own redirect and post-logout URIs). */
  clients?: ClientMetadata[];
}

/** A browser's cookies at the provider: keeps its login session between an authorization and a logout. */
export type CookieJar = Map<string, string>;

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

/**
 * A real `oidc-provider` (certified OpenID Provider) on 127.0.0.1, issuing JWT access tokens
 * (RFC 9068, `typ: at+jwt`) for `RESOURCE` through its resource indicators feature.
 * Enabled: client_credentials, authorization_code and refresh_token grants, revocation and
 * introspection. Counts the requests it gets per path, can rotate its keys while running (a new
 * Provider behind the same listener), be stopped, and be started again on the same port.
 */
export class OidcProviderServer {
  /** Requests received, by path (`/.well-known/openid-configuration`, `/jwks`, `/token` ...). */
  readonly hits = new Map<string, number>();
  private server?: Server;
  private provider?: Provider;
  private port = 0;
  private keys: SigningKey[] = [];

  constructor(private readonly options: OidcProviderOptions = {}) {}

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The API its access tokens are for. */
  get resource(): string {
    return this.options.resource ?? RESOURCE;
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  get tokenEndpoint(): string {
    return `${this.issuer}/token`;
  }

  /** RFC 7662 introspection (also in the discovery document). */
  get introspectionEndpoint(): string {
    return `${this.issuer}/token/introspection`;
  }

  /** The keys it publishes, the signing one first. */
  get signingKeys(): readonly SigningKey[] {
    return this.keys;
  }

  /** The kid the provider signs new tokens with. */
  get signingKid(): string {
    return this.keys[0]!.kid;
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** Starts listening (on a free port the first time, on the same port after `stop()`). */
  async start(keys?: SigningKey[]): Promise<this> {
    if (keys) this.keys = keys;
    else if (!this.keys.length) this.keys = this.options.keys ?? [await makeSigningKey('initial')];
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.provider = await this.createProvider();
    return this;
  }

  /** Replaces the key set while running: the first key signs from now on. */
  async rotate(keys: SigningKey[]): Promise<void> {
    this.keys = keys;
    this.provider = await this.createProvider();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A token from the token endpoint, over HTTP, as a backend client would get it. */
  async clientCredentialsToken(scope = RESOURCE_SCOPES, headers: Record<string, string> = {}): Promise<TokenResponse> {
    return this.tokenRequest(new URLSearchParams({ grant_type: 'client_credentials', scope, resource: this.resource }), CLIENT, headers);
  }

  /**
   * Tokens for a user through the authorization code flow with PKCE, driven over HTTP like a
   * browser through the provider's development login and consent pages. With `offline_access`
   * (the default scope asks for it) the answer holds a refresh token.
   */
  async authorizationCodeTokens(
    accountId = 'user-1',
    scope = `openid offline_access ${RESOURCE_SCOPES}`,
    client: TestClient = CLIENT,
    cookies: CookieJar = new Map(),
  ): Promise<TokenResponse> {
    const verifier = randomBytes(32).toString('base64url');
    let url = new URL(`${this.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.id,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope,
      prompt: 'consent',
      resource: this.resource,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    let init: RequestInit = {};
    for (let step = 0; step < 12; step++) {
      const response = await this.browse(url, init, cookies);
      const location = response.headers.get('location');
      if (location?.startsWith(client.redirectUri)) {
        const code = new URL(location).searchParams.get('code');
        if (!code) throw new Error(`authorization failed: ${location}`);
        return this.tokenRequest(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }), client);
      }
      if (location) {
        url = new URL(location, url);
        init = {};
        continue;
      }
      const page = await response.text();
      if (response.status !== 200 || !url.pathname.startsWith('/interaction/')) throw new Error(`unexpected ${response.status} at ${url.pathname}`);
      // The development interaction pages: a login form (any account id), then a consent form.
      const prompt: Record<string, string> = page.includes('name="login"') ? { prompt: 'login', login: accountId, password: 'any' } : { prompt: 'consent' };
      init = { method: 'POST', body: new URLSearchParams(prompt), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    }
    throw new Error('authorization did not complete');
  }

  /**
   * RP-initiated logout, as the browser holding `cookies` does it: the end-session page, then its
   * confirmation form ("Yes, sign me out"). The provider ends its session and, with back-channel
   * logout on, POSTs a logout token to every client of the session before it answers.
   */
  async endSession(idTokenHint: string, cookies: CookieJar): Promise<void> {
    const page = await this.browse(new URL(`${this.issuer}/session/end?${new URLSearchParams({ id_token_hint: idTokenHint })}`), {}, cookies);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (page.status !== 200 || !xsrf) throw new Error(`end-session page answered ${page.status} without its form`);
    const confirm = await this.browse(
      new URL(`${this.issuer}/session/end/confirm`),
      { method: 'POST', body: new URLSearchParams({ xsrf, logout: 'yes' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      cookies,
    );
    if (confirm.status !== 303 && confirm.status !== 302) throw new Error(`end-session confirmation answered ${confirm.status}`);
  }

  /** One browser request: sends and keeps the jar's cookies, follows no redirect. */
  private async browse(url: URL, init: RequestInit, cookies: CookieJar): Promise<Response> {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  }

  /** A refresh token exchanged for new tokens. */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    return this.tokenRequest(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }));
  }

  /** POSTs a token request, authenticated as the client's method says (client_secret_basic by default). */
  async tokenRequest(body: URLSearchParams, client: TestClient = CLIENT, extraHeaders: Record<string, string> = {}): Promise<TokenResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...extraHeaders };
    if (client.method === 'client_secret_basic') headers.authorization = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    else body.set('client_id', client.id);
    if (client.method === 'client_secret_post') body.set('client_secret', client.secret!);
    const response = await fetch(this.tokenEndpoint, { method: 'POST', headers, body });
    const json = (await response.json()) as TokenResponse & { error?: string; error_description?: string };
    if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${json.error} ${json.error_description ?? ''}`);
    return json;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://provider').pathname;
    this.hits.set(path, this.hitsOf(path) + 1);
    void this.provider!.callback()(req, res);
  }

  private async createProvider(): Promise<Provider> {
    providerModule ??= withoutProviderNotices(() => import('oidc-provider'));
    const { default: Provider, errors } = await providerModule;
    const { extraTokenClaims, accessTokenTTL = 300, accessTokenFormat = 'jwt', jwtIntrospection = false, backchannelLogoutUri } = this.options;
    const signedIntrospection: Partial<ClientMetadata> = jwtIntrospection ? { introspection_signed_response_alg: 'ES256' } : {};
    const backchannel = (sessionRequired: boolean): Partial<ClientMetadata> =>
      backchannelLogoutUri === undefined ? {} : { backchannel_logout_uri: backchannelLogoutUri, backchannel_logout_session_required: sessionRequired };
    const configuration: Configuration = {
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [CLIENT.redirectUri],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'ES256',
          ...backchannel(true),
          ...signedIntrospection,
        },
        ...[POST_CLIENT, PUBLIC_CLIENT].map((client): ClientMetadata => ({
          client_id: client.id,
          ...(client.secret !== undefined && { client_secret: client.secret }),
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [client.redirectUri],
          token_endpoint_auth_method: client.method,
          id_token_signed_response_alg: 'ES256',
          ...(client === POST_CLIENT && backchannel(false)),
          ...signedIntrospection,
        })),
        ...(this.options.clients ?? []),
      ],
      // Every refresh rotates the refresh token; the old one is then refused (and reusing it revokes the grant).
      rotateRefreshToken: true,
      jwks: { keys: this.keys.map((key) => key.privateJwk) },
      // Loopback only: the provider's cookies are signed with a fixed test key.
      cookies: { keys: ['oidc-provider-test-cookie-key'] },
      features: {
        clientCredentials: { enabled: true },
        jwtIntrospection: { enabled: jwtIntrospection },
        // The default policy, said out loud (the provider notices on the console when it runs its own).
        introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId },
        revocation: { enabled: true },
        backchannelLogout: { enabled: backchannelLogoutUri !== undefined },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => this.resource,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: KoaContextWithOIDC, resource: string) => {
            if (resource !== this.resource) throw new errors.InvalidTarget();
            return {
              scope: RESOURCE_SCOPES,
              audience: this.resource,
              accessTokenTTL,
              accessTokenFormat,
              jwt: { sign: { alg: 'ES256' } },
            };
          },
        },
      },
      // A user's access tokens carry their grant as the session id (`sid`, RFC 9068 allows it): stable across refreshes.
      extraTokenClaims: (_ctx, token) => ({ ...extraTokenClaims, ...('grantId' in token && typeof token.grantId === 'string' && { sid: token.grantId }) }),
      // Any account id logs in on the development login page; its only claim is `sub`.
      findAccount: (_ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
      ttl: {
        AccessToken: accessTokenTTL,
        ClientCredentials: accessTokenTTL,
        IdToken: 3600,
        RefreshToken: 86_400,
        Grant: 86_400,
        Session: 86_400,
        Interaction: 600,
      },
    };
    return withoutProviderNotices(() => new Provider(this.issuer, configuration));
  }
}
