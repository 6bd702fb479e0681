import { InMemoryReplayStore } from '../replay/in-memory-replay.store.js';
import type { ServerSessionRecord } from './server-session-record.js';
import type { ServerSessionStore } from './server-session-store.interface.js';

interface Entry {
  readonly record: ServerSessionRecord;
  readonly until: number;
}

/** Server-side sessions in this process only (one instance, or tests). Expired entries are dropped as they are met. */
export class InMemoryServerSessionStore implements ServerSessionStore {
  private readonly entries = new Map<string, Entry>();
  private readonly locks = new InMemoryReplayStore(10_000);

  constructor(private readonly now: () => number = () => Date.now()) {}

  async get(id: string): Promise<ServerSessionRecord | undefined> {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.record;
  }

  async save(record: ServerSessionRecord, until: number): Promise<void> {
    if (!(until > this.now())) {
      this.entries.delete(record.id);
      return;
    }
    this.entries.set(record.id, { record, until });
  }

  async delete(id: string): Promise<void> {
    this.entries.delete(id);
  }

  async listByUser(userId: string): Promise<ServerSessionRecord[]> {
    const now = this.now();
    const found: ServerSessionRecord[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.until <= now) this.entries.delete(id);
      else if (entry.record.userId === userId) found.push(entry.record);
    }
    return found;
  }

  claimOnce(id: string, until: number): Promise<boolean> {
    return this.locks.claimOnce(id, until);
  }
}
