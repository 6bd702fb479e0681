import { readSessionCacheOption } from '../cache/session-cache-options.js';
import { DPOP_OPTION_KEYS, readDpopOptions, type DpopConfig } from '../dpop/dpop-options.js';
import { LOGIN_OPTION_KEYS, readLoginOptions, type LoginConfig } from '../login/login-options.js';
import { readServerSessionsOptions, SERVER_SESSIONS_OPTION_KEYS, type ServerSessionsConfig } from '../server-sessions/server-session-options.js';
import type { SessionCacheLimits } from '../cache/verified-session-cache.js';
import { COOKIE_OPTION_KEYS, readCookieOptions, sessionCookieToRead, type CookieConfig } from '../cookies/cookie-options.js';
import { CSRF_OPTION_KEYS, readCsrfOption, type CsrfPolicy } from '../csrf/csrf-options.js';
import { CHALLENGE_OPTION_KEYS, readChallengeOptions, type ChallengeConfig } from '../errors/challenge-options.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { EXTRACTION_OPTION_KEYS, readExtractors } from '../extraction/extraction-options.js';
import type { TokenExtractor } from '../extraction/token-extractor.interface.js';
import { LIFECYCLE_OPTION_KEYS, readLifecycleOptions, type LifecycleConfig } from '../lifecycle/lifecycle-options.js';
import { KEY_FETCH_OPTION_KEYS, readKeyFetchOptions, type KeyFetchConfig } from '../provider/fetch-options.js';
import type { ClaimValidator } from '../requirements/claim-validator.interface.js';
import { CLAIM_VALIDATOR_OPTION_KEYS, readClaimValidators } from '../requirements/claim-validator-options.js';
import { readRevocationOptions, REVOCATION_OPTION_KEYS, type RevocationConfig } from '../revocation/revocation-options.js';
import { readTenantOptions, TENANT_OPTION_KEYS } from '../tenants/tenant-options.js';
import type { TenantResolution } from '../tenants/tenant-resolver.js';
import { readTransportOptions, TRANSPORT_OPTION_KEYS, type TransportConfig } from '../transport/transport-options.js';
import { readVerificationOptions, VERIFICATION_OPTION_KEYS, type VerificationConfig } from '../verification/verification-options.js';
import { ISSUER_OPTION_KEYS, readIssuerConfig, readIssuerEntry, type IssuerConfig } from './issuer-config.js';
import { rejectUnknownKeys } from '../config/option-readers.js';
import type { SessionModuleOptions } from './session-module-options.interface.js';
import type { ChallengeParams } from '../errors/http-answer.js';
import { BACKCHANNEL_LOGOUT_OPTION_KEYS, readBackchannelLogoutOptions, type BackchannelLogoutConfig } from '../push-revocation/backchannel-logout-options.js';
import { readSharedSignalsOptions, SHARED_SIGNALS_OPTION_KEYS, type SharedSignalsConfig } from '../push-revocation/shared-signals-options.js';
import { readResourceMetadataOptions, RESOURCE_METADATA_OPTION_KEYS, type ResourceMetadataConfig } from '../resource-metadata/resource-metadata-options.js';
import { readStepUpOptions, STEP_UP_OPTION_KEYS, type StepUpConfig } from '../step-up/step-up-options.js';

/** Every option `forRoot()` takes: each feature names its own. A new feature adds its list here. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set<string>([
  ...ISSUER_OPTION_KEYS, 'issuers', 'sessionCache',
  ...VERIFICATION_OPTION_KEYS, ...KEY_FETCH_OPTION_KEYS, ...EXTRACTION_OPTION_KEYS, ...COOKIE_OPTION_KEYS, ...TENANT_OPTION_KEYS,
  ...CLAIM_VALIDATOR_OPTION_KEYS, ...CHALLENGE_OPTION_KEYS, ...LIFECYCLE_OPTION_KEYS, ...REVOCATION_OPTION_KEYS, ...CSRF_OPTION_KEYS,
  ...TRANSPORT_OPTION_KEYS, ...DPOP_OPTION_KEYS, ...SERVER_SESSIONS_OPTION_KEYS, ...LOGIN_OPTION_KEYS,
  ...BACKCHANNEL_LOGOUT_OPTION_KEYS, ...SHARED_SIGNALS_OPTION_KEYS, ...RESOURCE_METADATA_OPTION_KEYS, ...STEP_UP_OPTION_KEYS,
]);

/** Options read when the module is defined; a factory returning them has them in the wrong place. */
const MODULE_EXTRAS = ['globalGuard', 'errorFilter', 'guard'] as const;

/**
 * The module's options, checked once at start-up: each feature reads its own part with its own
 * defaults (`lib/<feature>/<feature>-options.ts`) and its components receive only that part. A
 * value that cannot work throws a `SessionConfigError` naming the option, so the app never starts
 * with a check silently switched off.
 */
