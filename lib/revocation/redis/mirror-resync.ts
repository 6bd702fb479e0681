import type { RevocationLedger } from '../revocation-ledger.js';
import type { RedisCommands } from './command-runner.js';
import type { RedisKeys } from './redis-keys.js';
import { readFeedPosition, type FeedPosition } from './feed-position.js';
import { mergeCommand } from './redis-scripts.js';

const SCAN_BATCH = '1000';

/**
 * The full read, at start-up and whenever the feed cannot be followed (Redis restarted empty or
 * lost writes this instance saw, or this instance fell behind the log): the position first, then every record, so that
 * whatever is written meanwhile has a later number and is caught up from the log; then the
 * records this instance holds that Redis lacks or holds weaker are written back.
 */
export class MirrorResync {
  constructor(
    private readonly commands: RedisCommands,
    private readonly keys: RedisKeys,
    private readonly ledger: RevocationLedger,
    private readonly logLength: number,
  ) {}

  async run(): Promise<FeedPosition> {
    const position = await readFeedPosition(this.commands, this.keys);
    const remote = await this.readAll();
    await this.writeBack(remote);
    return position;
  }

  /** Every record key in Redis, merged into the ledger; returns the raw values by key. */
  private async readAll(): Promise<Map<string, string>> {
    const remote = new Map<string, string>();
    let cursor = '0';
    do {
      const reply = await this.commands.run(['SCAN', cursor, 'MATCH', this.keys.recordPattern, 'COUNT', SCAN_BATCH]);
      if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new Error('unexpected SCAN reply');
      cursor = String(reply[0]);
      const keys = (reply[1] as unknown[]).filter((key): key is string => typeof key === 'string');
      if (!keys.length) continue;
      const values = await this.commands.run(['MGET', ...keys]);
      if (!Array.isArray(values)) throw new Error('unexpected MGET reply');
      keys.forEach((key, index) => {
        const value = values[index];
        if (typeof value !== 'string') return;
        remote.set(key, value);
        const record = this.keys.parse(key, value);
        if (record) this.ledger.merge(record);
      });
    } while (cursor !== '0');
    return remote;
  }

  /** Records Redis lacks or holds weaker (it restarted empty, or a write failed during an outage). */
  private async writeBack(remote: Map<string, string>): Promise<void> {
    const writes: Promise<unknown>[] = [];
    const now = Date.now();
    for (const record of this.ledger.records()) {
      if (record.until <= now || remote.get(this.keys.record(record)) === this.keys.value(record)) continue;
      writes.push(this.commands.run(mergeCommand(this.keys, record, this.logLength)));
    }
    await Promise.all(writes);
  }
}
