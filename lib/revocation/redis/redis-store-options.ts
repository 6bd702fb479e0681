import type { RedisClientLike, RedisClientOptions } from './redis-client.js';

export interface RedisRevocationStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** More `createClient` options (TLS, credentials ...), merged over the store's defaults. */
  clientOptions?: RedisClientOptions;
  /**
   * An existing node-redis client instead of `url`: the store connects it if needed and uses a
   * duplicate of it for pub/sub. The store never closes a client it was given.
   */
  client?: RedisClientLike;
  /** Prefix of every key and of the pub/sub channel. Default `nestjs-jwt-session:`. */
  keyPrefix?: string;
  /** Milliseconds before a Redis command counts as failed. Default 1000. */
  commandTimeoutMs?: number;
  /** Milliseconds `start()` waits for the first connection and sync before the app starts anyway. Default 5000. */
  startTimeoutMs?: number;
  /**
   * Milliseconds between two reads of the revocation sequence number: a revocation whose pub/sub
   * message was lost is applied within this time (plus one round trip). Default 500.
   */
  pollIntervalMs?: number;
  /**
   * The staleness bound, in milliseconds: an instance answers "not revoked" only from a view of
   * Redis confirmed within this time; past it (Redis hung, unreachable, partitioned) a session not
   * known to be revoked gets `revocation_unavailable`. At least `pollIntervalMs + commandTimeoutMs`.
   * Default 2000.
   */
  maxStalenessMs?: number;
  /**
   * Revocations kept in Redis's revocation log, newest first: an instance that missed fewer catches
   * up by reading only those; one that missed more reads every record again. Default 10,000.
   */
  logLength?: number;
}

export interface RedisStoreConfig {
  readonly url: string;
  readonly clientOptions: RedisClientOptions;
  readonly client?: RedisClientLike;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly maxStalenessMs: number;
  readonly logLength: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`RedisRevocationStore: ${name} must be a positive integer, got ${value}`);
  return value;
}

export function readRedisStoreOptions(options: RedisRevocationStoreOptions): RedisStoreConfig {
  const commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs, 1000);
  const pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs, 500);
  const maxStalenessMs = positive('maxStalenessMs', options.maxStalenessMs, Math.max(2000, pollIntervalMs + commandTimeoutMs));
  // Below this, one slow but successful poll would flap the instance into refusing.
  if (maxStalenessMs < pollIntervalMs + commandTimeoutMs) {
    throw new RangeError(`RedisRevocationStore: maxStalenessMs must be at least pollIntervalMs + commandTimeoutMs (${pollIntervalMs + commandTimeoutMs}), got ${maxStalenessMs}`);
  }
  return Object.freeze({
    url: options.url ?? 'redis://127.0.0.1:6379',
    clientOptions: options.clientOptions ?? {},
    ...(options.client && { client: options.client }),
    keyPrefix: options.keyPrefix ?? 'nestjs-jwt-session:',
    commandTimeoutMs,
    startTimeoutMs: positive('startTimeoutMs', options.startTimeoutMs, 5000),
    pollIntervalMs,
    maxStalenessMs,
    logLength: positive('logLength', options.logLength, 10_000),
  });
}
