import type { RevocationRecord } from '../revocation-record.js';
import type { RedisCommands } from './command-runner.js';
import type { RedisKeys } from './redis-keys.js';
import { readFeedPosition, type FeedPosition } from './feed-position.js';
import { mergeCommand } from './redis-scripts.js';
import type { RevocationMirror } from './revocation-mirror.js';

const SCAN_BATCH = '1000';
/** Records compared (one MGET) and written back (their commands in flight together) per step. */
const WRITE_BATCH = 500;

/** A copy of the id that does not keep the whole key (prefix included) alive, as a `slice()` would. */
function detached(id: string): string {
  return JSON.parse(JSON.stringify(id)) as string;
}

/**
 * The full read, at start-up and whenever the feed cannot be followed (Redis restarted empty or
 * lost writes this instance saw, or this instance fell behind the log): the position first, then every record, so that
 * whatever is written meanwhile has a later number and is caught up from the log; then the
 * records this instance holds that Redis lacks or holds weaker are written back.
 *
 * Both run in steps of one round trip each (the event loop serves requests between them), and a
 * command's time limit starts when it is sent: no step waits on a loop over the whole mirror.
 */
export class MirrorResync {
  constructor(
    private readonly commands: RedisCommands,
    private readonly keys: RedisKeys,
    private readonly ledger: Pick<RevocationMirror, 'merge' | 'records' | 'size' | 'holdsAll'>,
    private readonly logLength: number,
  ) {}

  async run(): Promise<FeedPosition> {
    // Records held before the read may be missing in Redis; those read from it are not.
    const heldBefore = this.ledger.size > 0;
    const position = await readFeedPosition(this.commands, this.keys);
    // A mirror that keeps the recent revocations only reads a session's records on its first check.
    if (this.ledger.holdsAll) await this.readAll();
    if (heldBefore) await this.writeBack();
    return position;
  }

  /** Every record key in Redis, merged into the ledger. */
  private async readAll(): Promise<void> {
    let cursor = '0';
    do {
      // On a cluster, SCAN runs on the node serving the records' hash slot.
      const reply = await this.commands.run(['SCAN', cursor, 'MATCH', this.keys.recordPattern, 'COUNT', SCAN_BATCH], this.keys.sequence);
      if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new Error('unexpected SCAN reply');
      cursor = String(reply[0]);
      const keys = (reply[1] as unknown[]).filter((key): key is string => typeof key === 'string');
      if (!keys.length) continue;
      const values = await this.commands.run(['MGET', ...keys]);
      if (!Array.isArray(values)) throw new Error('unexpected MGET reply');
      keys.forEach((key, index) => {
        const value = values[index];
        const record = typeof value === 'string' ? this.keys.parse(key, value) : undefined;
        if (record) this.ledger.merge({ ...record, id: detached(record.id) });
      });
      // Past `mirrorAllUpTo` the mirror stopped copying every record: the rest stays in Redis.
    } while (cursor !== '0' && this.ledger.holdsAll);
  }

  /** Records Redis lacks or holds weaker (it restarted empty, or a write failed during an outage), a batch at a time. */
  private async writeBack(): Promise<void> {
    const held = this.ledger.records();
    for (;;) {
      const batch: RevocationRecord[] = [];
      const now = Date.now();
      for (let next = held.next(); !next.done; next = held.next()) {
        if (next.value.until > now) batch.push(next.value);
        if (batch.length === WRITE_BATCH) break;
      }
      if (!batch.length) return;
      const keys = batch.map((record) => this.keys.record(record));
      const values = await this.commands.run(['MGET', ...keys], this.keys.sequence);
      if (!Array.isArray(values)) throw new Error('unexpected MGET reply');
      const missing = batch.filter((record, index) => values[index] !== this.keys.value(record));
      await Promise.all(missing.map((record) => this.commands.run(mergeCommand(this.keys, record, this.logLength))));
    }
  }
}
