import type { RedisCommands } from './command-runner.js';
import type { RedisKeys } from './redis-keys.js';
import { readPositionCommand } from './redis-scripts.js';

/**
 * Where the revocation feed stands: its epoch (new when Redis lost the feed: a restart without
 * persistence), its last sequence number, and the log entry at a given number ('' when none).
 */
export interface FeedPosition {
  readonly epoch: string;
  readonly seq: number;
  readonly entry: string;
}

/** Reads the position, with the entry numbered `at` (default: the latest). */
export async function readFeedPosition(commands: RedisCommands, keys: RedisKeys, at?: number): Promise<FeedPosition> {
  const reply = await commands.run(readPositionCommand(keys, at));
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') throw new Error('unexpected feed position reply');
  const seq = Number(reply[1] ?? 0);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error('unexpected feed sequence number');
  return { epoch: reply[0], seq, entry: typeof reply[2] === 'string' ? reply[2] : '' };
}
