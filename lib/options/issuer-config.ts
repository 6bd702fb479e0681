import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { ClaimsMapper } from '../claims/claims-mapper.interface.js';
import { readIntrospectionOptions, type IntrospectionConfig } from '../introspection/introspection-options.js';
import { CLAIMS_PRESETS, isClaimsPreset } from '../claims/presets/index.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, HMAC_MIN_SECRET_BYTES, isAsymmetricAlgorithm, isHmacAlgorithm, type SessionAlgorithm } from '../keys/algorithms.js';
import { providerUrl } from '../provider/url-policy.js';
import { nonEmptyStrings, rejectUnknownKeys } from '../config/option-readers.js';
import type { IssuerOptions } from './session-module-options.interface.js';

/** Where verification keys come from; several may be configured together. */
export type KeySource =
  | { readonly kind: 'publicKey'; readonly pems: readonly string[] }
  | { readonly kind: 'jwks'; readonly jwks: JSONWebKeySet }
  | { readonly kind: 'jwksUri'; readonly url: URL }
  | { readonly kind: 'discovery'; readonly issuer: string }
  | { readonly kind: 'secret'; readonly secret: Uint8Array };

/** One trusted issuer: the `iss` values it signs as, its keys, its algorithms and its claim layout. */
export interface IssuerConfig {
  readonly issuers: readonly string[];
  readonly audience?: readonly string[];
  readonly keySources: readonly KeySource[];
  readonly algorithms: readonly SessionAlgorithm[];
  readonly mapClaims: ClaimsMapper;
  /** RFC 7662 for this issuer's opaque tokens. */
  readonly introspection?: IntrospectionConfig;
}

export const ISSUER_OPTION_KEYS: ReadonlySet<string> = new Set<keyof IssuerOptions>([
  'issuer', 'audience', 'jwksUri', 'jwks', 'publicKey', 'discovery', 'secret', 'algorithms', 'claims', 'introspection',
]);

const MIN_SECRET_BYTES = 32;

/**
 * Reads one issuer's settings. `prefix` names where they came from in error messages
 * (`""` for the top level, `"issuers[1]."` for an entry of `issuers`).
 */
export function readIssuerConfig(input: IssuerOptions, prefix: string, allowInsecureHttp: boolean): IssuerConfig {
  const issuers = nonEmptyStrings(`${prefix}issuer`, input.issuer);
  const audience = input.audience === undefined ? undefined : nonEmptyStrings(`${prefix}audience`, input.audience);
  const keySources = Object.freeze(readKeySources(input, issuers, prefix, allowInsecureHttp));
  const secret = keySources.find((source) => source.kind === 'secret');
  return Object.freeze({
    issuers,
    ...(audience && { audience }),
    keySources,
    algorithms: Object.freeze(readAlgorithms(input.algorithms, secret?.secret.byteLength, prefix)),
    mapClaims: readClaims(input.claims, prefix),
    ...(input.introspection !== undefined && { introspection: readIntrospectionOptions(input.introspection, `${prefix}introspection.`, allowInsecureHttp) }),
  });
}

/** For `issuers` entries, whose keys are checked separately from the top level's. */
export function readIssuerEntry(input: unknown, index: number, allowInsecureHttp: boolean): IssuerConfig {
  const prefix = `issuers[${index}].`;
  if (typeof input !== 'object' || input === null) throw new SessionConfigError(`issuers[${index}]`, 'must be an object');
  rejectUnknownKeys(input, ISSUER_OPTION_KEYS, prefix);
  return readIssuerConfig(input as IssuerOptions, prefix, allowInsecureHttp);
}

