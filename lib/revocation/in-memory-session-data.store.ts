import { ExpiringMap } from '../cache/expiring-map.js';
import type { SessionDataStore } from './session-data-store.interface.js';

/** Session data in this process only, bounded (expired entries, then the least recently written, go first). */
export class InMemorySessionDataStore implements SessionDataStore {
  private readonly map: ExpiringMap<string>;

  constructor(maxEntries = 10_000, now: () => number = () => Date.now()) {
    this.map = new ExpiringMap(maxEntries, now);
  }

  async getData(sessionId: string): Promise<string | undefined> {
    return this.map.get(sessionId);
  }

  async setData(sessionId: string, json: string, until: number): Promise<void> {
    this.map.set(sessionId, json, until);
  }

  async deleteData(sessionId: string): Promise<void> {
    this.map.delete(sessionId);
  }
}
