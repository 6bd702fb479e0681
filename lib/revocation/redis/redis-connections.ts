import { isPlainRecord } from '../../claims/safe-values.js';
import { createRedisClient, DEFAULT_REDIS_SOCKET, type RedisClientLike } from './redis-client.js';
import type { RedisStoreConfig } from './redis-store-options.js';

/** What the store hears from its two connections. */
export interface ConnectionEvents {
  commandLost(cause: unknown): void;
  commandReady(): void;
  subscriberLost(cause: unknown): void;
  subscriberReady(): void;
  message(raw: string): void;
}

/**
 * The store's two Redis connections: commands (its own client, or the one the application gave,
 * which it never closes) and a duplicate subscribed to the revocation channel. node-redis
 * reconnects both, and subscribes again, on its own; the store only listens.
 */
export class RedisConnections {
  private commandClient?: RedisClientLike;
  private subscriber?: RedisClientLike;
  private ownsCommandClient = false;

  constructor(
    private readonly config: RedisStoreConfig,
    private readonly channel: string,
  ) {}

  get commands(): RedisClientLike | undefined {
    return this.commandClient;
  }

  get opened(): boolean {
    return this.commandClient !== undefined;
  }

  async open(events: ConnectionEvents): Promise<void> {
    const commands = this.config.client ?? (await this.create());
    this.ownsCommandClient = this.config.client === undefined;
    this.commandClient = commands;
    const subscriber = commands.duplicate();
    this.subscriber = subscriber;
    this.watch(commands, (cause) => events.commandLost(cause), () => events.commandReady());
    this.watch(subscriber, (cause) => events.subscriberLost(cause), () => events.subscriberReady());

    if (!commands.isOpen) void commands.connect().catch((error: unknown) => events.commandLost(error));
    // A client the application connected already is ready now: no 'ready' event will come.
    else if (commands.isReady) events.commandReady();
    void subscriber
      .connect()
      .then(() => subscriber.subscribe(this.channel, (message) => events.message(message)))
      .then(() => events.subscriberReady())
      .catch((error: unknown) => events.subscriberLost(error));
  }

  close(): void {
    this.subscriber?.destroy();
    if (this.ownsCommandClient) this.commandClient?.destroy();
  }

  private create(): Promise<RedisClientLike> {
    const { socket, ...rest } = this.config.clientOptions;
    return createRedisClient({
      url: this.config.url,
      // Fail fast while disconnected rather than queue: a check must not wait for a reconnect.
      disableOfflineQueue: true,
      ...rest,
      socket: { ...DEFAULT_REDIS_SOCKET, ...(isPlainRecord(socket) ? socket : {}) },
    });
  }

  private watch(client: RedisClientLike, lost: (cause: unknown) => void, ready: () => void): void {
    client.on('error', (error) => lost(error));
    client.on('end', () => lost('connection closed'));
    client.on('reconnecting', () => lost('reconnecting'));
    client.on('ready', () => ready());
  }
}
