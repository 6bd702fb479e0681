/** A token's fingerprint: FNV-1a over its last 16 characters (the end of the signature), as a small integer. */
function fingerprint(token: string): number {
  let hash = 0x811c9dc5;
  for (let index = Math.max(0, token.length - 16); index < token.length; index++) hash = Math.imul(hash ^ token.charCodeAt(index), 0x01000193);
  return hash >>> 1;
}

/** Lookups per verdict: a window never shorter than this, so that a small cache judges on enough of them. */
const MIN_WINDOW = 1024;
/** Below one hit in this many lookups, the cache keeps only tokens verified twice. */
const HIT_RATE_FLOOR = 16;

/**
 * Which verified sessions the cache keeps. Normally every one: a token seen again skips the
 * signature check. When the cache stops paying (under one hit in 16 over the last `maxEntries`
 * lookups, at least 1,024: a flood of distinct tokens, tokens used once by jobs), it keeps a
 * session only from its token's second verification within the last `maxEntries` to twice that
 * many tokens, until hits come back. Keeping sessions nobody asks for again costs more than the
 * cache saves: V8 copies each into the old generation and later collects it there (about 40 µs
 * per request at 10,000 entries, docs/performance.md).
 *
 * Sightings are kept as fingerprints (small integers, no heap object each) in two generations;
 * two tokens sharing one only make one of them kept a verification early.
 */
export class CacheAdmission {
  private current = new Set<number>();
  private previous = new Set<number>();
  private readonly window: number;
  private lookups = 0;
  private hits = 0;
  private selective = false;

  constructor(private readonly capacity: number) {
    this.window = Math.max(capacity, MIN_WINDOW);
  }

  /** Counted on every cache lookup. */
  looked(hit: boolean): void {
    if (hit) this.hits++;
    if (++this.lookups < this.window) return;
    this.selective = this.hits * HIT_RATE_FLOOR < this.lookups;
    this.lookups = this.hits = 0;
  }

  /** Called once per verification: whether to keep this token's session. */
  admit(token: string): boolean {
    const seen = this.seenBefore(token);
    return seen || !this.selective;
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
    this.lookups = this.hits = 0;
    this.selective = false;
  }

  /** `true` when the token was seen lately; either way it counts as seen now. */
  private seenBefore(token: string): boolean {
    const print = fingerprint(token);
    if (this.current.has(print) || this.previous.has(print)) return true;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(print);
    return false;
  }
}
