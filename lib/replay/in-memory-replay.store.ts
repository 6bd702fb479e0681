import { ExpiringMap } from '../cache/expiring-map.js';
import type { ReplayStore } from './replay-store.interface.js';

/**
 * Claimed ids in this process, each until its expiry. Bounded: when full, expired ids are swept
 * first, then the oldest claims go (a replay of an evicted id would pass, so the bound is large).
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly claims: ExpiringMap<true>;

  constructor(maxEntries = 100_000, now: () => number = () => Date.now()) {
    this.claims = new ExpiringMap(maxEntries, now);
  }

  get size(): number {
    return this.claims.size;
  }

  async claimOnce(id: string, until: number): Promise<boolean> {
    if (this.claims.get(id)) return false;
    this.claims.set(id, true, until);
    return true;
  }
}
