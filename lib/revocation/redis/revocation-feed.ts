import type { Logger } from '@nestjs/common';
import type { RevocationLedger } from '../revocation-ledger.js';
import type { RevocationRecord } from '../revocation-record.js';
import type { RedisCommands } from './command-runner.js';
import { readFeedPosition, type FeedPosition } from './feed-position.js';
import { PendingWrites } from './pending-writes.js';
import type { RedisKeys } from './redis-keys.js';
import { mergeCommand } from './redis-scripts.js';
import { parseFeedEntry } from './revocation-message.js';

const LOG_BATCH = '1000';

export interface FeedHooks {
  /** The log cannot be followed from here: a full read is needed. */
  diverged(reason: string): void;
  /** A poll confirmed the ledger current. */
  confirmed(): void;
}

export interface FeedSettings {
  readonly pollIntervalMs: number;
  readonly maxStalenessMs: number;
  readonly logLength: number;
}

/** What following the log found: caught up, another full read needed (and why), or a reconnect happened meanwhile. */
type CatchUp = { readonly done: true } | { readonly done: false; readonly diverged?: string };

/**
 * Follows the revocation feed into the ledger and knows how current the ledger is.
 *
 * Every revocation written to Redis has a sequence number (see redis-scripts.ts). Pub/sub delivers
 * it at once; a message whose number skips one reveals a lost message. Every `pollIntervalMs`
 * the feed reads the current number (one `HMGET`) and fetches from the log only the entries it
 * has not seen. A successful read confirms the ledger held everything Redis held when the read
 * was sent: `fresh()` is `false` once that confirmation is older than `maxStalenessMs`, whatever
 * the cause (a hang, a crash, a partition). After a reconnect, `resume()` catches up from the log
 * when Redis still holds the history this instance followed; otherwise the store reads in full.
 */
export class RevocationFeed {
  private epoch?: string;
  private seq = 0;
  /** The log entry numbered `seq` ('' for none): Redis still holds this history when its entry there is the same. */
  private lastEntry?: string;
  private following = false;
  private confirmedAt = Number.NEGATIVE_INFINITY;
  /** Bumped by `invalidate()`: an answer to a read sent before it confirms nothing. */
  private generation = 0;
  private polling = false;
  private pollAgain = false;
  private failing = false;
  private timer?: NodeJS.Timeout;
  private readonly pending = new PendingWrites();

  constructor(
    private readonly commands: RedisCommands,
    private readonly keys: RedisKeys,
    private readonly ledger: RevocationLedger,
    private readonly settings: FeedSettings,
    private readonly logger: Logger,
    private readonly hooks: FeedHooks,
  ) {}

  /** `true` while the ledger is confirmed to hold every revocation Redis held at most `maxStalenessMs` ago. */
  fresh(now = Date.now()): boolean {
    return now - this.confirmedAt <= this.settings.maxStalenessMs;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.settings.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.invalidate();
  }

  /** The ledger is no longer known to be current (a connection was lost); returns the generation a sync belongs to. */
  invalidate(): number {
    this.following = false;
    this.confirmedAt = Number.NEGATIVE_INFINITY;
    return ++this.generation;
  }

  isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  /** This instance's write of `record`, applied locally: kept until the feed shows it (see `PendingWrites`). */
  async write(record: RevocationRecord): Promise<void> {
    this.ledger.merge(record);
    this.pending.expect(record);
    const changed = await this.commands.run(mergeCommand(this.keys, record, this.settings.logLength));
    // 0: Redis held a record as strong, which is in the feed already.
    if (changed === 0) this.pending.settle(record);
  }

  /** After a full read begun at `readAt` from `position` (which wrote back whatever Redis lacked); ignored when superseded. */
  confirm(generation: number, position: FeedPosition, readAt: number): boolean {
    if (generation !== this.generation) return false;
    this.epoch = position.epoch;
    this.seq = position.seq;
    this.lastEntry = position.entry;
    this.pending.clear();
    this.following = true;
    this.confirmedAt = readAt;
    return true;
  }

