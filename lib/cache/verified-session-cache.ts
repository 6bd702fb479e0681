import type { Session } from '../claims/session.interface.js';

/** How many verified sessions are kept, and for how long at most. */
export interface SessionCacheLimits {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
}

interface CacheEntry {
  /** The whole token: an entry is used only for this exact string. */
  readonly token: string;
  readonly session: Session;
  /** Epoch milliseconds from which the entry is no longer used. */
  readonly expiresAt: number;
}

/**
 * Entries are found by the token's last characters (its signature) and then compared whole.
 * Hashing a whole token of a kilobyte, freshly cut from a header, costs more than the rest of
 * a cache hit; the whole-string comparison keeps the answer exact.
 */
const INDEX_LENGTH = 32;

function indexOf(token: string): string {
  return token.length > INDEX_LENGTH ? token.slice(-INDEX_LENGTH) : token;
}

/**
 * Sessions whose token has already been verified, by token string, so that a token seen again
 * skips the signature check. Bounded and least-recently-used first out. An entry is dropped at
 * its token's end of validity or after `maxAgeMs`, whichever comes first. Only sessions that
 * passed verification are ever stored: a flood of bad tokens cannot push good ones out.
 */
export class VerifiedSessionCache {
  /** A `Map` iterates in insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly limits: SessionCacheLimits,
    /** Read at each call (not captured), so a test's fake clock applies. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The session verified earlier for this exact token, if it is still within its limits. */
  get(token: string): Session | undefined {
    if (typeof token !== 'string') return undefined;
    const key = indexOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    this.entries.delete(key);
    if (this.now() >= entry.expiresAt) return undefined;
    // Re-inserting makes it the most recently used.
    this.entries.set(key, entry);
    return entry.session;
  }

  /**
   * Remembers a verified session until `validUntil` (epoch ms: the token's `exp`, or earlier
   * when the token stops being accepted sooner) and never longer than `maxAgeMs`. Another
   * token ending the same way (never two valid ones in practice) is replaced.
   */
  set(token: string, session: Session, validUntil: number): void {
    const now = this.now();
    const expiresAt = Math.min(validUntil, now + this.limits.maxAgeMs);
    // Written so that NaN (a strange `exp`) is never stored.
    if (!(expiresAt > now)) return;
    const key = indexOf(token);
    this.entries.delete(key);
    this.entries.set(key, { token, session, expiresAt });
    while (this.entries.size > this.limits.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