function readKeySources(input: IssuerOptions, issuers: readonly string[], prefix: string, allowInsecureHttp: boolean): KeySource[] {
  const sources: KeySource[] = [];
  if (input.publicKey !== undefined) {
    const pems = nonEmptyStrings(`${prefix}publicKey`, input.publicKey);
    if (!pems.every((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'))) {
      throw new SessionConfigError(`${prefix}publicKey`, 'must be PEM SPKI ("-----BEGIN PUBLIC KEY-----"); certificates and private keys are not accepted');
    }
    sources.push({ kind: 'publicKey', pems });
  }
  if (input.jwks !== undefined) {
    try {
      createLocalJWKSet(input.jwks);
    } catch {
      throw new SessionConfigError(`${prefix}jwks`, 'must be a JSON Web Key Set: { keys: [ ...JWK ] }');
    }
    sources.push({ kind: 'jwks', jwks: structuredClone(input.jwks) });
  }
  if (input.jwksUri !== undefined) {
    if (typeof input.jwksUri !== 'string') throw new SessionConfigError(`${prefix}jwksUri`, 'must be a URL string');
    sources.push({ kind: 'jwksUri', url: providerUrl(`${prefix}jwksUri`, input.jwksUri, allowInsecureHttp) });
  }
  if (input.discovery !== undefined && typeof input.discovery !== 'boolean') {
    throw new SessionConfigError(`${prefix}discovery`, 'must be true or false');
  }
  if (input.discovery) {
    if (issuers.length !== 1) throw new SessionConfigError(`${prefix}discovery`, 'needs exactly one issuer to discover');
    const issuer = issuers[0]!;
    providerUrl(`${prefix}issuer`, issuer, allowInsecureHttp);
    sources.push({ kind: 'discovery', issuer });
  }
  if (input.secret !== undefined) {
    if (sources.length) {
      throw new SessionConfigError(`${prefix}secret`, 'cannot be combined with public keys (jwksUri, jwks, publicKey, discovery): a secret allows HS* alone');
    }
    const secret = typeof input.secret === 'string' ? new TextEncoder().encode(input.secret) : input.secret;
    if (!(secret instanceof Uint8Array)) throw new SessionConfigError(`${prefix}secret`, 'must be a string or a Uint8Array');
    if (secret.byteLength < MIN_SECRET_BYTES) {
      throw new SessionConfigError(`${prefix}secret`, `must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.byteLength}`);
    }
    sources.push({ kind: 'secret', secret: Uint8Array.from(secret) });
  }
  if (!sources.length) {
    throw new SessionConfigError(`${prefix}jwksUri`, 'or another key source (jwks, publicKey, discovery, secret) is required');
  }
  return sources;
}

/**
 * Asymmetric algorithms by default; with a secret, the HS* algorithms it is long enough for
 * (RFC 7518 section 3.2), and an explicit one it is too short for stops the app.
 */
function readAlgorithms(algorithms: unknown, secretBytes: number | undefined, prefix: string): SessionAlgorithm[] {
  const hasSecret = secretBytes !== undefined;
  if (algorithms === undefined) {
    return hasSecret ? HMAC_ALGORITHMS.filter((alg) => secretBytes >= HMAC_MIN_SECRET_BYTES[alg]) : [...ASYMMETRIC_ALGORITHMS];
  }
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new SessionConfigError(`${prefix}algorithms`, 'must be a non-empty array');
  }
  return algorithms.map((alg: unknown) => {
    if (typeof alg !== 'string' || !(isAsymmetricAlgorithm(alg) || isHmacAlgorithm(alg))) {
      throw new SessionConfigError(`${prefix}algorithms`, `holds unknown or unsafe algorithm ${JSON.stringify(alg)}; known: ${[...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS].join(', ')}`);
    }
    if (isHmacAlgorithm(alg)) {
      if (!hasSecret) throw new SessionConfigError(`${prefix}secret`, `is required for algorithm ${alg}`);
      if (secretBytes < HMAC_MIN_SECRET_BYTES[alg]) {
        throw new SessionConfigError(`${prefix}secret`, `must be at least ${HMAC_MIN_SECRET_BYTES[alg]} bytes for ${alg}, got ${secretBytes}`);
      }
    } else if (hasSecret) {
      throw new SessionConfigError(`${prefix}algorithms`, `holds ${alg}, but with a secret only HS256, HS384 and HS512 are accepted`);
    }
    return alg;
  });
}

function readClaims(claims: unknown, prefix: string): ClaimsMapper {
  if (claims === undefined) return CLAIMS_PRESETS.descope;
  if (typeof claims === 'function') return claims as ClaimsMapper;
  if (isClaimsPreset(claims)) return CLAIMS_PRESETS[claims];
  throw new SessionConfigError(`${prefix}claims`, `is an unknown preset ${JSON.stringify(claims)}; known: ${Object.keys(CLAIMS_PRESETS).join(', ')}, or a function`);
}
