import { isPlainRecord } from '../claims/safe-values.js';
import { SessionConfigError } from '../errors/session-config.error.js';
import { RedisCommands } from '../revocation/redis/command-runner.js';
import { createRedisClient, DEFAULT_REDIS_SOCKET, type AnyRedisClient, type RedisClientOptions } from '../revocation/redis/redis-client.js';
import { CLUSTER_NODE_PROBLEM, isClusterNode, topologyOf } from '../revocation/redis/redis-topology.js';
import type { ServerSessionRecord } from './server-session-record.js';
import type { ServerSessionStore } from './server-session-store.interface.js';

export interface RedisServerSessionStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** More `createClient` options (TLS, credentials ...), merged over the store's defaults. */
  clientOptions?: RedisClientOptions;
  /**
   * An existing node-redis client instead of `url`: `createClient()`, `createCluster()` or
   * `createSentinel()` (the revocation store's, say); never closed by this store.
   */
  client?: AnyRedisClient;
  /** Prefix of every key. Default `nestjs-jwt-session:`. */
  keyPrefix?: string;
  /** Milliseconds before a Redis command counts as failed. Default 1000. */
  commandTimeoutMs?: number;
}

/**
 * KEYS[1] the user's index; ARGV[1] session id, ARGV[2] ms until the session's end. The index lives
 * as long as its longest session. One key per script: on a Redis Cluster the index and the session
 * may live on different nodes.
 */
const INDEX = `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

function parseRecord(raw: unknown): ServerSessionRecord | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (!isPlainRecord(value) || typeof value.id !== 'string' || typeof value.userId !== 'string' || typeof value.sessionToken !== 'string') return undefined;
    return value as unknown as ServerSessionRecord;
  } catch {
    return undefined;
  }
}

/**
 * Server-side sessions shared by every instance through Redis (node-redis, the `redis` package),
 * connected like `RedisRevocationStore` (one server, Sentinel or Cluster). Each session is one key
 * expiring at its end; a set per user indexes them for `listSessions` and `logoutAll`. Every read
 * goes to Redis: a session ended on one instance is gone for all at once.
 */
export class RedisServerSessionStore implements ServerSessionStore {
  private readonly prefix: string;
  private readonly commands: RedisCommands;
  private client?: AnyRedisClient;
  private ownsClient = false;

  constructor(private readonly options: RedisServerSessionStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'nestjs-jwt-session:';
    const timeout = options.commandTimeoutMs ?? 1000;
    if (!Number.isSafeInteger(timeout) || timeout <= 0) throw new RangeError(`RedisServerSessionStore: commandTimeoutMs must be a positive integer, got ${timeout}`);
    this.commands = new RedisCommands(() => this.client, timeout, 'The server-side session store (Redis)');
  }

  async start(): Promise<void> {
    if (this.client) return;
    if (this.options.client) {
      this.client = this.options.client;
    } else {
      const { socket, ...rest } = this.options.clientOptions ?? {};
      this.client = await createRedisClient({
        url: this.options.url ?? 'redis://127.0.0.1:6379',
        disableOfflineQueue: true,
        ...rest,
        socket: { ...DEFAULT_REDIS_SOCKET, ...(isPlainRecord(socket) ? socket : {}) },
      });
      this.ownsClient = true;
      // Outages surface as `revocation_unavailable` on each command; the client reconnects by itself.
      this.client.on('error', () => undefined);
    }
    if (!this.client.isOpen) await this.client.connect().catch(() => undefined);
    // A single-node client on a cluster node reaches a part of the keys: sessions would vanish between instances.
    if (topologyOf(this.client) === 'single' && this.client.isReady && (await isClusterNode((args) => this.command(args)))) {
      const where = this.options.client ? 'the `client` given' : `url ${this.options.url ?? 'redis://127.0.0.1:6379'}`;
      await this.close();
      throw new SessionConfigError('serverSessions.store', `(RedisServerSessionStore: ${where} ${CLUSTER_NODE_PROBLEM})`);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client?.destroy();
    this.client = undefined;
  }

  async get(id: string): Promise<ServerSessionRecord | undefined> {
    return parseRecord(await this.command(['GET', this.sessionKey(id)]));
  }

  async save(record: ServerSessionRecord, until: number): Promise<void> {
    const ttl = Math.ceil(until - Date.now());
    if (!(ttl > 0)) return this.delete(record.id);
    // The index first: a session is never stored where `logoutAll` cannot find it.
    await this.command(['EVAL', INDEX, '1', this.userKey(record.userId), record.id, String(ttl)]);
    await this.command(['SET', this.sessionKey(record.id), JSON.stringify(record), 'PXAT', String(Math.ceil(until))]);
  }

  async delete(id: string): Promise<void> {
    // The user's index is cleaned when it is next listed.
    await this.command(['DEL', this.sessionKey(id)]);
  }

  async listByUser(userId: string): Promise<ServerSessionRecord[]> {
    const ids = await this.command(['SMEMBERS', this.userKey(userId)]);
    if (!Array.isArray(ids) || ids.length === 0) return [];
    const names = ids.filter((id): id is string => typeof id === 'string');
    // One GET each (sent together): on a cluster the sessions live on several nodes.
    const values = await Promise.all(names.map((id) => this.command(['GET', this.sessionKey(id)])));
    const found: ServerSessionRecord[] = [];
    const gone: string[] = [];
    names.forEach((id, index) => {
      const record = parseRecord(values[index]);
      if (record !== undefined && record.userId === userId) found.push(record);
      else gone.push(id);
    });
    if (gone.length) await this.command(['SREM', this.userKey(userId), ...gone]);
    return found;
  }

  /** `SET NX PX`: one instance wins the claim until it expires. */
  async claimOnce(id: string, until: number): Promise<boolean> {
    const ttl = Math.ceil(until - Date.now());
    if (!(ttl > 0)) return true;
    return (await this.command(['SET', `${this.prefix}ss-lock:${id}`, '1', 'NX', 'PX', String(ttl)])) === 'OK';
  }

  private sessionKey(id: string): string {
    return `${this.prefix}ss:${id}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}ss-user:${userId}`;
  }

  /** One command, time-limited; any failure is `revocation_unavailable` (the session store cannot answer). */
  private command(args: string[]): Promise<unknown> {
    return this.commands.run(args);
  }
}
