import type { AnyRedisClient, RedisClusterLike, RedisSentinelLike } from './redis-client.js';

/** How the store reaches Redis: one server, a Cluster (commands routed by key), or Sentinel. */
export type RedisTopology = 'single' | 'cluster' | 'sentinel';

export function topologyOf(client: AnyRedisClient): RedisTopology {
  if (typeof (client as Partial<RedisClusterLike>).getSlotMaster === 'function') return 'cluster';
  if (typeof (client as Partial<RedisSentinelLike>).getMasterNode === 'function') return 'sentinel';
  return 'single';
}

/** The key a cluster routes a command by: an EVAL's first key, else the command's first argument. */
function firstKey(args: string[]): string | undefined {
  const name = args[0]?.toUpperCase();
  if (name === 'EVAL' || name === 'EVALSHA') return Number(args[2]) > 0 ? args[3] : undefined;
  return args[1];
}

/**
 * Sends one command whatever the client: a cluster routes it by `routingKey` (a keyless command
 * such as SCAN goes to the node serving that key), a sentinel client to the current master.
 */
export function sendCommand(client: AnyRedisClient, args: string[], routingKey = firstKey(args)): Promise<unknown> {
  switch (topologyOf(client)) {
    case 'cluster':
      return (client as RedisClusterLike).sendCommand(routingKey, false, args);
    case 'sentinel':
      return (client as RedisSentinelLike).sendCommand(false, args);
    default:
      return (client as { sendCommand(args: string[]): Promise<unknown> }).sendCommand(args);
  }
}

/**
 * A reply only a cluster node gives: to a single-node client it means the url names one node of
 * a Redis Cluster, which holds a part of the keys only (a logout written there is lost to others).
 */
export function isClusterReply(error: unknown): boolean {
  return error instanceof Error && /^(MOVED|ASK|CLUSTERDOWN|CROSSSLOT|TRYAGAIN)\b/.test(error.message);
}

export const CLUSTER_NODE_PROBLEM =
  'names a node of a Redis Cluster: a single-node client reaches a part of the keys only, so logouts would be lost to other instances. Give a node-redis createCluster() client as `client` instead';

/** `true` when a single-node client is connected to a node of a Redis Cluster (`INFO cluster`). */
export async function isClusterNode(run: (args: string[]) => Promise<unknown>): Promise<boolean> {
  try {
    return /cluster_enabled:1/.test(String(await run(['INFO', 'cluster'])));
  } catch (error) {
    // A proxy that refuses INFO is no cluster node; a redirect says it is one.
    return isClusterReply(error);
  }
}
