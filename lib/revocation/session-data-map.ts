interface DataEntry {
  readonly json: string;
  readonly until: number;
}

/**
 * Session data in this process, by session id: bounded (the least recently written entry goes
 * first) and expiring. Used by the in-memory revocation store.
 */
export class SessionDataMap {
  /** A `Map` iterates in insertion order: the first key is the oldest write. */
  private readonly entries = new Map<string, DataEntry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(sessionId: string): string | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.json;
    this.entries.delete(sessionId);
    return undefined;
  }

  set(sessionId: string, json: string, until: number): void {
    this.entries.delete(sessionId);
    if (!(until > this.now())) return;
    this.entries.set(sessionId, { json, until });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(sessionId: string): void {
    this.entries.delete(sessionId);
  }
}
