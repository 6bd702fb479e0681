import type { Type } from '@nestjs/common';
import type { JSONWebKeySet } from 'jose';
import type { SessionGuard } from '../guard/session.guard.js';
import type { SessionCacheOptions } from '../cache/session-cache-options.js';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import type { ClaimsPreset } from '../claims/presets/index.js';
import type { TokenExtractor } from '../extraction/token-extractor.interface.js';
import type { ClaimValidatorLike } from '../requirements/claim-validator.interface.js';
import type { CookieModuleOptions } from '../cookies/cookie-options.js';
import type { CsrfOptions } from '../csrf/csrf-options.js';
import type { LifecycleOptions } from '../lifecycle/lifecycle-options.js';
import type { RevocationOptions } from '../revocation/revocation-options.js';
import type { TransportOptions } from '../transport/transport-options.js';
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
}

/** What an application passes to `SessionModule.forRoot()` or returns from `forRootAsync`'s factory. */
export interface SessionModuleOptions extends Partial<IssuerOptions>, LifecycleOptions, RevocationOptions, CookieModuleOptions, TransportOptions {
  /**
   * CSRF check for sessions that come from a cookie, on unsafe methods (POST, PUT, PATCH,
   * DELETE ...): on by default (the app's own origin, or an `x-requested-with` header);
   * `false` turns it off. Never applied to `Authorization` headers.
   */
  csrf?: boolean | CsrfOptions;
  /**
   * More trusted issuers, each with its own keys and claims. The token's unverified `iss` only
   * picks the entry; the token is then verified with that entry's keys and issuer alone. The
   * top-level `issuer` (with its key sources) is the first entry when set.
   */
  issuers?: IssuerOptions[];

  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number;
  /** Seconds after `iat` when a token stops being accepted, whatever its `exp`. */
  maxTokenAge?: number;
  /**
   * Longest lifetime (`exp - iat`) accepted, in seconds: a token issued to live longer is refused
   * (`claim_invalid`), and so is one without `iat`. Unset by default (not checked).
   */
  maxTokenLifetime?: number;
  /** Expected `typ` header, e.g. `at+jwt`. */
  tokenType?: string;
  /** Claims that must be present besides `exp` and `sub`. */
  requiredClaims?: string[];
  /** Longest token accepted, in characters, checked before any parsing. Default 8192. */
  maxTokenLength?: number;
  /**
   * Verified sessions kept by token, so a token seen again skips the signature check (claims,
   * tenant, roles and revocation are still checked on every request). Default on, 10,000
   * entries, 60 s at most and never past the token's expiry; `false` turns it off.
   */
  sessionCache?: boolean | SessionCacheOptions;

  /** Cookie holding the session token; `false` to ignore cookies. Default `DS`. */
  cookieName?: string | false;
  /** Cookie holding the refresh token. Default `DSR`. */
  refreshCookieName?: string;
  /** Replaces the default token location (Bearer header, then cookie). */
  extractToken?: TokenExtractor;

  /** Route parameter naming the tenant; `false` to skip. Default `tenantId`. */
  tenantParam?: string | false;
  /** Header naming the tenant; `false` to skip. Default `x-tenant-id`. */
  tenantHeader?: string | false;
  /** Fall back to the `dct` claim. Default `true`. */
  tenantFromClaim?: boolean;

  /** Claim validators applied to every guarded route (drop them with `@SkipGlobalClaims()`). */
  claimValidators?: ClaimValidatorLike[];
  /** `realm` of the `WWW-Authenticate` challenge. */
  realm?: string;

  /** Milliseconds before a key or discovery request is abandoned. Default 5000. */
  jwksTimeoutMs?: number;
  /** Milliseconds between refetches on an unknown `kid`, and after a failed discovery. Default 30000. */
  jwksCooldownMs?: number;
  /** Milliseconds a fetched key set is used before it is refetched. Default 600000. */
  jwksCacheMaxAgeMs?: number;
  /**
   * While a JWKS endpoint fails, how long after their fetch the last good keys keep verifying
   * tokens (stale-if-error), in milliseconds. Default 86400000 (24 hours); 0 serves fresh keys only.
   */
  jwksMaxStaleMs?: number;
  /** Largest JWKS or discovery response accepted, in bytes. Default 512 KiB. */
  maxResponseBytes?: number;
  /**
   * Fetch remote keys (and discovery documents) at start-up instead of on the first token.
   * `true`: a failure is logged and the app starts anyway (keys are fetched on first use);
   * `'required'`: a failure stops start-up. Default `false`.
   */
  prefetchKeys?: boolean | 'required';
  /** Accept `http:` provider URLs off loopback. Default `false`. */
  allowInsecureHttp?: boolean;

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
  /**
   * A subclass of `SessionGuard` that overrides some of its steps: the module then uses it
   * everywhere, as the global guard, under `@UseGuards(SessionGuard)` and for WebSocket
   * connections (`SocketSessions.admit`).
   */
  guard?: Type<SessionGuard>;
}
