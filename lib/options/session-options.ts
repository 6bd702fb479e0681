import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import { CLAIMS_PRESETS, isClaimsPreset } from '../claims/presets/index.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { bearerTokenExtractor } from '../extraction/bearer-token.extractor.js';
import { cookieTokenExtractor } from '../extraction/cookie-token.extractor.js';
import type { TokenExtractor } from '../extraction/token-extractor.interface.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, isAsymmetricAlgorithm, isHmacAlgorithm, type SessionAlgorithm } from '../keys/algorithms.js';
import type { FetchLimits } from '../provider/limited-fetch.js';
import { providerUrl } from '../provider/url-policy.js';
import { toClaimValidator, type ClaimValidator } from '../requirements/claim-validator.interface.js';
import type { TenantResolution } from '../tenants/tenant-resolver.js';
import type { SessionModuleOptions } from './session-module-options.interface.js';

/** Where verification keys come from; several may be configured together. */
export type KeySource =
  | { readonly kind: 'publicKey'; readonly pems: readonly string[] }
  | { readonly kind: 'jwks'; readonly jwks: JSONWebKeySet }
  | { readonly kind: 'jwksUri'; readonly url: URL }
  | { readonly kind: 'discovery'; readonly issuer: string }
  | { readonly kind: 'secret'; readonly secret: Uint8Array };

const KNOWN_OPTIONS: ReadonlySet<string> = new Set<keyof SessionModuleOptions>([
  'issuer', 'audience', 'jwksUri', 'jwks', 'publicKey', 'discovery', 'secret', 'algorithms', 'clockTolerance',
  'maxTokenAge', 'tokenType', 'requiredClaims', 'maxTokenLength', 'claims', 'cookieName', 'refreshCookieName',
  'extractToken', 'tenantParam', 'tenantHeader', 'tenantFromClaim', 'claimValidators', 'realm', 'jwksTimeoutMs',
  'jwksCooldownMs', 'jwksCacheMaxAgeMs', 'maxResponseBytes', 'allowInsecureHttp',
]);

const MIN_SECRET_BYTES = 32;

function nonEmptyStrings(option: string, value: unknown): readonly string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0)) {
    throw new SessionConfigError(option, 'must be a non-empty string or a non-empty array of non-empty strings');
  }
  return Object.freeze([...(list as string[])]);
}

function number(option: string, value: unknown, fallback: number, check: (n: number) => boolean, rule: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new SessionConfigError(option, `must be ${rule}, got ${JSON.stringify(value)}`);
  }
  return value;
}

const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;
const nonNegative = (n: number) => n >= 0;

function nameOrFalse(option: string, value: unknown, fallback: string): string | false {
  if (value === undefined) return fallback;
  if (value === false || (typeof value === 'string' && value.length > 0)) return value;
  throw new SessionConfigError(option, 'must be a non-empty string or false');
}

/**
 * The module's options with every default applied and every value checked once, at start-up.
 * A value that cannot work throws a `SessionConfigError` naming the option, so the app never
 * starts with a check silently switched off.
 */
export class SessionOptions {
  readonly issuers: readonly string[];
  readonly audience?: readonly string[];
  readonly keySources: readonly KeySource[];
  readonly algorithms: readonly SessionAlgorithm[];
  readonly clockTolerance: number;
  readonly maxTokenAge?: number;
  readonly tokenType?: string;
  readonly requiredClaims: readonly string[];
  readonly maxTokenLength: number;
  readonly mapClaims: ClaimsMapper;
  readonly extractors: readonly TokenExtractor[];
  readonly refreshCookieName: string;
  readonly tenantResolution: TenantResolution;
  readonly claimValidators: readonly ClaimValidator[];
  readonly realm?: string;
  readonly fetchLimits: FetchLimits;
  readonly jwksCooldownMs: number;
  readonly jwksCacheMaxAgeMs: number;
  readonly allowInsecureHttp: boolean;

