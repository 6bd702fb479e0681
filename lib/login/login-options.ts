import { SessionConfigError } from '../errors/session-config.error.js';
import { nonEmptyString, numberOption, positiveInteger, rejectUnknownKeys } from '../config/option-readers.js';
import { providerUrl } from '../provider/url-policy.js';
import type { ProviderLogoutHook } from './provider-logout.js';

/** `login: {...}`: the authorization code flow with PKCE, `state` and `nonce`, and its routes. */
export interface LoginOptions {
  /** The absolute URL of the callback route, as registered at the provider (`https://app.example/auth/callback`). */
  redirectUri: string;
  /** Prefix of the routes: `GET <path>/login`, `GET <path>/callback`, `POST <path>/logout`. Default `auth`. */
  path?: string;
  /**
   * The OpenID Provider whose discovery document is read (`<issuer>/.well-known/openid-configuration`).
   * Default: the first configured `issuer`. It may differ from the session tokens' `iss` (a provider
   * whose access tokens name another issuer than its OpenID Connect one).
   */
  issuer?: string;
  /** Default `openid offline_access` (an ID token, and a refresh token for server-side refresh). */
  scope?: string;
  /** More authorization request parameters (`resource`, `audience`, `prompt`, `acr_values` ...). */
  authorizationParams?: Record<string, string>;
  /** More token request parameters (`resource` ...). */
  tokenParams?: Record<string, string>;
  /** Where a login without `returnTo` lands. Default `/`. */
  defaultReturnTo?: string;
  /**
   * Absolute URLs (origin, or origin and path prefix) a `returnTo` may name besides the app's own
   * paths (`/...`). Anything else is refused with 400 `return_to_not_allowed`.
   */
  allowedReturnTo?: string[];
  /** Sent as `post_logout_redirect_uri` in RP-initiated logout (registered at the provider). Default: none. */
  postLogoutRedirectUri?: string;
  /** Seconds a started login may take before its callback is refused. Default 600. */
  loginTimeout?: number;
  /** A provider's own session logout (Transmit's logout by `session_id`), called on every logout; see docs/login.md. */
  providerLogout?: ProviderLogoutHook;
}

export interface LoginConfig {
  readonly redirectUri: URL;
  readonly path: string;
  readonly issuer: string;
  readonly scope: string;
  readonly authorizationParams: Readonly<Record<string, string>>;
  readonly tokenParams: Readonly<Record<string, string>>;
  readonly defaultReturnTo: string;
  readonly allowedReturnTo: readonly URL[];
  readonly postLogoutRedirectUri?: string;
  readonly loginTimeoutMs: number;
  readonly providerLogout?: ProviderLogoutHook;
}

export const LOGIN_OPTION_KEYS = ['login'] as const;
const KEYS: ReadonlySet<string> = new Set<keyof LoginOptions>([
  'redirectUri', 'path', 'issuer', 'scope', 'authorizationParams', 'tokenParams', 'defaultReturnTo', 'allowedReturnTo', 'postLogoutRedirectUri',
  'loginTimeout', 'providerLogout',
]);
const RESERVED_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'scope'];

function params(option: string, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw new SessionConfigError(option, 'must be an object of string values');
  }
  const reserved = Object.keys(value).filter((key) => RESERVED_PARAMS.includes(key));
  if (reserved.length) throw new SessionConfigError(option, `must not set ${reserved.join(', ')}: the login flow sets them`);
  return Object.freeze({ ...(value as Record<string, string>) });
}

function appUrl(option: string, value: unknown, allowInsecureHttp: boolean): URL {
  return providerUrl(option, nonEmptyString(option, value), allowInsecureHttp);
}

/**
 * Checks `login` at start-up; `undefined` when it is not set. `issuers` are the configured
 * `iss` values (the default discovery issuer is the first); `clientId` is the OAuth client.
 */
export function readLoginOptions(
  input: { login?: LoginOptions },
  issuers: readonly string[],
  clientId: string | undefined,
  allowInsecureHttp: boolean,
): LoginConfig | undefined {
  const login = input.login;
  if (login === undefined) return undefined;
  if (typeof login !== 'object' || login === null || Array.isArray(login)) throw new SessionConfigError('login', 'must be an options object');
  rejectUnknownKeys(login, KEYS, 'login.');
  if (clientId === undefined) throw new SessionConfigError('clientId', 'is required with login (the OAuth client that logs users in)');
  const issuer = login.issuer === undefined ? issuers[0] : nonEmptyString('login.issuer', login.issuer);
  if (issuer === undefined) throw new SessionConfigError('login.issuer', 'is required (there is no top-level issuer)');
  appUrl('login.issuer', issuer, allowInsecureHttp);
  const path = (login.path ?? 'auth').replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9._~/-]*$/.test(path)) throw new SessionConfigError('login.path', `must be a plain path, got ${JSON.stringify(login.path)}`);
  const defaultReturnTo = login.defaultReturnTo ?? '/';
  if (typeof defaultReturnTo !== 'string' || !defaultReturnTo.startsWith('/') || defaultReturnTo.startsWith('//')) {
    throw new SessionConfigError('login.defaultReturnTo', 'must be a path of this app, starting with one "/"');
  }
  if (login.allowedReturnTo !== undefined && !Array.isArray(login.allowedReturnTo)) throw new SessionConfigError('login.allowedReturnTo', 'must be an array of absolute URLs');
  if (login.providerLogout !== undefined && typeof login.providerLogout !== 'function') throw new SessionConfigError('login.providerLogout', 'must be a function');
  const scope = nonEmptyString('login.scope', login.scope ?? 'openid offline_access');
  if (!scope.split(' ').includes('openid')) throw new SessionConfigError('login.scope', 'must include openid (the nonce is checked in the ID token)');
  return Object.freeze({
    redirectUri: appUrl('login.redirectUri', login.redirectUri, allowInsecureHttp),
    path,
    issuer,
    scope,
    authorizationParams: params('login.authorizationParams', login.authorizationParams),
    tokenParams: params('login.tokenParams', login.tokenParams),
    defaultReturnTo,
    allowedReturnTo: Object.freeze((login.allowedReturnTo ?? []).map((url, index) => appUrl(`login.allowedReturnTo[${index}]`, url, allowInsecureHttp))),
    ...(login.postLogoutRedirectUri !== undefined && { postLogoutRedirectUri: appUrl('login.postLogoutRedirectUri', login.postLogoutRedirectUri, allowInsecureHttp).href }),
    loginTimeoutMs: numberOption('login.loginTimeout', login.loginTimeout, 600, positiveInteger, 'a positive integer of seconds') * 1000,
    ...(login.providerLogout !== undefined && { providerLogout: login.providerLogout }),
  });
}
