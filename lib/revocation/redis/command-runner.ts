import { SessionError } from '../../errors/session-error.js';
import type { RedisClientLike } from './redis-client.js';

/**
 * Redis commands with a time limit: a hung server (or network) must not hold a logout or a sync
 * for longer than `timeoutMs`. Any failure, the time limit included, is `revocation_unavailable`.
 * A command that timed out may still run when Redis answers again: every write is idempotent.
 */
export class RedisCommands {
  constructor(
    private readonly client: () => RedisClientLike | undefined,
    private readonly timeoutMs: number,
    /** Names the store in the refusal's message. */
    private readonly storeName = 'The revocation store (Redis)',
  ) {}

  get ready(): boolean {
    return this.client()?.isReady === true;
  }

  async run(args: string[]): Promise<unknown> {
    const client = this.client();
    if (!client?.isReady) throw new SessionError('revocation_unavailable', { message: `${this.storeName} is not connected` });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis ${args[0]} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([client.sendCommand(args), timeout]);
    } catch (error) {
      throw new SessionError('revocation_unavailable', { message: `${this.storeName} did not answer`, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
