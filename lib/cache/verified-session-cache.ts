import type { Session } from '../claims/session.interface.js';
import { CacheAdmission } from './cache-admission.js';

/** How many verified sessions are kept, and for how long at most. */
export interface SessionCacheLimits {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
}

interface CacheEntry {
  /** The whole token: an entry is used only for this exact string. */
  readonly token: string;
  /** Its index key, cut from `token` itself. */
  readonly key: string;
  readonly session: Session;
  /** Epoch milliseconds from which the entry is no longer used. */
  readonly expiresAt: number;
  /** Neighbours in the recency list. */
  older: CacheEntry | undefined;
  newer: CacheEntry | undefined;
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
 * skips the signature check (unless the cache stops paying: `CacheAdmission`). Bounded and least-recently-used first out. An entry is dropped at
 * its token's end of validity or after `maxAgeMs`, whichever comes first. Only sessions that
 * passed verification are ever stored: a flood of bad tokens cannot push good ones out.
 *
 * Recency is a linked list beside the index. (Deleting and re-adding a key of a `Map` on every
 * hit, the usual short LRU, leaves a trail of deleted slots in that key's hash chain until the
 * next rehash: with 10,000 entries a hot token's lookup then walked thousands of them.)
 */
export class VerifiedSessionCache {
  private readonly byKey = new Map<string, CacheEntry>();
  private newest: CacheEntry | undefined;
  private oldest: CacheEntry | undefined;
  private readonly admission: CacheAdmission;

  constructor(
    private readonly limits: SessionCacheLimits,
    /** Read at each call (not captured), so a test's fake clock applies. */
    private readonly now: () => number = () => Date.now(),
  ) {
    this.admission = new CacheAdmission(limits.maxEntries);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The session verified earlier for this exact token, if it is still within its limits. */
  get(token: string): Session | undefined {
    if (typeof token !== 'string') return undefined;
    const session = this.find(token);
    this.admission.looked(session !== undefined);
    return session;
  }

  /** Called once per verification: whether its session is worth keeping (`CacheAdmission`). */
  worthKeeping(token: string): boolean {
    return this.admission.admit(token);
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
    const previous = this.byKey.get(key);
    if (previous !== undefined) this.remove(previous);
    const entry: CacheEntry = { token, key, session, expiresAt, older: undefined, newer: undefined };
    this.byKey.set(key, entry);
    this.pushNewest(entry);
    while (this.byKey.size > this.limits.maxEntries && this.oldest !== undefined) this.remove(this.oldest);
  }

  clear(): void {
    this.admission.clear();
    this.byKey.clear();
    this.newest = this.oldest = undefined;
  }

  private find(token: string): Session | undefined {
    const entry = this.byKey.get(indexOf(token));
    if (entry === undefined || entry.token !== token) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.remove(entry);
      return undefined;
    }
    if (entry !== this.newest) {
      this.unlink(entry);
      this.pushNewest(entry);
    }
    return entry.session;
  }

  private remove(entry: CacheEntry): void {
    this.unlink(entry);
    this.byKey.delete(entry.key);
  }

  private unlink(entry: CacheEntry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = undefined;
  }

  private pushNewest(entry: CacheEntry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }
}