  /**
   * After a reconnect: `true` when Redis holds the history this instance followed (the same epoch,
   * and the same entry at its number: Redis keeps a prefix of its writes, whatever it lost), the
   * entries since were read and this instance's unseen writes written again. `false`: read in full.
   */
  async resume(generation: number): Promise<boolean> {
    if (this.epoch === undefined || this.lastEntry === undefined) return false;
    const sentAt = Date.now();
    const position = await readFeedPosition(this.commands, this.keys, this.seq);
    if (generation !== this.generation || position.epoch !== this.epoch || position.seq < this.seq || position.entry !== this.lastEntry) return false;
    if (!(await this.catchUp(generation)).done) return false;
    for (const record of this.pending.list()) {
      if ((await this.commands.run(mergeCommand(this.keys, record, this.settings.logLength))) === 0) this.pending.settle(record);
    }
    if (generation !== this.generation) return false;
    this.following = true;
    this.confirmedAt = sentAt;
    return true;
  }

  /** A pub/sub message: applied at once; a gap in the numbers is caught up now rather than at the next poll. */
  receive(raw: string): void {
    const entry = parseFeedEntry(raw);
    if (!entry) return;
    this.ledger.merge(entry.record);
    this.pending.settle(entry.record);
    if (entry.seq === undefined || entry.epoch !== this.epoch || !this.following) return;
    if (entry.seq === this.seq + 1) this.advance(entry.seq, raw);
    else if (entry.seq > this.seq + 1) void this.poll();
  }

  /** Reads the sequence number and what this instance has not seen; confirms the ledger on success. */
  async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (!this.following || !this.commands.ready) return;
    this.polling = true;
    const generation = this.generation;
    const sentAt = Date.now();
    try {
      const result = await this.catchUp(generation);
      if (result.done && generation === this.generation) {
        this.confirmedAt = sentAt;
        if (this.failing) this.logger.log('Revocation feed confirmed again: revocation checks are current');
        this.failing = false;
        this.hooks.confirmed();
      } else if (!result.done && result.diverged !== undefined) {
        this.hooks.diverged(result.diverged);
      }
    } catch (error) {
      if (!this.failing && generation === this.generation) {
        this.failing = true;
        this.logger.warn(
          `Cannot read the revocation feed (${error instanceof Error ? error.message : String(error)}); sessions not known to be revoked get revocation_unavailable ${this.settings.maxStalenessMs} ms after the last confirmed read`,
        );
      }
    } finally {
      this.polling = false;
      if (this.pollAgain) {
        this.pollAgain = false;
        void this.poll();
      }
    }
  }

  /** Reads the latest number, then the log entries up to it that this instance has not seen. */
  private async catchUp(generation: number): Promise<CatchUp> {
    const reply = await this.commands.run(['HMGET', this.keys.sequence, 'epoch', 'n']);
    if (generation !== this.generation) return { done: false };
    const [epoch, n] = Array.isArray(reply) ? reply : [];
    const latest = Number(n);
    if (epoch !== this.epoch || !Number.isSafeInteger(latest) || latest < this.seq) {
      return { done: false, diverged: 'Redis holds another revocation feed (restarted without persistence?)' };
    }
    while (this.seq < latest) {
      const before = this.seq;
      const entries = await this.commands.run(['ZRANGE', this.keys.log, `(${this.seq}`, String(latest), 'BYSCORE', 'LIMIT', '0', LOG_BATCH]);
      if (generation !== this.generation) return { done: false };
      if (!Array.isArray(entries) || !this.apply(entries) || this.seq === before) {
        return { done: false, diverged: 'revocations missed by this instance are no longer in the revocation log (raise logLength)' };
      }
    }
    return { done: true };
  }

  /** Applies log entries in order; `false` at a gap (entries trimmed from the log). */
  private apply(entries: unknown[]): boolean {
    if (!entries.length) return false;
    for (const raw of entries) {
      const entry = typeof raw === 'string' ? parseFeedEntry(raw) : undefined;
      if (entry?.seq === undefined) continue;
      this.ledger.merge(entry.record);
      this.pending.settle(entry.record);
      if (entry.seq === this.seq + 1) this.advance(entry.seq, raw as string);
      else if (entry.seq > this.seq + 1) return false;
    }
    return true;
  }

  private advance(seq: number, raw: string): void {
    this.seq = seq;
    this.lastEntry = raw;
  }
}
