/**
 * Values by key, each until its own expiry (epoch ms), bounded: when full, expired entries go
 * first, then the oldest writes (a `Map` iterates in insertion order, and a write re-inserts).
 * The in-memory session data, one-time ids and introspection answers all live in one of these.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly until: number }>();

  constructor(
    private readonly maxEntries: number,
    /** Read at each call, so a test's fake clock applies. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value while it has not expired; an expired one is dropped as it is found. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Replaces what was there; a value already expired is not kept. */
  set(key: string, value: V, until: number): void {
    this.entries.delete(key);
    const now = this.now();
    if (!(until > now)) return;
    this.entries.set(key, { value, until });
    if (this.entries.size > this.maxEntries) this.shrink(now);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private shrink(now: number): void {
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
