import { Logger } from '@nestjs/common';
import { DataAndReplayParts } from './data-and-replay-parts.js';
import { RevocationLedger } from './revocation-ledger.js';
import { InMemoryReplayStore } from '../replay/in-memory-replay.store.js';
import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { RevocationStore, RevocationSubject } from './revocation-store.interface.js';
import { InMemorySessionDataStore } from './in-memory-session-data.store.js';
import type { SessionDataStore } from './session-data-store.interface.js';

export interface InMemoryRevocationStoreOptions {
  /** Most revocation records kept (sessions and users together). Default 100,000. */
  maxEntries?: number;
  /** Most session-data entries kept. Default 10,000. */
  maxDataEntries?: number;
  /** The clock, in epoch milliseconds (tests). */
  now?: () => number;
}

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`InMemoryRevocationStore: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The default store: revocations and session data in this process only. Records expire; memory
 * is bounded, and when the bound is reached the record closest to its expiry is dropped (with a
 * warning: raise `maxEntries`, or use `RedisRevocationStore` for several instances).
 */
export class InMemoryRevocationStore extends DataAndReplayParts implements RevocationStore, SessionDataStore, ReplayStore {
  private readonly logger = new Logger(InMemoryRevocationStore.name);
  private readonly ledger: RevocationLedger;
  private readonly maxEntries: number;
  private warnedFull = false;

  constructor(options: InMemoryRevocationStoreOptions = {}) {
    const now = options.now ?? (() => Date.now());
    const maxEntries = limit('maxEntries', options.maxEntries, 100_000);
    super(new InMemorySessionDataStore(limit('maxDataEntries', options.maxDataEntries, 10_000), now), new InMemoryReplayStore(maxEntries, now));
    this.maxEntries = maxEntries;
    this.ledger = new RevocationLedger(now);
  }

  /** Revocation records currently held. */
  get size(): number {
    return this.ledger.size;
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    this.ledger.addSession(sessionId, until);
    this.bound();
  }

  async revokeUserSessions(userId: string, cutoff: number, until: number): Promise<void> {
    this.ledger.addUser(userId, cutoff, until);
    this.bound();
  }

  isRevoked(subject: RevocationSubject): boolean {
    return this.ledger.isRevoked(subject);
  }

  private bound(): void {
    if (this.ledger.size <= this.maxEntries) return;
    this.ledger.sweep();
    while (this.ledger.size > this.maxEntries && this.ledger.evictSoonestExpiring()) {
      if (!this.warnedFull) {
        this.warnedFull = true;
        this.logger.warn(`Holding ${this.maxEntries} revocations: dropping those closest to expiry. Raise maxEntries or use RedisRevocationStore`);
      }
    }
  }
}
