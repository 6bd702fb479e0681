import { SessionConfigError } from '../errors/session-config.error.js';
import { nonNegativeInteger, numberOption, positiveInteger } from '../config/option-readers.js';
import type { FetchLimits } from './limited-fetch.js';

/** How keys and discovery documents are fetched, as an application writes it (part of `SessionModuleOptions`). */
export interface KeyFetchOptions {
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
}

export const KEY_FETCH_OPTION_KEYS: readonly (keyof KeyFetchOptions)[] = Object.freeze([
  'jwksTimeoutMs', 'jwksCooldownMs', 'jwksCacheMaxAgeMs', 'jwksMaxStaleMs', 'maxResponseBytes', 'prefetchKeys', 'allowInsecureHttp',
]);

export interface KeyFetchConfig {
  readonly fetchLimits: FetchLimits;
  readonly jwksCooldownMs: number;
  readonly jwksCacheMaxAgeMs: number;
  /** How long the last good keys serve while their endpoint fails (stale-if-error). */
  readonly jwksMaxStaleMs: number;
  readonly prefetchKeys: boolean | 'required';
  readonly allowInsecureHttp: boolean;
}

export function readKeyFetchOptions(input: KeyFetchOptions): KeyFetchConfig {
  if (input.prefetchKeys !== undefined && typeof input.prefetchKeys !== 'boolean' && input.prefetchKeys !== 'required') {
    throw new SessionConfigError('prefetchKeys', `must be true, false or 'required', got ${JSON.stringify(input.prefetchKeys)}`);
  }
  return Object.freeze({
    fetchLimits: Object.freeze({
      timeoutMs: numberOption('jwksTimeoutMs', input.jwksTimeoutMs, 5000, positiveInteger, 'a positive integer of milliseconds'),
      maxBytes: numberOption('maxResponseBytes', input.maxResponseBytes, 512 * 1024, positiveInteger, 'a positive integer of bytes'),
    }),
    jwksCooldownMs: numberOption('jwksCooldownMs', input.jwksCooldownMs, 30_000, nonNegativeInteger, 'an integer of milliseconds >= 0'),
    jwksCacheMaxAgeMs: numberOption('jwksCacheMaxAgeMs', input.jwksCacheMaxAgeMs, 600_000, positiveInteger, 'a positive integer of milliseconds'),
    jwksMaxStaleMs: numberOption('jwksMaxStaleMs', input.jwksMaxStaleMs, 86_400_000, nonNegativeInteger, 'an integer of milliseconds >= 0'),
    prefetchKeys: input.prefetchKeys ?? false,
    allowInsecureHttp: input.allowInsecureHttp === true,
  });
}
