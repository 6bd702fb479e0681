import type { CryptoKey, JWK, JWSHeaderParameters, KeyObject } from 'jose';

export type VerificationKey = CryptoKey | KeyObject | JWK | Uint8Array;

/**
 * Gives the keys that may have signed a token, most likely first. Called only after jose has
 * checked the header's `alg` against the allow-list. Fails with a `SessionError`:
 * `key_not_found` when no key matches, `keys_unavailable` when none could be obtained.
 */
export interface KeyResolver {
  resolve(header: JWSHeaderParameters): Promise<readonly VerificationKey[]>;
  /** Fetches remote keys ahead of the first token (`prefetchKeys`); rejects when none could be had. */
  prefetch?(): Promise<void>;
}