export class SessionOptions {
  /** Trusted issuers; a token's `iss` picks exactly one. */
  readonly issuerConfigs: readonly IssuerConfig[];
  readonly verification: VerificationConfig;
  readonly keyFetch: KeyFetchConfig;
  /** `false` when the verified-session cache is off. */
  readonly sessionCache: SessionCacheLimits | false;
  readonly cookies: CookieConfig;
  readonly extractors: readonly TokenExtractor[];
  readonly tenantResolution: TenantResolution;
  readonly claimValidators: readonly ClaimValidator[];
  /** What every `WWW-Authenticate` challenge carries besides its error: `realm`, `resource_metadata`. */
  readonly challenge: ChallengeConfig & ChallengeParams;
  /** Refresh, logout and the provider's OAuth client. */
  readonly lifecycle: LifecycleConfig;
  readonly revocation: RevocationConfig;
  /** `false` when the CSRF check of cookie sessions is off. */
  readonly csrf: CsrfPolicy | false;
  /** Where GraphQL, WebSocket and microservice requests carry what the guard reads. */
  readonly transport: TransportConfig;
  /** RFC 9449 proof-of-possession. */
  readonly dpop: DpopConfig;
  /** `false` when server-side sessions are off. */
  readonly serverSessions: ServerSessionsConfig | false;
  /** The login flow; `undefined` without `login`. */
  readonly login?: LoginConfig;
  /** Receivers of revocations pushed by the provider, and the resource metadata; unset when off. */
  readonly backchannelLogout?: BackchannelLogoutConfig;
  readonly sharedSignals?: SharedSignalsConfig;
  readonly resourceMetadata?: ResourceMetadataConfig;
  readonly stepUp: StepUpConfig;

  constructor(input: SessionModuleOptions) {
    if (typeof input !== 'object' || input === null) throw new SessionConfigError('options', 'must be an object');
    for (const extra of MODULE_EXTRAS) {
      if (Object.hasOwn(input, extra)) {
        throw new SessionConfigError(extra, 'is read when the module is defined: pass it to forRoot() or beside useFactory in forRootAsync(), not from the factory');
      }
    }
    rejectUnknownKeys(input, KNOWN_OPTIONS);

    this.keyFetch = readKeyFetchOptions(input);
    this.issuerConfigs = Object.freeze(readIssuers(input, this.keyFetch.allowInsecureHttp));
    this.verification = readVerificationOptions(input);
    this.sessionCache = readSessionCacheOption(input.sessionCache);
    this.cookies = readCookieOptions(input);
    const sessionCookie = sessionCookieToRead(input);
    this.extractors = readExtractors(input, sessionCookie);
    this.tenantResolution = readTenantOptions(input);
    this.claimValidators = readClaimValidators(input.claimValidators);
    const issuers = this.issuerConfigs.flatMap((config) => config.issuers);
    this.resourceMetadata = readResourceMetadataOptions(input, issuers, this.keyFetch.allowInsecureHttp);
    this.challenge = Object.freeze({ ...readChallengeOptions(input), ...(this.resourceMetadata && { resourceMetadata: this.resourceMetadata.url }) });
    this.stepUp = readStepUpOptions(input);
    this.lifecycle = readLifecycleOptions(input, this.issuerConfigs.flatMap((config) => config.issuers), this.keyFetch.allowInsecureHttp);
    if (this.lifecycle.autoRefresh && sessionCookie === false) {
      throw new SessionConfigError('autoRefresh', 'sets the session cookie: it cannot be used with cookieName: false');
    }
    this.revocation = readRevocationOptions(input);
    this.csrf = readCsrfOption(input.csrf);
    this.transport = readTransportOptions(input);
    this.dpop = readDpopOptions(input);
    this.serverSessions = readServerSessionsOptions(input);
    const login = readLoginOptions(input, this.issuerConfigs.flatMap((config) => config.issuers), this.lifecycle.client.clientId, this.keyFetch.allowInsecureHttp);
    if (login !== undefined) this.login = login;
    const receiverContext = { clientId: this.lifecycle.client.clientId, issuers };
    this.backchannelLogout = readBackchannelLogoutOptions(input, receiverContext);
    this.sharedSignals = readSharedSignalsOptions(input, receiverContext);
  }
}

/** The top level is one issuer when `issuer` is set; `issuers` adds more. An `iss` may belong to one only. */
function readIssuers(input: SessionModuleOptions, allowInsecureHttp: boolean): IssuerConfig[] {
  const configs: IssuerConfig[] = [];
  const topLevelKeys = [...ISSUER_OPTION_KEYS].filter((key) => Object.hasOwn(input, key) && input[key as keyof SessionModuleOptions] !== undefined);
  if (input.issuer !== undefined) {
    configs.push(readIssuerConfig({ ...input, issuer: input.issuer }, '', allowInsecureHttp));
  } else if (topLevelKeys.length) {
    throw new SessionConfigError('issuer', `is required with ${topLevelKeys.join(', ')}`);
  }
  if (input.issuers !== undefined) {
    if (!Array.isArray(input.issuers) || input.issuers.length === 0) throw new SessionConfigError('issuers', 'must be a non-empty array');
    input.issuers.forEach((entry, index) => configs.push(readIssuerEntry(entry, index, allowInsecureHttp)));
  }
  if (!configs.length) throw new SessionConfigError('issuer', 'is required (or issuers)');
  const seen = new Set<string>();
  for (const iss of configs.flatMap((config) => config.issuers)) {
    if (seen.has(iss)) throw new SessionConfigError('issuers', `names issuer "${iss}" twice`);
    seen.add(iss);
  }
  return configs;
}
