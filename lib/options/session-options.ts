import { readSessionCacheOption } from '../cache/session-cache-options.js';
import { COOKIE_OPTION_KEYS, readCookieOptions } from '../cookies/cookie-options.js';
import type { SessionCookieOptions } from '../cookies/session-cookies.js';
import { CSRF_OPTION_KEYS, readCsrfOption, type CsrfPolicy } from '../csrf/csrf-options.js';
import { LIFECYCLE_OPTION_KEYS, readLifecycleOptions, type LifecycleConfig } from '../lifecycle/lifecycle-options.js';
import { readRevocationOptions, REVOCATION_OPTION_KEYS, type RevocationConfig } from '../revocation/revocation-options.js';
import type { SessionCacheLimits } from '../cache/verified-session-cache.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { bearerTokenExtractor } from '../extraction/bearer-token.extractor.js';
import { cookieTokenExtractor } from '../extraction/cookie-token.extractor.js';
import type { TokenExtractor } from '../extraction/token-extractor.interface.js';
import type { FetchLimits } from '../provider/limited-fetch.js';
import { toClaimValidator, type ClaimValidator } from '../requirements/claim-validator.interface.js';
import type { TenantResolution } from '../tenants/tenant-resolver.js';
import { readTransportOptions, TRANSPORT_OPTION_KEYS, type TransportConfig } from '../transport/transport-options.js';
import { ISSUER_OPTION_KEYS, readIssuerConfig, readIssuerEntry, type IssuerConfig } from './issuer-config.js';
import {
  nameOrFalse,
  nonEmptyString,
  nonEmptyStrings,
  nonNegative,
  nonNegativeInteger,
  numberOption,
  positiveInteger,
  rejectUnknownKeys,
} from './option-readers.js';
import type { SessionModuleOptions } from './session-module-options.interface.js';
import type { ChallengeParams } from '../errors/http-answer.js';
import { BACKCHANNEL_LOGOUT_OPTION_KEYS, readBackchannelLogoutOptions, type BackchannelLogoutConfig } from '../push-revocation/backchannel-logout-options.js';
import { readSharedSignalsOptions, SHARED_SIGNALS_OPTION_KEYS, type SharedSignalsConfig } from '../push-revocation/shared-signals-options.js';
import { readResourceMetadataOptions, RESOURCE_METADATA_OPTION_KEYS, type ResourceMetadataConfig } from '../resource-metadata/resource-metadata-options.js';
import { readStepUpOptions, STEP_UP_OPTION_KEYS, type StepUpConfig } from '../step-up/step-up-options.js';

export type { IssuerConfig, KeySource } from './issuer-config.js';

/** Options of the module itself, beside the per-issuer ones. Add new options here. */
const MODULE_OPTION_KEYS: ReadonlySet<string> = new Set<keyof SessionModuleOptions>([
  'issuers', 'clockTolerance', 'maxTokenAge', 'maxTokenLifetime', 'tokenType', 'requiredClaims', 'maxTokenLength', 'sessionCache', 'cookieName',
  'refreshCookieName', 'extractToken', 'tenantParam', 'tenantHeader', 'tenantFromClaim', 'claimValidators', 'realm',
  'jwksTimeoutMs', 'jwksCooldownMs', 'jwksCacheMaxAgeMs', 'maxResponseBytes', 'allowInsecureHttp',
  'jwksMaxStaleMs', 'prefetchKeys',
  ...LIFECYCLE_OPTION_KEYS, ...REVOCATION_OPTION_KEYS, ...CSRF_OPTION_KEYS, ...COOKIE_OPTION_KEYS, ...TRANSPORT_OPTION_KEYS,
  ...BACKCHANNEL_LOGOUT_OPTION_KEYS, ...SHARED_SIGNALS_OPTION_KEYS, ...RESOURCE_METADATA_OPTION_KEYS, ...STEP_UP_OPTION_KEYS,
]);

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([...ISSUER_OPTION_KEYS, ...MODULE_OPTION_KEYS]);

/**
 * The module's options with every default applied and every value checked once, at start-up.
 * A value that cannot work throws a `SessionConfigError` naming the option, so the app never
 * starts with a check silently switched off.
 */
