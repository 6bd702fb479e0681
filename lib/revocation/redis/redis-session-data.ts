import type { SessionDataStore } from '../session-data-store.interface.js';
import type { RedisCommands } from './command-runner.js';
import type { RedisKeys } from './redis-keys.js';

/** Session data under its own keys, read from Redis on each call and expiring by TTL. */
export class RedisSessionData implements SessionDataStore {
  constructor(
    private readonly commands: RedisCommands,
    private readonly keys: RedisKeys,
  ) {}

  async getData(sessionId: string): Promise<string | undefined> {
    const value = await this.commands.run(['GET', this.keys.data(sessionId)]);
    return typeof value === 'string' ? value : undefined;
  }

  async setData(sessionId: string, json: string, until: number): Promise<void> {
    if (!(until > Date.now())) return this.deleteData(sessionId);
    await this.commands.run(['SET', this.keys.data(sessionId), json, 'PXAT', String(Math.ceil(until))]);
  }

  async deleteData(sessionId: string): Promise<void> {
    await this.commands.run(['DEL', this.keys.data(sessionId)]);
  }
}
