import type { Logger } from '@nestjs/common';
import type { RevocationLedger } from '../revocation-ledger.js';
import type { RedisCommands } from './command-runner.js';
import type { FeedPosition } from './mirror-resync.js';
import type { RedisKeys } from './redis-keys.js';
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
}

/**
 * Follows the revocation feed into the ledger and knows how current the ledger is.
 *
 * Every revocation written to Redis has a sequence number (see redis-scripts.ts). Pub/sub delivers
 * it at once; a message whose number skips one reveals a lost message. Every `pollIntervalMs`
 * the feed reads the current number (one `HMGET`) and fetches from the log only the entries it
 * has not seen. A successful read confirms the ledger held everything Redis held when the read
 * was sent: `fresh()` is `false` once that confirmation is older than `maxStalenessMs`, whatever
 * the cause (a hang, a crash, a partition). When the log cannot be followed (another epoch: Redis
 * lost the feed; or entries already trimmed) `diverged` asks the store for a full read.
 */
export class RevocationFeed {
  private epoch?: string;
  private seq = 0;
  private confirmedAt = Number.NEGATIVE_INFINITY;
  /** Bumped by `invalidate()`: an answer to a read sent before it confirms nothing. */
  private generation = 0;
  private polling = false;
  private pollAgain = false;
  private failing = false;
  private timer?: NodeJS.Timeout;

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

  /** The ledger is no longer known to be current (a connection was lost); returns the generation a full read belongs to. */
  invalidate(): number {
    this.epoch = undefined;
    this.confirmedAt = Number.NEGATIVE_INFINITY;
    return ++this.generation;
  }

  /** After a full read begun at `readAt` from `position`; ignored when the ledger was invalidated since. */
  confirm(generation: number, position: FeedPosition, readAt: number): boolean {
    if (generation !== this.generation) return false;
    this.epoch = position.epoch;
    this.seq = Math.max(position.seq, 0);
    this.confirmedAt = readAt;
    return true;
  }

  /** A pub/sub message: applied at once; a gap in the numbers is caught up now rather than at the next poll. */
  receive(raw: string): void {
    const entry = parseFeedEntry(raw);
    if (!entry) return;
    this.ledger.merge(entry.record);
    if (entry.seq === undefined || entry.epoch !== this.epoch) return;
    if (entry.seq === this.seq + 1) this.seq = entry.seq;
    else if (entry.seq > this.seq + 1) void this.poll();
  }

  /** Reads the sequence number and what this instance has not seen; confirms the ledger on success. */
  async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (this.epoch === undefined || !this.commands.ready) return;
    this.polling = true;
    const generation = this.generation;
    const sentAt = Date.now();
    try {
      if ((await this.catchUp(generation)) && generation === this.generation) {
        this.confirmedAt = sentAt;
        if (this.failing) this.logger.log('Revocation feed confirmed again: revocation checks are current');
        this.failing = false;
        this.hooks.confirmed();
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

  /** `true` when the ledger now holds every entry up to the number read. */
  private async catchUp(generation: number): Promise<boolean> {
    const reply = await this.commands.run(['HMGET', this.keys.sequence, 'epoch', 'n']);
    if (generation !== this.generation) return false;
    const [epoch, n] = Array.isArray(reply) ? reply : [];
    const latest = Number(n);
    if (epoch !== this.epoch || !Number.isSafeInteger(latest) || latest < this.seq) {
      this.hooks.diverged('Redis holds another revocation feed (restarted without persistence?)');
      return false;
    }
    while (this.seq < latest) {
      const before = this.seq;
      const entries = await this.commands.run(['ZRANGE', this.keys.log, `(${this.seq}`, String(latest), 'BYSCORE', 'LIMIT', '0', LOG_BATCH]);
      if (generation !== this.generation) return false;
      if (!Array.isArray(entries) || !this.apply(entries) || this.seq === before) {
        this.hooks.diverged('revocations missed by this instance are no longer in the revocation log (raise logLength)');
        return false;
      }
    }
    return true;
  }

  /** Applies log entries in order; `false` at a gap (entries trimmed from the log). */
  private apply(entries: unknown[]): boolean {
    if (!entries.length) return false;
    for (const raw of entries) {
      const entry = typeof raw === 'string' ? parseFeedEntry(raw) : undefined;
      if (entry?.seq === undefined) continue;
      this.ledger.merge(entry.record);
      if (entry.seq === this.seq + 1) this.seq = entry.seq;
      else if (entry.seq > this.seq + 1) return false;
    }
    return true;
  }
}