  constructor(input: SessionModuleOptions) {
    if (typeof input !== 'object' || input === null) throw new SessionConfigError('options', 'must be an object');
    for (const key of Object.keys(input)) {
      if (key === 'globalGuard') {
        throw new SessionConfigError('globalGuard', 'is read when the module is defined: pass it to forRoot() or beside useFactory in forRootAsync(), not from the factory');
      }
      if (!KNOWN_OPTIONS.has(key)) throw new SessionConfigError(key, 'is not an option of SessionModule');
    }

    this.allowInsecureHttp = input.allowInsecureHttp === true;
    this.issuers = nonEmptyStrings('issuer', input.issuer);
    if (input.audience !== undefined) this.audience = nonEmptyStrings('audience', input.audience);
    this.keySources = Object.freeze(this.readKeySources(input));
    this.algorithms = Object.freeze(this.readAlgorithms(input));

    this.clockTolerance = number('clockTolerance', input.clockTolerance, 5, nonNegative, 'a number of seconds >= 0');
    if (input.maxTokenAge !== undefined) {
      this.maxTokenAge = number('maxTokenAge', input.maxTokenAge, 0, (n) => n > 0, 'a number of seconds > 0');
    }
    if (input.tokenType !== undefined) this.tokenType = nonEmptyStrings('tokenType', input.tokenType)[0];
    const required = input.requiredClaims === undefined ? [] : nonEmptyStrings('requiredClaims', input.requiredClaims);
    this.requiredClaims = Object.freeze([...new Set(['exp', 'sub', ...required])]);
    this.maxTokenLength = number('maxTokenLength', input.maxTokenLength, 8192, positiveInteger, 'a positive integer');

    this.mapClaims = this.readClaims(input.claims);
    this.extractors = Object.freeze(this.readExtractors(input));
    this.refreshCookieName = nonEmptyStrings('refreshCookieName', input.refreshCookieName ?? 'DSR')[0]!;
    this.tenantResolution = Object.freeze({
      param: nameOrFalse('tenantParam', input.tenantParam, 'tenantId'),
      header: this.lowerCase(nameOrFalse('tenantHeader', input.tenantHeader, 'x-tenant-id')),
      fromClaim: input.tenantFromClaim !== false,
    });
    if (input.claimValidators !== undefined && !Array.isArray(input.claimValidators)) {
      throw new SessionConfigError('claimValidators', 'must be an array of validators or predicates');
    }
    this.claimValidators = Object.freeze((input.claimValidators ?? []).map((validator) => {
      const isValidator = typeof validator === 'function' || (typeof validator?.validate === 'function' && typeof validator.name === 'string');
      if (!isValidator) throw new SessionConfigError('claimValidators', 'must hold validators ({ name, validate }) or predicates');
      return toClaimValidator(validator);
    }));
    if (input.realm !== undefined) this.realm = nonEmptyStrings('realm', input.realm)[0];

    this.fetchLimits = Object.freeze({
      timeoutMs: number('jwksTimeoutMs', input.jwksTimeoutMs, 5000, positiveInteger, 'a positive integer of milliseconds'),
      maxBytes: number('maxResponseBytes', input.maxResponseBytes, 512 * 1024, positiveInteger, 'a positive integer of bytes'),
    });
    this.jwksCooldownMs = number('jwksCooldownMs', input.jwksCooldownMs, 30_000, (n) => Number.isInteger(n) && n >= 0, 'an integer of milliseconds >= 0');
    this.jwksCacheMaxAgeMs = number('jwksCacheMaxAgeMs', input.jwksCacheMaxAgeMs, 600_000, positiveInteger, 'a positive integer of milliseconds');
  }

  private lowerCase(name: string | false): string | false {
    return name === false ? false : name.toLowerCase();
  }

