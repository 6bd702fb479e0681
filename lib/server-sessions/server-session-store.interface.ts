import type { ReplayStore } from '../replay/replay-store.interface.js';
import type { ServerSessionRecord } from './server-session-record.js';

/**
 * Where server-side sessions live, by their public id. `claimOnce` (a `ReplayStore`) is the lock
 * that lets exactly one instance refresh a session's tokens at a time.
 * Every method throws `SessionError('revocation_unavailable')` when a shared backend cannot answer.
 */
export interface ServerSessionStore extends ReplayStore {
  /** Called once when the module starts; must not throw for an unreachable backend. */
  start?(): Promise<void>;
  close?(): Promise<void>;
  get(id: string): Promise<ServerSessionRecord | undefined>;
  /** Creates or replaces the record; it disappears by itself at `until` (epoch ms). */
  save(record: ServerSessionRecord, until: number): Promise<void>;
  delete(id: string): Promise<void>;
  /** Every live session of the user. */
  listByUser(userId: string): Promise<ServerSessionRecord[]>;
}

export const SERVER_SESSION_STORE_METHODS = ['get', 'save', 'delete', 'listByUser', 'claimOnce'] as const;
