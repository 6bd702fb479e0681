import type { SessionModuleOptions } from '../lib/index.js';
import { notSuspended } from './claim-rules.js';
import type { DevIssuerConfig, ProviderConfig } from './config/sample-config.js';
import { DEV_AUDIENCE, DEV_ISSUER, type DevIssuer } from './dev-issuer/dev-issuer.js';

/** What both modes share: the sample's own rule on every route. */
const shared = { claimValidators: [notSuspended] } satisfies Partial<SessionModuleOptions>;

/**
 * Dev-issuer mode hands the module the key set itself (`jwks`) rather than a `jwksUri` pointing
 * at the app's own `/.well-known/jwks.json`: the module resolves its keys while the app boots,
 * before it listens, and the port may not be known in advance (PORT=0). The JWKS route serves the
 * same set to other services and tools.
 */
export function devIssuerSessionOptions(issuer: DevIssuer, config: DevIssuerConfig): SessionModuleOptions {
  return {
    ...devIssuerLogin(issuer, config),
    ...shared,
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    jwks: issuer.jwks,
    // Browser sessions: the dev issuer's refresh and revocation endpoints, as a public client;
    // an expired DS cookie is refreshed from DSR by the guard itself.
    tokenEndpoint: issuer.oauth.tokenEndpoint,
    revocationEndpoint: issuer.oauth.revocationEndpoint,
    clientId: issuer.clientId,
    autoRefresh: true,
  };
}

export function providerSessionOptions(config: ProviderConfig): SessionModuleOptions {
  return {
    ...shared,
    issuer: config.issuer,
    ...(config.audience && { audience: config.audience }),
    ...(config.jwksUri && { jwksUri: config.jwksUri }),
    ...(config.discovery && { discovery: true }),
  };
}

/** Where the login routes live in the sample (`/auth/login` is the dev issuer's password-less JSON login). */
export const SAMPLE_LOGIN_PATH = 'oidc';

/**
 * The code flow against the dev issuer's OpenID Provider routes (`GET /oidc/login`), in
 * server-session mode unless `SESSIONS=cookies`. The callback URL needs the app's port, so the
 * login is off when the sample listens on a port chosen at start (PORT=0).
 */
export function devIssuerLogin(issuer: DevIssuer, config: DevIssuerConfig): Partial<SessionModuleOptions> {
  if (config.port === 0) return {};
  const app = `http://localhost:${config.port}`;
  return {
    ...(config.sessions === 'server' && { serverSessions: true }),
    login: {
      path: SAMPLE_LOGIN_PATH,
      issuer: issuer.oauth.origin,
      redirectUri: `${app}/${SAMPLE_LOGIN_PATH}/callback`,
      postLogoutRedirectUri: `${app}/welcome`,
      defaultReturnTo: '/me',
    },
  };
}
