import type { AnyRedisClient, RedisClientOptions } from './redis-client.js';

export interface RedisRevocationStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** More `createClient` options (TLS, credentials ...), merged over the store's defaults. */
  clientOptions?: RedisClientOptions;
  /**
   * An existing node-redis client instead of `url`: `createClient()`, `createCluster()` (Redis
   * Cluster) or `createSentinel()`. The store connects it if needed and uses a duplicate of it for
   * pub/sub. The store never closes a client it was given.
   */
  client?: AnyRedisClient;
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
  /**
   * What each instance keeps in memory. `'all'`: every revocation in Redis, read at start and
   * written back after Redis lost data. `'recent'`: the revocations published lately only; the
   * first check of a session reads its records from Redis (one round trip) and the answer is
   * reused for `recentPeriodMs` to twice that. Memory then follows the logout rate and the active
   * sessions, not the total; start-up reads no record. `'auto'` (default): `'all'` while the
   * instance holds at most `mirrorAllUpTo` revocations, `'recent'` from there on (logged once).
   */
  mirror?: 'auto' | 'all' | 'recent';
  /** `mirror: 'auto'`: the most revocations an instance copies before it keeps only the recent ones. Default 100,000. */
  mirrorAllUpTo?: number;
  /** `mirror: 'recent'`: how long a revocation stays in the mirror and an answer read from Redis is reused (between this and twice this). Default 300,000. */
  recentPeriodMs?: number;
  /** `mirror: 'recent'`: answers remembered per generation (two generations); more starts a new generation early. Default 100,000. */
  recentMaxSubjects?: number;
}

export interface RedisStoreConfig {
  readonly url: string;
  readonly clientOptions: RedisClientOptions;
  readonly client?: AnyRedisClient;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly maxStalenessMs: number;
  readonly logLength: number;
  readonly mirror: 'auto' | 'all' | 'recent';
  /** Records held before switching to `'recent'`: `mirrorAllUpTo` under `'auto'`, unbounded under `'all'`, 0 under `'recent'`. */
  readonly mirrorAllUpTo: number;
  readonly recentPeriodMs: number;
  readonly recentMaxSubjects: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`RedisRevocationStore: ${name} must be a positive integer, got ${value}`);
  return value;
}

function mirrorMode(value: unknown): 'auto' | 'all' | 'recent' {
  if (value === undefined || value === 'auto' || value === 'all' || value === 'recent') return value ?? 'auto';
  throw new RangeError(`RedisRevocationStore: mirror must be 'auto', 'all' or 'recent', got ${String(value)}`);
}

function allUpTo(mode: 'auto' | 'all' | 'recent', value: number | undefined): number {
  const limit = positive('mirrorAllUpTo', value, 100_000);
  if (mode === 'auto') return limit;
  if (value !== undefined) throw new RangeError(`RedisRevocationStore: mirrorAllUpTo applies to mirror: 'auto' only (mirror is '${mode}')`);
  return mode === 'all' ? Number.POSITIVE_INFINITY : 0;
}

export function readRedisStoreOptions(options: RedisRevocationStoreOptions): RedisStoreConfig {
  const commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs, 1000);
  const pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs, 500);
  const maxStalenessMs = positive('maxStalenessMs', options.maxStalenessMs, Math.max(2000, pollIntervalMs + commandTimeoutMs));
  // Below this, one slow but successful poll would flap the instance into refusing.
  if (maxStalenessMs < pollIntervalMs + commandTimeoutMs) {
    throw new RangeError(`RedisRevocationStore: maxStalenessMs must be at least pollIntervalMs + commandTimeoutMs (${pollIntervalMs + commandTimeoutMs}), got ${maxStalenessMs}`);
  }
  const mirror = mirrorMode(options.mirror);
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
    mirror,
    mirrorAllUpTo: allUpTo(mirror, options.mirrorAllUpTo),
    recentPeriodMs: positive('recentPeriodMs', options.recentPeriodMs, 300_000),
    recentMaxSubjects: positive('recentMaxSubjects', options.recentMaxSubjects, 100_000),
  });
}
