import type { Type } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import type { SessionCacheOptions } from '../cache/session-cache-options.js';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import type { ClaimsPreset } from '../claims/presets/index.js';
import type { CookieModuleOptions } from '../cookies/cookie-options.js';
import type { CsrfOptions } from '../csrf/csrf-options.js';
import type { DpopOptions } from '../dpop/dpop-options.js';
import type { ChallengeOptions } from '../errors/challenge-options.js';
import type { ExtractionOptions } from '../extraction/extraction-options.js';
import type { SessionGuard } from '../guard/session.guard.js';
import type { IntrospectionOptions } from '../introspection/introspection-options.js';
import type { LifecycleOptions } from '../lifecycle/lifecycle-options.js';
import type { KeyFetchOptions } from '../provider/fetch-options.js';
import type { ClaimValidatorOptions } from '../requirements/claim-validator-options.js';
import type { LoginOptions } from '../login/login-options.js';
import type { ServerSessionsOptions } from '../server-sessions/server-session-options.js';
import type { RevocationOptions } from '../revocation/revocation-options.js';
import type { TenantOptions } from '../tenants/tenant-options.js';
import type { TransportOptions } from '../transport/transport-options.js';
import type { VerificationOptions } from '../verification/verification-options.js';
import type { BackchannelLogoutOptions } from '../push-revocation/backchannel-logout-options.js';
import type { SharedSignalsOptions } from '../push-revocation/shared-signals-options.js';
import type { ResourceMetadataOptions } from '../resource-metadata/resource-metadata-options.js';
import type { StepUpOptions } from '../step-up/step-up-options.js';

/** One trusted issuer: who signs, with which keys, in which claim layout. */
export interface IssuerOptions {
  /** Expected `iss`, compared exactly. */
  issuer: string | string[];
  /** Expected `aud` (any one of them); not checked when unset. */
  audience?: string | string[];

  // Key sources: at least one.
  /** Remote JSON Web Key Set, cached and refetched on an unknown `kid` (with a cooldown). */
  jwksUri?: string;
  /** A JSON Web Key Set object. */
  jwks?: JSONWebKeySet;
  /** PEM SPKI public key(s). */
  publicKey?: string | string[];
  /** Read `jwks_uri` (and the provider's endpoints) from `<issuer>/.well-known/openid-configuration`. */
  discovery?: boolean;
  /** Shared HMAC secret (at least 32 bytes). Allows HS* and nothing else. */
  secret?: string | Uint8Array;

  /** Allowed `alg` values. Default: every asymmetric algorithm; with `secret`: HS256, HS384 and HS512. */
  algorithms?: string[];
  /** Claim layout: a preset name (default `descope`) or a mapping function. */
  claims?: ClaimsPreset | ClaimsMapper;
  /** RFC 7662: this issuer's opaque tokens (or all of them) are introspected at its provider. */
  introspection?: IntrospectionOptions;
}

/**
 * What an application passes to `SessionModule.forRoot()` or returns from `forRootAsync`'s factory:
 * the top-level issuer, and each feature's own options (each documented where it is read).
 */
export interface SessionModuleOptions
  extends Partial<IssuerOptions>,
    VerificationOptions,
    KeyFetchOptions,
    CookieModuleOptions,
    ExtractionOptions,
    TenantOptions,
    ClaimValidatorOptions,
    ChallengeOptions,
    LifecycleOptions,
    RevocationOptions,
    TransportOptions,
    DpopOptions {
  /**
   * More trusted issuers, each with its own keys and claims. The token's unverified `iss` only
   * picks the entry; the token is then verified with that entry's keys and issuer alone. The
   * top-level `issuer` (with its key sources) is the first entry when set.
   */
  issuers?: IssuerOptions[];
  /**
   * Verified sessions kept by token, so a token seen again skips the signature check (claims,
   * tenant, roles and revocation are still checked on every request). Default on, 10,000
   * entries, 60 s at most and never past the token's expiry; `false` turns it off.
   */
  sessionCache?: boolean | SessionCacheOptions;
  /**
   * CSRF check for sessions that come from a cookie, on unsafe methods (POST, PUT, PATCH,
   * DELETE ...): on by default (the app's own origin, or an `x-requested-with` header);
   * `false` turns it off. Never applied to `Authorization` headers.
   */
  csrf?: boolean | CsrfOptions;
  /** Server-side sessions: the browser holds only an opaque session id cookie (docs/server-sessions.md). */
  serverSessions?: boolean | ServerSessionsOptions;
  /** The authorization code flow with PKCE and its routes (docs/login.md). */
  login?: LoginOptions;
  /** OpenID Connect Back-Channel Logout 1.0 receiver route (docs/push-revocation.md). */
  backchannelLogout?: BackchannelLogoutOptions | boolean;
  /** RFC 8935 receiver of Security Event Tokens: CAEP and RISC events revoke (docs/push-revocation.md). */
  sharedSignals?: SharedSignalsOptions | boolean;
  /** RFC 9728 protected resource metadata, named in every 401 challenge (docs/resource-metadata.md). */
  resourceMetadata?: ResourceMetadataOptions;
  /** RFC 9470 step-up challenges of `mfa()`, `acr()` and `maxAuthAge()` (docs/step-up.md). */
  stepUp?: StepUpOptions;
}

/** Options read when the module is defined (beside `useFactory` in `forRootAsync`). */
export interface SessionModuleExtras {
  /** Register `SessionGuard` as `APP_GUARD`. Default `true`. */
  globalGuard?: boolean;
  /** Register `SessionErrorFilter` as `APP_FILTER`: a `SessionError` thrown from a handler is answered as the guard answers it. Default `true`. */
  errorFilter?: boolean;
  /**
   * Registers the login routes (`login`), under this path (`true`: `auth`). `forRoot` sets it
   * from `login.path`; with `forRootAsync` pass it beside `useFactory`.
   */
  loginRoutes?: boolean | string;
  /**
   * A subclass of `SessionGuard` that overrides some of its steps: the module then uses it
   * everywhere, as the global guard, under `@UseGuards(SessionGuard)` and for WebSocket
   * connections (`SocketSessions.admit`).
   */
  guard?: Type<SessionGuard>;
}
