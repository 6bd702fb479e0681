import type { RevocationRecord } from '../revocation-record.js';

/** SCAN's MATCH is a glob: the prefix is matched literally. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** `true` when keys starting with `prefix` share a cluster hash slot (a non-empty `{tag}`). */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

/**
 * The Redis key layout, under one prefix:
 * - `revoked:s:<sid>` = until, `revoked:u:<sub>` = "cutoff:until": one key per record, expiring by TTL;
 * - `revocations:seq` (hash: `epoch`, `n`) and `revocations:log` (sorted set by `n`): the feed;
 * - `revocations` the pub/sub channel; `data:<sid>` session data; `once:<id>` one-time ids.
 * On a Redis Cluster the records and the feed are written by one script, so their keys must share
 * a hash slot: there they carry the prefix as a hash tag (`{prefix}revoked:...`) unless the prefix
 * has one already. Session data and one-time ids keep the plain prefix (spread over the cluster).
 */
export class RedisKeys {
  readonly channel: string;
  readonly sequence: string;
  readonly log: string;
  /** SCAN pattern of every record key. */
  readonly recordPattern: string;
  private readonly sessionPrefix: string;
  private readonly userPrefix: string;

  constructor(
    private readonly prefix: string,
    clustered = false,
  ) {
    const slotted = clustered && !hasHashTag(prefix) ? `{${prefix || 'nestjs-jwt-session'}}` : prefix;
    this.channel = `${prefix}revocations`;
    this.sequence = `${slotted}revocations:seq`;
    this.log = `${slotted}revocations:log`;
    this.recordPattern = `${globLiteral(slotted)}revoked:*`;
    this.sessionPrefix = `${slotted}revoked:s:`;
    this.userPrefix = `${slotted}revoked:u:`;
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
