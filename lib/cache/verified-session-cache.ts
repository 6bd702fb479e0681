import type { Session } from '../claims/session.interface.js';

/** How many verified sessions are kept, and for how long at most. */
export interface SessionCacheLimits {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
}

interface CacheEntry {
  readonly session: Session;
  /** Epoch milliseconds from which the entry is no longer used. */
  readonly expiresAt: number;
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
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (this.now() >= entry.expiresAt) return undefined;
    // Re-inserting makes it the most recently used.
    this.entries.set(token, entry);
    return entry.session;
  }

  /**
   * Remembers a verified session until `validUntil` (epoch ms: the token's `exp`, or earlier
   * when the token stops being accepted sooner) and never longer than `maxAgeMs`.
   */
  set(token: string, session: Session, validUntil: number): void {
    const now = this.now();
    const expiresAt = Math.min(validUntil, now + this.limits.maxAgeMs);
    // Written so that NaN (a strange `exp`) is never stored.
    if (!(expiresAt > now)) return;
    this.entries.delete(token);
    this.entries.set(token, { session, expiresAt });
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
