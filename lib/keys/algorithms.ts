/** Asymmetric JWS algorithms: the default allow-list. */
export const ASYMMETRIC_ALGORITHMS = Object.freeze([
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const);

/** HMAC algorithms: accepted only with a configured `secret`, and then alone. */
export const HMAC_ALGORITHMS = Object.freeze(['HS256', 'HS384', 'HS512'] as const);

/** RFC 7518 section 3.2: an HMAC key at least as long as the hash output. */
export const HMAC_MIN_SECRET_BYTES: Readonly<Record<HmacAlgorithm, number>> = Object.freeze({ HS256: 32, HS384: 48, HS512: 64 });

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type SessionAlgorithm = AsymmetricAlgorithm | HmacAlgorithm;

export function isAsymmetricAlgorithm(alg: string): alg is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg);
}

export function isHmacAlgorithm(alg: string): alg is HmacAlgorithm {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg);
}