export class SessionOptions {
  /** Trusted issuers; a token's `iss` picks exactly one. */
  readonly issuerConfigs: readonly IssuerConfig[];
  readonly clockTolerance: number;
  readonly maxTokenAge?: number;
  /** Longest `exp - iat` accepted, in seconds; unset: not checked. */
  readonly maxTokenLifetime?: number;
  readonly tokenType?: string;
  /** Always includes `exp` and `sub`. */
  readonly requiredClaims: readonly string[];
  readonly maxTokenLength: number;
  /** `false` when the verified-session cache is off. */
  readonly sessionCache: SessionCacheLimits | false;
  readonly extractors: readonly TokenExtractor[];
  readonly tenantResolution: TenantResolution;
  readonly claimValidators: readonly ClaimValidator[];
  readonly realm?: string;
  readonly fetchLimits: FetchLimits;
  readonly jwksCooldownMs: number;
  readonly jwksCacheMaxAgeMs: number;
  /** How long the last good keys serve while their endpoint fails (stale-if-error). */
  readonly jwksMaxStaleMs: number;
  readonly prefetchKeys: boolean | 'required';
  readonly allowInsecureHttp: boolean;
  /** Refresh, logout and the provider's OAuth client. */
  readonly lifecycle: LifecycleConfig;
  readonly revocation: RevocationConfig;
  /** `false` when the CSRF check of cookie sessions is off. */
  readonly csrf: CsrfPolicy | false;
  /** Names and paths of the cookies automatic refresh sets. */
  readonly cookies: Readonly<SessionCookieOptions>;
  /** Where GraphQL, WebSocket and microservice requests carry what the guard reads. */
  readonly transport: TransportConfig;
  /** Receivers of revocations pushed by the provider; unset when off. */
  readonly backchannelLogout?: BackchannelLogoutConfig;
  readonly sharedSignals?: SharedSignalsConfig;
  readonly resourceMetadata?: ResourceMetadataConfig;
  readonly stepUp: StepUpConfig;
  /** What every `WWW-Authenticate` challenge carries besides its error. */
  readonly challenge: ChallengeParams;

  constructor(input: SessionModuleOptions) {
    if (typeof input !== 'object' || input === null) throw new SessionConfigError('options', 'must be an object');
    if (Object.hasOwn(input, 'globalGuard')) {
      throw new SessionConfigError('globalGuard', 'is read when the module is defined: pass it to forRoot() or beside useFactory in forRootAsync(), not from the factory');
    }
    rejectUnknownKeys(input, KNOWN_OPTIONS);

    this.allowInsecureHttp = input.allowInsecureHttp === true;
    this.issuerConfigs = Object.freeze(this.readIssuers(input));

    this.clockTolerance = numberOption('clockTolerance', input.clockTolerance, 5, nonNegative, 'a number of seconds >= 0');
    if (input.maxTokenAge !== undefined) {
      this.maxTokenAge = numberOption('maxTokenAge', input.maxTokenAge, 0, (n) => n > 0, 'a number of seconds > 0');
    }
    if (input.maxTokenLifetime !== undefined) {
      this.maxTokenLifetime = numberOption('maxTokenLifetime', input.maxTokenLifetime, 0, (n) => n > 0, 'a number of seconds > 0');
    }
    if (input.tokenType !== undefined) this.tokenType = nonEmptyString('tokenType', input.tokenType);
    const required = input.requiredClaims === undefined ? [] : nonEmptyStrings('requiredClaims', input.requiredClaims);
    this.requiredClaims = Object.freeze([...new Set(['exp', 'sub', ...required])]);
    this.maxTokenLength = numberOption('maxTokenLength', input.maxTokenLength, 8192, positiveInteger, 'a positive integer');
    this.sessionCache = readSessionCacheOption(input.sessionCache);

    this.extractors = Object.freeze(this.readExtractors(input));
    // Checked here; kept (with the other cookie settings) in `cookies`.
    nonEmptyString('refreshCookieName', input.refreshCookieName ?? 'DSR');
    const header = nameOrFalse('tenantHeader', input.tenantHeader, 'x-tenant-id');
    this.tenantResolution = Object.freeze({
      param: nameOrFalse('tenantParam', input.tenantParam, 'tenantId'),
      header: header === false ? false : header.toLowerCase(),
      fromClaim: input.tenantFromClaim !== false,
    });
    this.claimValidators = Object.freeze(this.readClaimValidators(input.claimValidators));
    if (input.realm !== undefined) this.realm = nonEmptyString('realm', input.realm);

    this.fetchLimits = Object.freeze({
      timeoutMs: numberOption('jwksTimeoutMs', input.jwksTimeoutMs, 5000, positiveInteger, 'a positive integer of milliseconds'),
      maxBytes: numberOption('maxResponseBytes', input.maxResponseBytes, 512 * 1024, positiveInteger, 'a positive integer of bytes'),
    });
    this.jwksCooldownMs = numberOption('jwksCooldownMs', input.jwksCooldownMs, 30_000, nonNegativeInteger, 'an integer of milliseconds >= 0');
    this.jwksCacheMaxAgeMs = numberOption('jwksCacheMaxAgeMs', input.jwksCacheMaxAgeMs, 600_000, positiveInteger, 'a positive integer of milliseconds');
    this.jwksMaxStaleMs = numberOption('jwksMaxStaleMs', input.jwksMaxStaleMs, 86_400_000, nonNegativeInteger, 'an integer of milliseconds >= 0');
    if (input.prefetchKeys !== undefined && typeof input.prefetchKeys !== 'boolean' && input.prefetchKeys !== 'required') {
      throw new SessionConfigError('prefetchKeys', `must be true, false or 'required', got ${JSON.stringify(input.prefetchKeys)}`);
    }
    this.prefetchKeys = input.prefetchKeys ?? false;

    this.lifecycle = readLifecycleOptions(input, this.issuerConfigs.flatMap((config) => config.issuers), this.allowInsecureHttp);
    if (this.lifecycle.autoRefresh && input.cookieName === false) {
      throw new SessionConfigError('autoRefresh', 'sets the session cookie: it cannot be used with cookieName: false');
    }
    this.revocation = readRevocationOptions(input);
    this.csrf = readCsrfOption(input.csrf);
    this.cookies = readCookieOptions(input);
    this.transport = readTransportOptions(input);
    const receiverContext = { clientId: this.lifecycle.client.clientId, issuers: this.issuerConfigs.flatMap((config) => config.issuers), store: this.revocation.store };
    this.backchannelLogout = readBackchannelLogoutOptions(input, receiverContext);
    this.sharedSignals = readSharedSignalsOptions(input, receiverContext);
    this.resourceMetadata = readResourceMetadataOptions(input, receiverContext.issuers, this.allowInsecureHttp);
    this.stepUp = readStepUpOptions(input);
    this.challenge = Object.freeze({ ...(this.realm !== undefined && { realm: this.realm }), ...(this.resourceMetadata && { resourceMetadata: this.resourceMetadata.url }) });
  }

