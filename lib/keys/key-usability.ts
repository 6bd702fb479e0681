import type { JSONWebKeySet, JWK } from 'jose';
import { isPlainRecord } from '../claims/safe-values.js';
import { hasRocaFingerprint } from './roca-fingerprint.js';
import { isSmallOrderEd25519 } from './small-order-ed25519.js';

const MIN_RSA_BITS = 2048;

/** Members that only a private or secret key has: such a key is never published on purpose. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/** Why a key is unusable: `kind` groups keys in a summary, `detail` says it of one key. */
export interface KeyFlaw {
  readonly kind: string;
  readonly detail: string;
}

/** Bits in a base64url big-endian unsigned integer (the RSA modulus `n`). */
function bitLength(base64url: string): number {
  const bytes = Buffer.from(base64url, 'base64url');
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}

const flaw = (kind: string, detail: string): KeyFlaw => ({ kind, detail });

function materialFlaw(jwk: Record<string, unknown>): KeyFlaw | undefined {
  if (jwk.kty === 'RSA') {
    if (typeof jwk.n !== 'string') return flaw('malformed RSA', 'is an RSA key without a modulus');
    const bits = bitLength(jwk.n);
    if (bits < MIN_RSA_BITS) return flaw('weak RSA', `is an RSA key of ${bits} bits (at least ${MIN_RSA_BITS} required)`);
    if (hasRocaFingerprint(Buffer.from(jwk.n, 'base64url'))) return flaw('ROCA', 'is an RSA key with the ROCA fingerprint (CVE-2017-15361)');
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && isSmallOrderEd25519(jwk.x)) {
    return flaw('small-order Ed25519', 'is an Ed25519 key of small order (it verifies forged signatures)');
  }
  return undefined;
}

/** What makes a published key unfit to verify anything, or `undefined` when it may. */
export function keyFlaw(jwk: unknown, algorithms: readonly string[]): KeyFlaw | undefined {
  if (!isPlainRecord(jwk)) return flaw('not a JSON object', 'is not a JSON object');
  if (jwk.kty === 'oct') return flaw('symmetric', 'is a symmetric (oct) key');
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) return flaw('private', 'holds private key material');
  if (jwk.use !== undefined && jwk.use !== 'sig') return flaw('not for signatures', `is for use "${String(jwk.use).slice(0, 32)}", not "sig"`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return flaw('not for signatures', 'has key_ops without "verify"');
  }
  if (jwk.alg !== undefined && !(typeof jwk.alg === 'string' && algorithms.includes(jwk.alg))) {
    return flaw('refused algorithm', `is for algorithm ${JSON.stringify(jwk.alg).slice(0, 40)}, outside the allowed ${algorithms.join(', ')}`);
  }
  return materialFlaw(jwk);
}

/** Why a published key must not verify anything, or `undefined` when it may. */
export function unusableReason(jwk: unknown, algorithms: readonly string[]): string | undefined {
  return keyFlaw(jwk, algorithms)?.detail;
}

/** How a skipped key is named in a warning: its `kid`, else its type. Never key material. */
export function describeKey(jwk: unknown, index: number): string {
  if (isPlainRecord(jwk) && typeof jwk.kid === 'string') return `kid ${JSON.stringify(jwk.kid.slice(0, 64))}`;
  const kty = isPlainRecord(jwk) && typeof jwk.kty === 'string' ? ` (${jwk.kty.slice(0, 16)})` : '';
  return `key #${index}${kty}`;
}

/**
 * Keeps the keys of a set that may verify a token and reports the others, so an `enc` key, a
 * secret, a weak RSA key, a small-order key or a key for a refused algorithm is never a candidate.
 */
export function usableKeySet(
  jwks: JSONWebKeySet,
  algorithms: readonly string[],
  skipped: (key: string, flaw: KeyFlaw) => void,
): JSONWebKeySet {
  const keys: JWK[] = [];
  jwks.keys.forEach((jwk: unknown, index) => {
    const found = keyFlaw(jwk, algorithms);
    if (found === undefined) keys.push(jwk as JWK);
    else skipped(describeKey(jwk, index), found);
  });
  return { keys };
}
