import { SessionConfigError } from '../errors/session-config.error.js';
import { nonEmptyString, numberOption, positiveInteger } from '../config/option-readers.js';
import { providerUrl } from '../provider/url-policy.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, type ClientCredentials } from './client-authentication.js';

/** Which field of the token response is the new session token. */
export type SessionTokenField = 'access_token' | 'id_token';

/** The session-lifecycle options, as an application writes them (part of `SessionModuleOptions`). */
export interface LifecycleOptions {
  /** The provider's token endpoint for the refresh grant. Default: its `token_endpoint`, discovered from the issuer. */
  tokenEndpoint?: string;
  /** RFC 7009 revocation endpoint used by `logout`; `false` never calls one. Default: `revocation_endpoint`, discovered. */
  revocationEndpoint?: string | false;
  /** The OAuth client the module refreshes and revokes as. */
  clientId?: string;
  clientSecret?: string;
  /** Default `client_secret_basic` with a `clientSecret`, else `none` (a public client). */
  clientAuthMethod?: ClientAuthMethod;
  /** The token-response field holding the new session token. Default `access_token`. */
  sessionTokenFrom?: SessionTokenField;
  /**
   * In the guard: a session cookie that expired (or is gone) with a refresh cookie present is
   * refreshed, new cookies are set and the request goes on. Default `false`.
   */
  autoRefresh?: boolean;
  /**
   * The longest a login lives, refreshes included, in seconds: how long `logoutAll` cutoffs and
   * logouts whose tokens' expiry is unknown are kept, and the lifetime of an opaque refresh
   * token's cookie. Default 2,592,000 (30 days).
   */
  maxSessionLifetime?: number;
}

export interface LifecycleConfig {
  readonly tokenEndpoint?: string;
  readonly revocationEndpoint?: string | false;
  readonly client: ClientCredentials;
  readonly sessionTokenFrom: SessionTokenField;
  readonly autoRefresh: boolean;
  readonly maxSessionLifetimeMs: number;
}

export const LIFECYCLE_OPTION_KEYS: readonly (keyof LifecycleOptions)[] = Object.freeze([
  'tokenEndpoint', 'revocationEndpoint', 'clientId', 'clientSecret', 'clientAuthMethod', 'sessionTokenFrom', 'autoRefresh', 'maxSessionLifetime',
]);

/** The OAuth client's id, secret and authentication method; `prefix` names where they are (`introspection.`). */
export function readClient(input: Pick<LifecycleOptions, 'clientId' | 'clientSecret' | 'clientAuthMethod'>, prefix = ''): ClientCredentials {
  const clientId = input.clientId === undefined ? undefined : nonEmptyString(`${prefix}clientId`, input.clientId);
  const clientSecret = input.clientSecret === undefined ? undefined : nonEmptyString(`${prefix}clientSecret`, input.clientSecret);
  const method = input.clientAuthMethod ?? (clientSecret === undefined ? 'none' : 'client_secret_basic');
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    throw new SessionConfigError(`${prefix}clientAuthMethod`, `must be one of ${CLIENT_AUTH_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  }
  if (method !== 'none' && (clientId === undefined || clientSecret === undefined)) {
    throw new SessionConfigError(`${prefix}clientSecret`, `and clientId are required with clientAuthMethod ${method}`);
  }
  if (method === 'none' && clientSecret !== undefined) {
    throw new SessionConfigError(`${prefix}clientSecret`, 'is set but clientAuthMethod is "none": a public client sends no secret');
  }
  return Object.freeze({ method, ...(clientId !== undefined && { clientId }), ...(clientSecret !== undefined && { clientSecret }) });
}

function endpoint(option: string, value: unknown, allowInsecureHttp: boolean): string {
  if (typeof value !== 'string') throw new SessionConfigError(option, 'must be a URL string');
  return providerUrl(option, value, allowInsecureHttp).href;
}

/**
 * Checks the lifecycle options at start-up. `issuers` are the configured `iss` values: without
 * a `tokenEndpoint`, automatic refresh discovers it, so each issuer must be a provider URL.
 */
export function readLifecycleOptions(input: LifecycleOptions, issuers: readonly string[], allowInsecureHttp: boolean): LifecycleConfig {
  const tokenEndpoint = input.tokenEndpoint === undefined ? undefined : endpoint('tokenEndpoint', input.tokenEndpoint, allowInsecureHttp);
  let revocationEndpoint: string | false | undefined;
  if (input.revocationEndpoint === false) revocationEndpoint = false;
  else if (input.revocationEndpoint !== undefined) revocationEndpoint = endpoint('revocationEndpoint', input.revocationEndpoint, allowInsecureHttp);

  const sessionTokenFrom = input.sessionTokenFrom ?? 'access_token';
  if (sessionTokenFrom !== 'access_token' && sessionTokenFrom !== 'id_token') {
    throw new SessionConfigError('sessionTokenFrom', `must be "access_token" or "id_token", got ${JSON.stringify(sessionTokenFrom)}`);
  }
  if (input.autoRefresh !== undefined && typeof input.autoRefresh !== 'boolean') throw new SessionConfigError('autoRefresh', 'must be true or false');
  const autoRefresh = input.autoRefresh === true;
  if (autoRefresh && tokenEndpoint === undefined) {
    for (const issuer of issuers) {
      try {
        providerUrl('issuer', issuer, allowInsecureHttp);
      } catch {
        throw new SessionConfigError('tokenEndpoint', `is required for autoRefresh: issuer "${issuer}" is not a URL its token endpoint could be discovered from`);
      }
    }
  }
  const maxSessionLifetime = numberOption('maxSessionLifetime', input.maxSessionLifetime, 2_592_000, positiveInteger, 'a positive integer of seconds');

  return Object.freeze({
    ...(tokenEndpoint !== undefined && { tokenEndpoint }),
    ...(revocationEndpoint !== undefined && { revocationEndpoint }),
    client: readClient(input),
    sessionTokenFrom,
    autoRefresh,
    maxSessionLifetimeMs: maxSessionLifetime * 1000,
  });
}
