import type { RevocationRecord } from '../revocation-record.js';

/** SCAN's MATCH is a glob: the prefix is matched literally. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The Redis key layout, under one prefix:
 * - `revoked:s:<sid>` = until, `revoked:u:<sub>` = "cutoff:until": one key per record, expiring by TTL;
 * - `revocations:seq` (hash: `epoch`, `n`) and `revocations:log` (sorted set by `n`): the feed;
 * - `revocations` the pub/sub channel; `data:<sid>` session data; `once:<id>` one-time ids.
 */
export class RedisKeys {
  readonly channel: string;
  readonly sequence: string;
  readonly log: string;
  /** SCAN pattern of every record key. */
  readonly recordPattern: string;
  private readonly sessionPrefix: string;
  private readonly userPrefix: string;

  constructor(private readonly prefix: string) {
    this.channel = `${prefix}revocations`;
    this.sequence = `${prefix}revocations:seq`;
    this.log = `${prefix}revocations:log`;
    this.recordPattern = `${globLiteral(prefix)}revoked:*`;
    this.sessionPrefix = `${prefix}revoked:s:`;
    this.userPrefix = `${prefix}revoked:u:`;
  }

  record(record: RevocationRecord): string {
    return (record.kind === 'session' ? this.sessionPrefix : this.userPrefix) + record.id;
  }

  /** The value a record key holds for `record`. */
  value(record: RevocationRecord): string {
    return record.kind === 'session' ? String(record.until) : `${record.cutoff}:${record.until}`;
  }

  /** The record a key and its value stand for; `undefined` for anything else. */
  parse(key: string, value: string): RevocationRecord | undefined {
    if (key.startsWith(this.sessionPrefix)) {
      const until = Number(value);
      return Number.isFinite(until) ? { kind: 'session', id: key.slice(this.sessionPrefix.length), until } : undefined;
    }
    if (key.startsWith(this.userPrefix)) {
      const match = /^(\d+):(\d+)$/.exec(value);
      return match ? { kind: 'user', id: key.slice(this.userPrefix.length), cutoff: Number(match[1]), until: Number(match[2]) } : undefined;
    }
    return undefined;
  }

  data(sessionId: string): string {
    return `${this.prefix}data:${sessionId}`;
  }

  once(id: string): string {
    return `${this.prefix}once:${id}`;
  }
}