  /** The top level is one issuer when `issuer` is set; `issuers` adds more. An `iss` may belong to one only. */
  private readIssuers(input: SessionModuleOptions): IssuerConfig[] {
    const configs: IssuerConfig[] = [];
    const topLevelKeys = [...ISSUER_OPTION_KEYS].filter((key) => Object.hasOwn(input, key) && input[key as keyof SessionModuleOptions] !== undefined);
    if (input.issuer !== undefined) {
      configs.push(readIssuerConfig({ ...input, issuer: input.issuer }, '', this.allowInsecureHttp));
    } else if (topLevelKeys.length) {
      throw new SessionConfigError('issuer', `is required with ${topLevelKeys.join(', ')}`);
    }
    if (input.issuers !== undefined) {
      if (!Array.isArray(input.issuers) || input.issuers.length === 0) throw new SessionConfigError('issuers', 'must be a non-empty array');
      input.issuers.forEach((entry, index) => configs.push(readIssuerEntry(entry, index, this.allowInsecureHttp)));
    }
    if (!configs.length) throw new SessionConfigError('issuer', 'is required (or issuers)');
    const seen = new Set<string>();
    for (const iss of configs.flatMap((config) => config.issuers)) {
      if (seen.has(iss)) throw new SessionConfigError('issuers', `names issuer "${iss}" twice`);
      seen.add(iss);
    }
    return configs;
  }

  private readClaimValidators(validators: SessionModuleOptions['claimValidators']): ClaimValidator[] {
    if (validators === undefined) return [];
    if (!Array.isArray(validators)) throw new SessionConfigError('claimValidators', 'must be an array of validators or predicates');
    return validators.map((validator) => {
      const valid = typeof validator === 'function' || (typeof validator?.validate === 'function' && typeof validator.name === 'string');
      if (!valid) throw new SessionConfigError('claimValidators', 'must hold validators ({ name, validate }) or predicates');
      return toClaimValidator(validator);
    });
  }

  private readExtractors(input: SessionModuleOptions): TokenExtractor[] {
    if (input.extractToken !== undefined) {
      if (typeof input.extractToken !== 'function') throw new SessionConfigError('extractToken', 'must be a function');
      return [input.extractToken];
    }
    const cookieName = nameOrFalse('cookieName', input.cookieName, 'DS');
    return cookieName === false ? [bearerTokenExtractor] : [bearerTokenExtractor, cookieTokenExtractor(cookieName)];
  }
}
