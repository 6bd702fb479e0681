import type { ReplayStore } from './replay-store.interface.js';

/**
 * Claimed ids in this process, each until its expiry. Bounded: when full, expired ids are swept
 * first, then the oldest claims go (a replay of an evicted id would pass, so the bound is large).
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly claims = new Map<string, number>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.claims.size;
  }

  async claimOnce(id: string, until: number): Promise<boolean> {
    const now = this.now();
    const known = this.claims.get(id);
    if (known !== undefined && known > now) return false;
    if (!(until > now)) return true;
    this.claims.delete(id);
    this.claims.set(id, until);
    if (this.claims.size > this.maxEntries) this.shrink(now);
    return true;
  }

  private shrink(now: number): void {
    for (const [id, until] of this.claims) if (until <= now) this.claims.delete(id);
    // Map order is insertion order: the oldest claims first.
    for (const id of this.claims.keys()) {
      if (this.claims.size <= this.maxEntries) break;
      this.claims.delete(id);
    }
  }
}
