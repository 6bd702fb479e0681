// Module and options
export { SessionModule } from './session.module.js';
export { SESSION_MODULE_OPTIONS } from './session-module.definition.js';
export type { IssuerOptions, SessionModuleExtras, SessionModuleOptions } from './options/session-module-options.interface.js';
export type { SessionCacheOptions } from './cache/session-cache-options.js';

// Guard and service
export { SessionGuard, type SessionCredentials } from './guard/session.guard.js';
export type { RoutePolicy } from './requirements/route-policy.js';
export { SessionService } from './service/session.service.js';

// Route requirements
export { Public } from './requirements/decorators/public.decorator.js';
export { OptionalSession } from './requirements/decorators/optional-session.decorator.js';
export { AnyPermission, AnyRole, Permissions, Roles, TopLevelPermissions, TopLevelRoles } from './requirements/decorators/grants.decorator.js';
export { RequireTenant } from './requirements/decorators/require-tenant.decorator.js';
export { RequireClaims, SkipGlobalClaims } from './requirements/decorators/require-claims.decorator.js';
export { acr, authMethods, claimEquals, claimIncludes, maxAuthAge, mfa } from './requirements/claim-validators.js';
export type { ClaimValidator, ClaimValidatorLike, StepUpRequirement } from './requirements/claim-validator.interface.js';
export type { StepUpOptions } from './step-up/step-up-options.js';

// Parameters
export { CurrentSession } from './params/current-session.decorator.js';
export { Tenant } from './params/tenant.decorator.js';
export { RefreshToken } from './params/refresh-token.decorator.js';
export { getSession, getTenant } from './transport/request-session.js';
export { registerTransport } from './transport/transport-registry.js';
export type { TransportAdapter } from './transport/transport-adapter.js';
export type { GuardedRequest } from './transport/guarded-request.js';

// Transports (GraphQL, WebSocket gateways, microservices)
export { SocketSessions } from './transport/socket-sessions.js';
export { GraphQLRefusal, TransportRefusal, type TransportRefusalPayload } from './transport/transport-refusal.js';
export type { TransportOptions } from './transport/transport-options.js';

// Sessions and claims
export type { Session, TenantContext, TenantGrants } from './claims/session.interface.js';
export type { ClaimsMapper, NormalizedClaims } from './claims/claims-mapper.interface.js';
export {
  CLAIMS_PRESETS,
  auth0Claims,
  descopeClaims,
  keycloakClaims,
  oidcClaims,
  supertokensClaims,
  type Auth0ClaimsOptions,
  type ClaimsPreset,
  type KeycloakClaimsOptions,
} from './claims/presets/index.js';

// Sender-constrained tokens (RFC 9449 DPoP)
export { RequireDpop } from './dpop/require-dpop.decorator.js';
export type { DpopForwardedHeaders, DpopMode, DpopNonceOptions, DpopOptions } from './dpop/dpop-options.js';

// Opaque tokens (RFC 7662 introspection)
export type { IntrospectionOptions } from './introspection/introspection-options.js';

// Token location
export type { RequestCredentials, TokenExtractor } from './extraction/token-extractor.interface.js';
export { bearerTokenExtractor } from './extraction/bearer-token.extractor.js';
export { cookieTokenExtractor } from './extraction/cookie-token.extractor.js';

// Keys
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, type SessionAlgorithm } from './keys/algorithms.js';

// Identity providers
export { ProviderDirectory } from './provider/provider-directory.js';
export type { ProviderMetadata } from './provider/discovery.js';

// Session lifecycle: refresh, logout, cookies, CSRF
export type { LogoutOptions, RefreshedSession, RefreshOptions, SessionValidation } from './lifecycle/refreshed-session.js';
export type { LifecycleOptions, SessionTokenField } from './lifecycle/lifecycle-options.js';
export { LogoutRoute } from './lifecycle/logout-route.decorator.js';
export type { ClientAuthMethod } from './lifecycle/client-authentication.js';
export { clearSessionCookies, setSessionCookies } from './cookies/response-cookies.js';
export { clearedSessionCookieHeaders, sessionCookieHeaders, type SessionCookieOptions, type SessionCookieTokens } from './cookies/session-cookies.js';
export type { CookieModuleOptions } from './cookies/cookie-options.js';
export type { CsrfOptions } from './csrf/csrf-options.js';

// Stores: revocations, session data, one-time ids (docs/stores.md)
export type { RevocationStore, RevocationSubject } from './revocation/revocation-store.interface.js';
export type { SessionDataStore } from './revocation/session-data-store.interface.js';
export type { ReplayStore } from './replay/replay-store.interface.js';
export type { RevocationOptions } from './revocation/revocation-options.js';
export type { RevocationRecord } from './revocation/revocation-record.js';
export { RevocationLedger } from './revocation/revocation-ledger.js';
export { InMemoryRevocationStore, type InMemoryRevocationStoreOptions } from './revocation/in-memory-revocation.store.js';
export { RedisRevocationStore } from './revocation/redis/redis-revocation.store.js';
export type { RedisRevocationStoreOptions } from './revocation/redis/redis-store-options.js';
export type { AnyRedisClient, RedisClientLike, RedisClientOptions, RedisClusterLike, RedisSentinelLike } from './revocation/redis/redis-client.js';
// Server-side sessions and the login flow
export type { ServerSessionsOptions } from './server-sessions/server-session-options.js';
export type { ServerSessionInfo, ServerSessionRecord } from './server-sessions/server-session-record.js';
export type { ServerSessionStore } from './server-sessions/server-session-store.interface.js';
export { InMemoryServerSessionStore } from './server-sessions/in-memory-server-session.store.js';
export { RedisServerSessionStore, type RedisServerSessionStoreOptions } from './server-sessions/redis-server-session.store.js';
export type { LoginOptions } from './login/login-options.js';
export { LoginError, type LoginErrorReason } from './login/login-error.js';
export type { ProviderLogoutContext, ProviderLogoutHook } from './login/provider-logout.js';

// Revocation pushed by the provider; protected resource metadata
export type { BackchannelLogoutOptions } from './push-revocation/backchannel-logout-options.js';
export type { SharedSignalsOptions } from './push-revocation/shared-signals-options.js';
export type { ResourceMetadataOptions } from './resource-metadata/resource-metadata-options.js';

// Errors
export { SessionError, isSessionError, type SessionErrorOptions } from './errors/session-error.js';
export { REASON_STATUS, type SessionErrorReason } from './errors/session-error-reason.js';
export { SessionConfigError } from './errors/session-config.error.js';
export { toHttpAnswer, type ChallengeParams, type SessionErrorBody } from './errors/http-answer.js';
export { SessionErrorFilter } from './errors/session-error.filter.js';
