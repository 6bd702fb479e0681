import { Logger } from '@nestjs/common';
import { isPlainRecord } from '../claims/safe-values.js';
import { SessionError } from '../errors/session-error.js';
import { createRedisClient, DEFAULT_REDIS_SOCKET, type RedisClientLike, type RedisClientOptions } from './redis-client.js';
import { MERGE_SESSION, MERGE_USER } from './redis-scripts.js';
import { RevocationLedger } from './revocation-ledger.js';
import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { RevocationStore, RevocationSubject } from './revocation-store.interface.js';

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
}

type RevocationMessage = { t: 's'; id: string; until: number } | { t: 'u'; id: string; cutoff: number; until: number };

const SCAN_BATCH = '1000';

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`RedisRevocationStore: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** SCAN's MATCH is a glob: the prefix is matched literally. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function parseMessage(raw: string): RevocationMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isPlainRecord(value) || typeof value.id !== 'string' || typeof value.until !== 'number') return undefined;
  if (value.t === 's') return { t: 's', id: value.id, until: value.until };
  if (value.t === 'u' && typeof value.cutoff === 'number') return { t: 'u', id: value.id, cutoff: value.cutoff, until: value.until };
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Revocations shared by every instance through Redis (node-redis, the `redis` package).
 *
 * - Each record is a key that expires by TTL at the record's end; writes merge (never weaken).
 * - Every instance keeps a local mirror, updated from pub/sub as revocations are published: the
 *   per-request check reads the mirror, with no round trip to Redis in steady state.
 * - When either connection drops, the mirror stops counting as current until both are back and
 *   it has been resynced: Redis is read in full, and records this instance knows that Redis lost
 *   (a restart without persistence) are written back. In between, a check the mirror cannot answer
 *   throws `revocation_unavailable` (the module fails closed, or open when configured).
 * - Session data lives under its own keys and is read from Redis on each call.
 */
export class RedisRevocationStore implements RevocationStore, ReplayStore {
  private readonly logger = new Logger(RedisRevocationStore.name);
  private readonly ledger = new RevocationLedger();
  private readonly prefix: string;
  private readonly channel: string;
  private readonly commandTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private commands?: RedisClientLike;
  private subscriber?: RedisClientLike;
  private ownsCommandClient = false;
  private subscribed = false;
  private current = false;
  /** Bumped on every connection change: a resync started before it does not mark the mirror current. */
  private generation = 0;
  private outage = false;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly currentWaiters = new Set<() => void>();

  constructor(private readonly options: RedisRevocationStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'nestjs-jwt-session:';
    this.channel = `${this.prefix}revocations`;
    this.commandTimeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs, 1000);
    this.startTimeoutMs = positive('startTimeoutMs', options.startTimeoutMs, 5000);
  }

  /** `true` while the local mirror is known to hold every revocation in Redis. */
  get inSync(): boolean {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.commands) return;
    if (this.options.client) {
      this.commands = this.options.client;
    } else {
      const { socket, ...rest } = this.options.clientOptions ?? {};
      this.commands = await createRedisClient({
        url: this.options.url ?? 'redis://127.0.0.1:6379',
        // Fail fast while disconnected rather than queue: a check must not wait for a reconnect.
        disableOfflineQueue: true,
        ...rest,
        socket: { ...DEFAULT_REDIS_SOCKET, ...(isPlainRecord(socket) ? socket : {}) },
      });
      this.ownsCommandClient = true;
    }
    this.subscriber = this.commands.duplicate();
    this.watch(this.commands, 'command');
    this.watch(this.subscriber, 'subscriber');

    if (!this.commands.isOpen) void this.commands.connect().catch((error: unknown) => this.lost(error));
    void this.subscriber
      .connect()
      .then(() => this.subscriber!.subscribe(this.channel, (message) => this.apply(message)))
      .then(() => {
        this.subscribed = true;
        void this.resync();
      })
      .catch((error: unknown) => this.lost(error));

    if (!(await this.waitUntilCurrent(this.startTimeoutMs))) {
      this.logger.warn(`Redis revocation store not in sync after ${this.startTimeoutMs} ms; revocation checks cannot be made until it is`);
    }
  }

  /** Resolves `true` once the mirror is current, `false` after `timeoutMs`. */
  waitUntilCurrent(timeoutMs: number): Promise<boolean> {
    if (this.current) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.currentWaiters.delete(onCurrent);
        resolve(value);
      };
      const onCurrent = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.currentWaiters.add(onCurrent);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    this.current = false;
    clearTimeout(this.retryTimer);
    this.subscriber?.destroy();
    if (this.ownsCommandClient) this.commands?.destroy();
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    if (!(until > Date.now())) return;
    // This instance refuses at once, even if Redis cannot be written (the record is written back on reconnect).
    this.ledger.addSession(sessionId, until);
    await this.command(['EVAL', MERGE_SESSION, '1', this.sessionKey(sessionId), String(until)]);
    await this.publish({ t: 's', id: sessionId, until });
  }

  async revokeUserSessions(userId: string, cutoff: number, until: number): Promise<void> {
    if (!(until > Date.now())) return;
    this.ledger.addUser(userId, cutoff, until);
    await this.command(['EVAL', MERGE_USER, '1', this.userKey(userId), String(cutoff), String(until)]);
    await this.publish({ t: 'u', id: userId, cutoff, until });
  }

  isRevoked(subject: RevocationSubject): boolean {
    // A revocation known locally is enforced even while Redis is away.
    if (this.ledger.isRevoked(subject)) return true;
    if (!this.current) throw new SessionError('revocation_unavailable');
    return false;
  }

  async getData(sessionId: string): Promise<string | undefined> {
    const value = await this.command(['GET', this.dataKey(sessionId)]);
    return typeof value === 'string' ? value : undefined;
  }

  async setData(sessionId: string, json: string, until: number): Promise<void> {
    if (!(until > Date.now())) return this.deleteData(sessionId);
    await this.command(['SET', this.dataKey(sessionId), json, 'PXAT', String(until)]);
  }

  async deleteData(sessionId: string): Promise<void> {
    await this.command(['DEL', this.dataKey(sessionId)]);
  }

  /** `SET NX` with the claim's expiry: one instance wins; fails closed like every command. */
  async claimOnce(id: string, until: number): Promise<boolean> {
    const ttl = Math.ceil(until - Date.now());
    if (!(ttl > 0)) return true;
    const reply = await this.command(['SET', `${this.prefix}once:${id}`, '1', 'NX', 'PX', String(ttl)]);
    return reply === 'OK';
  }

  private sessionKey(id: string): string {
    return `${this.prefix}revoked:s:${id}`;
  }

  private userKey(id: string): string {
    return `${this.prefix}revoked:u:${id}`;
  }

  private dataKey(id: string): string {
    return `${this.prefix}data:${id}`;
  }

  private watch(client: RedisClientLike, role: string): void {
    client.on('error', (error) => this.lost(error, role));
    client.on('end', () => this.lost('connection closed', role));
    client.on('reconnecting', () => this.lost('reconnecting', role));
    client.on('ready', () => void this.resync());
  }

  private lost(cause: unknown, role = 'command'): void {
    this.generation++;
    this.current = false;
    if (this.closed || this.outage) return;
    this.outage = true;
    this.logger.warn(`Redis revocation store unreachable (${role} connection: ${describe(cause)}); revocations not already known here cannot be checked until it reconnects`);
  }

  /** Reads every record from Redis into the mirror and writes back those Redis lacks; then the mirror is current. */
  private async resync(): Promise<void> {
    clearTimeout(this.retryTimer);
    const generation = ++this.generation;
    this.current = false;
    if (this.closed || !this.subscribed || !this.commands?.isReady || !this.subscriber?.isReady) return;
    try {
      const remote = await this.readAll();
      if (generation !== this.generation) return;
      await this.writeBack(remote);
      if (generation !== this.generation) return;
      this.current = true;
      if (this.outage) {
        this.outage = false;
        this.logger.log(`Redis revocation store reconnected and in sync (${this.ledger.size} revocations)`);
      }
      for (const waiter of [...this.currentWaiters]) waiter();
    } catch (error) {
      if (generation !== this.generation || this.closed) return;
      this.lost(error);
      this.retryTimer = setTimeout(() => void this.resync(), 250);
      this.retryTimer.unref();
    }
  }

  /** Every revocation key in Redis, merged into the mirror; returns the raw values by key. */
  private async readAll(): Promise<Map<string, string>> {
    const remote = new Map<string, string>();
    const pattern = `${globLiteral(this.prefix)}revoked:*`;
    let cursor = '0';
    do {
      const reply = await this.command(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH]);
      if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new Error('unexpected SCAN reply');
      cursor = String(reply[0]);
      const keys = (reply[1] as unknown[]).filter((key): key is string => typeof key === 'string');
      if (!keys.length) continue;
      const values = await this.command(['MGET', ...keys]);
      if (!Array.isArray(values)) throw new Error('unexpected MGET reply');
      keys.forEach((key, index) => {
        const value = values[index];
        if (typeof value === 'string') remote.set(key, value);
      });
    } while (cursor !== '0');

    const sessionPrefix = this.sessionKey('');
    const userPrefix = this.userKey('');
    for (const [key, value] of remote) {
      if (key.startsWith(sessionPrefix)) {
        this.ledger.addSession(key.slice(sessionPrefix.length), Number(value));
      } else if (key.startsWith(userPrefix)) {
        const match = /^(\d+):(\d+)$/.exec(value);
        if (match) this.ledger.addUser(key.slice(userPrefix.length), Number(match[1]), Number(match[2]));
      }
    }
    return remote;
  }

  /** Records this instance holds that Redis lacks or holds weaker (Redis restarted empty, a write made during an outage). */
  private async writeBack(remote: Map<string, string>): Promise<void> {
    const writes: Promise<unknown>[] = [];
    for (const [id, until] of this.ledger.sessionRecords()) {
      const key = this.sessionKey(id);
      if (remote.get(key) === String(until)) continue;
      writes.push(this.command(['EVAL', MERGE_SESSION, '1', key, String(until)]).then(() => this.publish({ t: 's', id, until })));
    }
    for (const [id, { cutoff, until }] of this.ledger.userRecords()) {
      const key = this.userKey(id);
      if (remote.get(key) === `${cutoff}:${until}`) continue;
      writes.push(this.command(['EVAL', MERGE_USER, '1', key, String(cutoff), String(until)]).then(() => this.publish({ t: 'u', id, cutoff, until })));
    }
    await Promise.all(writes);
  }

  private apply(raw: string): void {
    const message = parseMessage(raw);
    if (!message) return;
    if (message.t === 's') this.ledger.addSession(message.id, message.until);
    else this.ledger.addUser(message.id, message.cutoff, message.until);
  }

  private async publish(message: RevocationMessage): Promise<void> {
    await this.command(['PUBLISH', this.channel, JSON.stringify(message)]);
  }

  /** One command, time-limited; any failure is `revocation_unavailable`. */
  private async command(args: string[]): Promise<unknown> {
    const client = this.commands;
    if (!client?.isReady) throw new SessionError('revocation_unavailable', { message: 'The revocation store (Redis) is not connected' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis ${args[0]} timed out after ${this.commandTimeoutMs} ms`)), this.commandTimeoutMs);
    });
    try {
      return await Promise.race([client.sendCommand(args), timeout]);
    } catch (error) {
      throw new SessionError('revocation_unavailable', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
