/** What every node-redis client kind offers the stores: connecting, events, pub/sub, closing. */
interface RedisConnectionLike<Self> {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  duplicate(): Self;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<unknown>;
  destroy(): unknown;
}

/**
 * The part of a node-redis client (`redis` package, v4 and later) the Redis store uses, typed
 * here so that this module compiles and loads without the package installed: it is an optional
 * peer, imported only when a `RedisRevocationStore` is created from a URL.
 */
export interface RedisClientLike extends RedisConnectionLike<RedisClientLike> {
  sendCommand(args: string[]): Promise<unknown>;
  destroy(): void;
}

/** A node-redis `createCluster()` client: commands are routed by their first key. */
export interface RedisClusterLike extends RedisConnectionLike<RedisClusterLike> {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  destroy(): void;
  getSlotMaster(slot: number): unknown;
}

/** A node-redis `createSentinel()` client: commands go to the master the sentinels name. */
export interface RedisSentinelLike extends RedisConnectionLike<RedisSentinelLike> {
  sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  getMasterNode(): unknown;
}

/** Any client the Redis stores accept: a single connection, a Cluster or a Sentinel set-up. */
export type AnyRedisClient = RedisClientLike | RedisClusterLike | RedisSentinelLike;

/** Options handed to node-redis `createClient` (see its documentation). */
export type RedisClientOptions = Record<string, unknown>;

/** Gives up quickly and retries often, so that an outage is noticed (and ended) within a second or two. */
export const DEFAULT_REDIS_SOCKET = Object.freeze({
  connectTimeout: 2000,
  reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
});

/** `import('redis')` at run time only; a clear error when the optional peer is missing. */
export async function createRedisClient(options: RedisClientOptions): Promise<RedisClientLike> {
  // A variable specifier: the compiler neither resolves nor types the optional package.
  const specifier = 'redis';
  let loaded: unknown;
  try {
    loaded = await import(specifier);
  } catch (error) {
    throw new Error('RedisRevocationStore needs the "redis" package (node-redis): npm install redis', { cause: error });
  }
  const createClient = (loaded as { createClient?: unknown }).createClient;
  if (typeof createClient !== 'function') throw new Error('The "redis" package has no createClient(): node-redis v4 or later is required');
  return createClient(options) as RedisClientLike;
}
