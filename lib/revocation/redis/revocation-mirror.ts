import { RevocationLedger } from '../revocation-ledger.js';
import type { RevocationRecord } from '../revocation-record.js';
import type { RevocationSubject } from '../revocation-store.interface.js';
import type { RedisCommands } from './command-runner.js';
import { RecentRevocations, type MirrorLedger } from './recent-revocations.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisStoreConfig } from './redis-store-options.js';

type MirrorConfig = Pick<RedisStoreConfig, 'mirrorAllUpTo' | 'recentPeriodMs' | 'recentMaxSubjects'>;

/**
 * What one instance holds of the revocations in Redis. A copy of every record while there are at
 * most `mirrorAllUpTo` (answers without a round trip, and a copy to write back when Redis lost
 * its data); past that, from the record that crosses it until the instance restarts, the recent
 * revocations only, each session's records read from Redis on its first check (`RecentRevocations`),
 * so that memory and start-up follow the logout rate, not the total.
 * `mirror: 'all'` never switches; `mirror: 'recent'` starts switched.
 */
export class RevocationMirror implements MirrorLedger {
  private full?: RevocationLedger;
  private recent?: RecentRevocations;

  constructor(
    private readonly commands: RedisCommands,
    private readonly keys: RedisKeys,
    private readonly config: MirrorConfig,
    /** Told once, when the copy of every record is given up. */
    private readonly onSwitch: (held: number) => void,
  ) {
    if (config.mirrorAllUpTo > 0) this.full = new RevocationLedger();
    else this.recent = this.recentFrom(new RevocationLedger());
  }

  /** `true` while this instance copies every record: a full read reads them all. */
  get holdsAll(): boolean {
    return this.full !== undefined;
  }

  get size(): number {
    return this.current.size;
  }

  merge(record: RevocationRecord): boolean {
    const changed = this.current.merge(record);
    if (this.full && this.full.size > this.config.mirrorAllUpTo) this.switchToRecent(this.full);
    return changed;
  }

  isRevoked(subject: RevocationSubject): boolean {
    return this.current.isRevoked(subject);
  }

  records(): IterableIterator<RevocationRecord> {
    return this.current.records();
  }

  /** `true` when the answer held here is complete: every record is copied, or this subject was read lately. */
  answered(subject: RevocationSubject): boolean {
    return this.recent === undefined || this.recent.answered(subject);
  }

  /** Reads the subject's records from Redis (one round trip); only called when `answered` is `false`. */
  lookUp(subject: RevocationSubject): Promise<boolean> {
    return this.recent!.lookUp(subject);
  }

  /** The feed was not followed for a while: answers read from Redis earlier may miss revocations. */
  forgetAnswers(): void {
    this.recent?.forgetAnswers();
  }

  private get current(): MirrorLedger {
    return (this.full ?? this.recent)!;
  }

  /** The records held so far stay for two generations: no answer given from them is withdrawn early. */
  private switchToRecent(held: RevocationLedger): void {
    this.full = undefined;
    this.recent = this.recentFrom(held);
    this.onSwitch(held.size);
  }

  private recentFrom(held: RevocationLedger): RecentRevocations {
    return new RecentRevocations(this.commands, this.keys, this.config.recentPeriodMs, this.config.recentMaxSubjects, held);
  }
}
