import { createHash } from 'node:crypto';
import { SessionError } from '../../errors/session-error.js';
import type { AnyRedisClient } from './redis-client.js';
import { isClusterReply, sendCommand, topologyOf } from './redis-topology.js';

/**
 * Redis commands with a time limit: a hung server (or network) must not hold a logout or a sync
 * for longer than `timeoutMs`. Any failure, the time limit included, is `revocation_unavailable`.
 * A command that timed out may still run when Redis answers again: every write is idempotent.
 */
export class RedisCommands {
  /** SHA-1 of each script sent: EVALSHA sends 40 bytes instead of the script on every write. */
  private readonly digests = new Map<string, string>();

  constructor(
    private readonly client: () => AnyRedisClient | undefined,
    private readonly timeoutMs: number,
    /** Names the store in the refusal's message. */
    private readonly storeName = 'The revocation store (Redis)',
    /** A single-node client got a cluster-only reply (MOVED ...): the configuration is wrong, not Redis. */
    private readonly onClusterReply?: (error: Error) => void,
  ) {}

  get ready(): boolean {
    return this.client()?.isReady === true;
  }

  /** `routingKey`: the key whose cluster node runs the command (default: its first key). */
  async run(args: string[], routingKey?: string): Promise<unknown> {
    const client = this.client();
    if (!client?.isReady) throw new SessionError('revocation_unavailable', { message: `${this.storeName} is not connected` });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis ${args[0]} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.send(client, args, routingKey), timeout]);
    } catch (error) {
      if (isClusterReply(error) && topologyOf(client) === 'single') this.onClusterReply?.(error as Error);
      throw new SessionError('revocation_unavailable', { message: `${this.storeName} did not answer`, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** An EVAL goes as EVALSHA; the script itself only when this Redis (or cluster node) does not have it yet. */
  private async send(client: AnyRedisClient, args: string[], routingKey: string | undefined): Promise<unknown> {
    if (args[0] !== 'EVAL' || args[1] === undefined) return sendCommand(client, args, routingKey);
    let digest = this.digests.get(args[1]);
    if (digest === undefined) this.digests.set(args[1], (digest = createHash('sha1').update(args[1]).digest('hex')));
    try {
      return await sendCommand(client, ['EVALSHA', digest, ...args.slice(2)], routingKey);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return sendCommand(client, args, routingKey);
    }
  }
}
