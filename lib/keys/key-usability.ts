import type { JSONWebKeySet, JWK } from 'jose';
import { isPlainRecord } from '../claims/safe-values.js';
import { hasRocaFingerprint } from './roca-fingerprint.js';

const MIN_RSA_BITS = 2048;

/** Members that only a private or secret key has: such a key is never published on purpose. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/** Bits in a base64url big-endian unsigned integer (the RSA modulus `n`). */
function bitLength(base64url: string): number {
  const bytes = Buffer.from(base64url, 'base64url');
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}

/** Why a published key must not verify anything, or `undefined` when it may. */
export function unusableReason(jwk: unknown, algorithms: readonly string[]): string | undefined {
  if (!isPlainRecord(jwk)) return 'is not a JSON object';
  if (jwk.kty === 'oct') return 'is a symmetric (oct) key';
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) return 'holds private key material';
  if (jwk.use !== undefined && jwk.use !== 'sig') return `is for use "${String(jwk.use)}", not "sig"`;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return 'has key_ops without "verify"';
  }
  if (jwk.alg !== undefined && !(typeof jwk.alg === 'string' && algorithms.includes(jwk.alg))) {
    return `is for algorithm ${JSON.stringify(jwk.alg)}, outside the allowed ${algorithms.join(', ')}`;
  }
  if (jwk.kty === 'RSA') {
    if (typeof jwk.n !== 'string') return 'is an RSA key without a modulus';
    const bits = bitLength(jwk.n);
    if (bits < MIN_RSA_BITS) return `is an RSA key of ${bits} bits (at least ${MIN_RSA_BITS} required)`;
    if (hasRocaFingerprint(Buffer.from(jwk.n, 'base64url'))) return 'is an RSA key with the ROCA fingerprint (CVE-2017-15361)';
  }
  return undefined;
}

/** How a skipped key is named in a warning: its `kid`, else its type. Never key material. */
export function describeKey(jwk: unknown, index: number): string {
  if (isPlainRecord(jwk) && typeof jwk.kid === 'string') return `kid ${JSON.stringify(jwk.kid.slice(0, 64))}`;
  const kty = isPlainRecord(jwk) && typeof jwk.kty === 'string' ? ` (${jwk.kty.slice(0, 16)})` : '';
  return `key #${index}${kty}`;
}

/**
 * Keeps the keys of a set that may verify a token and reports the others, so an `enc` key, a
 * secret, a weak RSA key or a key for a refused algorithm is never a candidate.
 */
export function usableKeySet(
  jwks: JSONWebKeySet,
  algorithms: readonly string[],
  skipped: (key: string, reason: string) => void,
): JSONWebKeySet {
  const keys: JWK[] = [];
  jwks.keys.forEach((jwk: unknown, index) => {
    const reason = unusableReason(jwk, algorithms);
    if (reason === undefined) keys.push(jwk as JWK);
    else skipped(describeKey(jwk, index), reason);
  });
  return { keys };
}