  private readKeySources(input: SessionModuleOptions): KeySource[] {
    const sources: KeySource[] = [];
    if (input.publicKey !== undefined) {
      const pems = nonEmptyStrings('publicKey', input.publicKey);
      if (!pems.every((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'))) {
        throw new SessionConfigError('publicKey', 'must be PEM SPKI ("-----BEGIN PUBLIC KEY-----"); certificates and private keys are not accepted');
      }
      sources.push({ kind: 'publicKey', pems });
    }
    if (input.jwks !== undefined) {
      try {
        createLocalJWKSet(input.jwks);
      } catch {
        throw new SessionConfigError('jwks', 'must be a JSON Web Key Set: { keys: [ ...JWK ] }');
      }
      sources.push({ kind: 'jwks', jwks: structuredClone(input.jwks) });
    }
    if (input.jwksUri !== undefined) {
      if (typeof input.jwksUri !== 'string') throw new SessionConfigError('jwksUri', 'must be a URL string');
      sources.push({ kind: 'jwksUri', url: providerUrl('jwksUri', input.jwksUri, this.allowInsecureHttp) });
    }
    if (input.discovery !== undefined && typeof input.discovery !== 'boolean') {
      throw new SessionConfigError('discovery', 'must be true or false');
    }
    if (input.discovery) {
      if (this.issuers.length !== 1) throw new SessionConfigError('discovery', 'needs exactly one issuer to discover');
      const issuer = this.issuers[0]!;
      providerUrl('issuer', issuer, this.allowInsecureHttp);
      sources.push({ kind: 'discovery', issuer });
    }
    if (input.secret !== undefined) {
      if (sources.length) {
        throw new SessionConfigError('secret', 'cannot be combined with public keys (jwksUri, jwks, publicKey, discovery): a secret allows HS* alone');
      }
      const secret = typeof input.secret === 'string' ? new TextEncoder().encode(input.secret) : input.secret;
      if (!(secret instanceof Uint8Array)) throw new SessionConfigError('secret', 'must be a string or a Uint8Array');
      if (secret.byteLength < MIN_SECRET_BYTES) {
        throw new SessionConfigError('secret', `must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.byteLength}`);
      }
      sources.push({ kind: 'secret', secret: Uint8Array.from(secret) });
    }
    if (!sources.length) {
      throw new SessionConfigError('jwksUri', 'or another key source (jwks, publicKey, discovery, secret) is required');
    }
    return sources;
  }

  private readAlgorithms(input: SessionModuleOptions): SessionAlgorithm[] {
    const hasSecret = this.keySources.some((source) => source.kind === 'secret');
    if (input.algorithms === undefined) return hasSecret ? [...HMAC_ALGORITHMS] : [...ASYMMETRIC_ALGORITHMS];
    if (!Array.isArray(input.algorithms) || input.algorithms.length === 0) {
      throw new SessionConfigError('algorithms', 'must be a non-empty array');
    }
    return input.algorithms.map((alg: unknown) => {
      if (typeof alg !== 'string' || !(isAsymmetricAlgorithm(alg) || isHmacAlgorithm(alg))) {
        throw new SessionConfigError('algorithms', `holds unknown or unsafe algorithm ${JSON.stringify(alg)}; known: ${[...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS].join(', ')}`);
      }
      if (isHmacAlgorithm(alg) && !hasSecret) throw new SessionConfigError('secret', `is required for algorithm ${alg}`);
      if (!isHmacAlgorithm(alg) && hasSecret) {
        throw new SessionConfigError('algorithms', `holds ${alg}, but with a secret only HS256, HS384 and HS512 are accepted`);
      }
      return alg;
    });
  }

  private readClaims(claims: SessionModuleOptions['claims']): ClaimsMapper {
    if (claims === undefined) return CLAIMS_PRESETS.descope;
    if (typeof claims === 'function') return claims;
    if (isClaimsPreset(claims)) return CLAIMS_PRESETS[claims];
    throw new SessionConfigError('claims', `is an unknown preset ${JSON.stringify(claims)}; known: ${Object.keys(CLAIMS_PRESETS).join(', ')}, or a function`);
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
