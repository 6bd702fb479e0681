import { SessionConfigError } from '../errors/session-config.error.js';
import { numberOption } from '../config/option-readers.js';
import type { SessionCacheLimits } from './verified-session-cache.js';

const positiveSafeInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

/** The `sessionCache` option: `false` turns the cache off; omitted fields take the defaults. */
export interface SessionCacheOptions {
  /** Most sessions kept; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** Longest an entry is used, in milliseconds, even when its token lives longer. Default 60,000. */
  maxAgeMs?: number;
}

export const DEFAULT_SESSION_CACHE: SessionCacheLimits = Object.freeze({ maxEntries: 10_000, maxAgeMs: 60_000 });

const FIELDS: ReadonlySet<string> = new Set<keyof SessionCacheOptions>(['maxEntries', 'maxAgeMs']);

/** Checks `sessionCache` once, at start-up: `false` (off), `true` or omitted (defaults), or the limits. */
export function readSessionCacheOption(value: unknown): SessionCacheLimits | false {
  if (value === false) return false;
  if (value === undefined || value === true) return DEFAULT_SESSION_CACHE;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SessionConfigError('sessionCache', 'must be false or an object { maxEntries?, maxAgeMs? }');
  }
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) throw new SessionConfigError(`sessionCache.${key}`, 'is not an option of sessionCache (known: maxEntries, maxAgeMs)');
  }
  const input = value as SessionCacheOptions;
  return Object.freeze({
    maxEntries: numberOption('sessionCache.maxEntries', input.maxEntries, DEFAULT_SESSION_CACHE.maxEntries, positiveSafeInteger, 'a positive integer'),
    maxAgeMs: numberOption('sessionCache.maxAgeMs', input.maxAgeMs, DEFAULT_SESSION_CACHE.maxAgeMs, positiveSafeInteger, 'a positive integer of milliseconds'),
  });
}
