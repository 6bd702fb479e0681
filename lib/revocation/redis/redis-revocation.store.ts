import { Logger } from '@nestjs/common';
import { SessionConfigError } from '../../errors/session-config.error.js';
import { SessionError } from '../../errors/session-error.js';
import { DataAndReplayParts } from '../data-and-replay-parts.js';
import { RedisReplayClaims } from '../../replay/redis-replay.store.js';
import type { ReplayStore } from '../../replay/replay-store.interface.js';
import type { RevocationRecord } from '../revocation-record.js';
import type { RevocationStore, RevocationSubject } from '../revocation-store.interface.js';
import type { SessionDataStore } from '../session-data-store.interface.js';
import { RedisCommands } from './command-runner.js';
import { MirrorResync } from './mirror-resync.js';
import { RedisConnections } from './redis-connections.js';
import { RedisKeys } from './redis-keys.js';
import { readRedisStoreOptions, type RedisRevocationStoreOptions, type RedisStoreConfig } from './redis-store-options.js';
import { RevocationFeed } from './revocation-feed.js';
import { RevocationMirror } from './revocation-mirror.js';
import { RedisSessionData } from './redis-session-data.js';
import { CLUSTER_NODE_PROBLEM, isClusterNode, topologyOf } from './redis-topology.js';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Revocations shared by every instance through Redis (node-redis, the `redis` package); session
 * data and one-time ids too.
 *
 * - Each record is a key that expires by TTL at the record's end; writes merge (never weaken),
 *   and each write that strengthened a record is numbered, logged and published atomically.
 * - Every instance keeps a local mirror (`RevocationMirror`: every record up to `mirrorAllUpTo`,
 *   the recent ones past it), fed by pub/sub and by a poll of the sequence number every
 *   `pollIntervalMs` that fetches only what it missed. The per-request check reads the mirror: no
 *   round trip to Redis in steady state (past `mirrorAllUpTo`, one on a session's first check).
 * - Staleness is bounded: the mirror answers "not revoked" only while a read of Redis confirmed
 *   it within `maxStalenessMs`; past that, or from a lost command connection until the instance
 *   has caught up after the reconnect, a check the mirror cannot answer throws `revocation_unavailable`.
 */
export class RedisRevocationStore extends DataAndReplayParts implements RevocationStore, SessionDataStore, ReplayStore {
  private readonly logger = new Logger(RedisRevocationStore.name);
  private readonly ledger: RevocationMirror;
  private readonly config: RedisStoreConfig;
  private readonly keys: RedisKeys;
  private readonly commands: RedisCommands;
  private readonly connections: RedisConnections;
  private readonly feed: RevocationFeed;
  private readonly resyncs: MirrorResync;
  private outage = false;
  private subscriberOutage = false;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  /** Set when Redis turned out to be unusable as configured (a cluster node behind a single-node client). */
  private misconfiguration?: string;
  private clusterProbed = false;
  private readonly currentWaiters = new Set<() => void>();

  constructor(options: RedisRevocationStoreOptions = {}) {
    const config = readRedisStoreOptions(options);
    const keys = new RedisKeys(config.keyPrefix, config.client !== undefined && topologyOf(config.client) === 'cluster');
    const connections = new RedisConnections(config, keys.channel);
    let onClusterReply = (_error: Error): void => undefined;
    const commands = new RedisCommands(() => connections.commands, config.commandTimeoutMs, undefined, (error) => onClusterReply(error));
    super(new RedisSessionData(commands, keys), new RedisReplayClaims((args) => commands.run(args), (id) => keys.once(id)));
    this.config = config;
    this.keys = keys;
    this.commands = commands;
    this.connections = connections;
    this.ledger = new RevocationMirror(commands, keys, config, (held) =>
      this.logger.warn(
        `More than ${config.mirrorAllUpTo} revocations: this instance now keeps the recent ones only (${held} held now, dropped within ${(2 * config.recentPeriodMs) / 1000} s) and reads a session's records from Redis on its first check (mirror: 'recent'). ` +
          'Redis now holds the only copy of older revocations: keep its persistence (AOF) or replicas on',
      ),
    );
    this.feed = new RevocationFeed(this.commands, this.keys, this.ledger, this.config, this.logger, {
      diverged: (reason) => {
        this.logger.warn(`Reading every revocation again: ${reason}`);
        void this.sync(true);
      },
      confirmed: () => this.notifyCurrent(),
    });
    this.resyncs = new MirrorResync(this.commands, this.keys, this.ledger, this.config.logLength);
    onClusterReply = (error) => this.misconfigured(`got "${error.message}"`);
  }

  /** `true` while the local mirror is known to hold every revocation Redis held at most `maxStalenessMs` ago. */
  get inSync(): boolean {
    return this.feed.fresh();
  }

  async start(): Promise<void> {
    if (this.connections.opened) return;
    await this.connections.open({
      commandLost: (cause) => this.lost(cause),
      commandReady: () => void this.sync(),
      subscriberLost: (cause) => this.subscriberLost(cause),
      subscriberReady: () => this.subscriberBack(),
      message: (raw) => this.feed.receive(raw),
      nodeReady: () => void this.feed.poll(),
    });
    this.feed.start();
    const current = await this.waitUntilCurrent(this.config.startTimeoutMs);
    if (this.misconfiguration) throw new SessionConfigError('revocationStore', `(RedisRevocationStore: ${this.misconfiguration})`);
    if (!current) {
      this.logger.warn(`Redis revocation store not in sync after ${this.config.startTimeoutMs} ms; revocation checks cannot be made until it is`);
    }
  }

  /** Resolves `true` once the mirror is current, `false` after `timeoutMs`. */
  waitUntilCurrent(timeoutMs: number): Promise<boolean> {
    if (this.inSync) return Promise.resolve(true);
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
    this.feed.stop();
    clearTimeout(this.retryTimer);
    this.connections.close();
  }

  async revokeSession(sessionId: string, until: number): Promise<void> {
    await this.revoke({ kind: 'session', id: sessionId, until: Math.ceil(until) });
  }

  async revokeUserSessions(userId: string, cutoff: number, until: number): Promise<void> {
    // Rounded up: a later cutoff refuses more, never less.
    await this.revoke({ kind: 'user', id: userId, cutoff: Math.ceil(cutoff), until: Math.ceil(until) });
  }

  isRevoked(subject: RevocationSubject): boolean | Promise<boolean> {
    // A revocation known locally is enforced even while Redis is away.
    if (this.ledger.isRevoked(subject)) return true;
    if (!this.feed.fresh()) throw new SessionError('revocation_unavailable');
    if (this.ledger.answered(subject)) return false;
    return this.ledger.lookUp(subject);
  }

  private async revoke(record: RevocationRecord): Promise<void> {
    if (!(record.until > Date.now()) || !Number.isFinite(record.until)) return;
    // This instance refuses at once, even if Redis cannot be written (the record is written again after a reconnect).
    await this.feed.write(record);
  }

  private lost(cause: unknown): void {
    this.feed.invalidate();
    this.ledger.forgetAnswers();
    if (this.closed || this.outage) return;
    this.outage = true;
    this.logger.warn(`Redis revocation store unreachable (command connection: ${describe(cause)}); revocations not already known here cannot be checked until it reconnects`);
  }

  private subscriberLost(cause: unknown): void {
    if (this.closed || this.subscriberOutage) return;
    this.subscriberOutage = true;
    this.logger.warn(`Redis revocation store: pub/sub connection lost (${describe(cause)}); revocations still arrive by polling, within ${this.config.maxStalenessMs} ms`);
  }

  /** Messages published while the subscriber was away are in the log: catch up now. */
  private subscriberBack(): void {
    this.subscriberOutage = false;
    void this.feed.poll();
  }

  /** Never in sync again: every check it cannot answer from what it knows is `revocation_unavailable`. */
  private misconfigured(found: string): void {
    if (this.misconfiguration) return;
    const where = this.config.client ? 'the `client` given' : `url ${this.config.url}`;
    this.misconfiguration = `${where} ${CLUSTER_NODE_PROBLEM} (${found})`;
    this.logger.error(`Redis revocation store: ${this.misconfiguration}; sessions not known to be revoked get revocation_unavailable`);
    this.feed.stop();
    this.notifyCurrent();
  }

  private notifyCurrent(): void {
    for (const waiter of [...this.currentWaiters]) waiter();
  }

  /**
   * After a (re)connect, or when the feed cannot be followed: catches up from the revocation log
   * when Redis holds the history this instance followed, else reads every record (`MirrorResync`).
   * Then the mirror is current and the feed is followed from there.
   */
  private async sync(full = false): Promise<void> {
    clearTimeout(this.retryTimer);
    const generation = this.feed.invalidate();
    this.ledger.forgetAnswers();
    if (this.closed || this.misconfiguration || !this.commands.ready) return;
    const readAt = Date.now();
    try {
      if (!this.clusterProbed && this.connections.topology === 'single') {
        if (await isClusterNode((args) => this.commands.run(args))) return this.misconfigured('INFO cluster: cluster_enabled:1');
        this.clusterProbed = true;
      }
      const resumed = !full && (await this.feed.resume(generation));
      if (!this.feed.isCurrent(generation)) return;
      if (!resumed && !this.feed.confirm(generation, await this.resyncs.run(), readAt)) return;
      // A full read longer than the staleness bound confirms a view already stale: catch up from the log first.
      if (!this.feed.fresh()) await this.feed.poll();
      if (!this.feed.isCurrent(generation) || !this.feed.fresh()) return;
      if (this.outage) {
        this.outage = false;
        this.logger.log(`Redis revocation store reconnected and in sync (${this.ledger.size} revocations; ${resumed ? 'caught up from the revocation log' : this.ledger.holdsAll ? 'every record read' : 'answers read before dropped, records read on demand'})`);
      }
      this.notifyCurrent();
    } catch (error) {
      if (this.closed) return;
      this.lost(error);
      this.retryTimer = setTimeout(() => void this.sync(full), 250);
      this.retryTimer.unref();
    }
  }
}
