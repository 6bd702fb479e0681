import { SessionConfigError } from '../errors/session-config.error.js';
import { InMemoryReplayStore } from '../replay/in-memory-replay.store.js';
import type { ReplayStore } from '../replay/replay-store.interface.js';
import { InMemoryRevocationStore } from './in-memory-revocation.store.js';
import { InMemorySessionDataStore } from './in-memory-session-data.store.js';
import type { RevocationStore } from './revocation-store.interface.js';
import type { SessionDataStore } from './session-data-store.interface.js';
import { combineStores, type SessionStores } from './session-stores.js';

/** Store options, as an application writes them (part of `SessionModuleOptions`). */
export interface RevocationOptions {
  /**
   * Where logouts are recorded and checked. Default: an `InMemoryRevocationStore` (this process
   * only); `RedisRevocationStore` shares them between instances. When it also implements
   * `SessionDataStore` / `ReplayStore` (both built-in stores do) it serves those too.
   */
  revocationStore?: RevocationStore;
  /** Session data. Default: `revocationStore` when it implements `SessionDataStore`, else in memory (this process only). */
  sessionDataStore?: SessionDataStore;
  /** One-time ids (jti). Default: `revocationStore` when it implements `ReplayStore`, else in memory (this process only). */
  replayStore?: ReplayStore;
  /**
   * When the store cannot answer (Redis unreachable and the session not known locally): `false`
   * (default) refuses with 503 `revocation_unavailable`; `true` accepts the session unchecked.
   * Either way the outage is logged.
   */
  revocationFailOpen?: boolean;
}

export interface RevocationConfig {
  /** The three stores as one object (the revocation store itself when it is all three). */
  readonly store: SessionStores;
  readonly failOpen: boolean;
}

export const REVOCATION_OPTION_KEYS: readonly (keyof RevocationOptions)[] = Object.freeze([
  'revocationStore', 'sessionDataStore', 'replayStore', 'revocationFailOpen',
]);

const REVOCATION_METHODS = ['revokeSession', 'revokeUserSessions', 'isRevoked'] as const;
const DATA_METHODS = ['getData', 'setData', 'deleteData'] as const;
const REPLAY_METHODS = ['claimOnce'] as const;

function missing(value: unknown, methods: readonly string[]): string[] {
  if (typeof value !== 'object' || value === null) return [...methods];
  return methods.filter((name) => typeof (value as Record<string, unknown>)[name] !== 'function');
}

function implementsAll(value: unknown, methods: readonly string[]): boolean {
  return missing(value, methods).length === 0;
}

/** The given store, checked to implement `methods`; `undefined` when not given. */
function given<T>(option: keyof RevocationOptions, value: unknown, methods: readonly string[], name: string): T | undefined {
  if (value === undefined) return undefined;
  const absent = missing(value, methods);
  if (absent.length) throw new SessionConfigError(option, `must implement ${name} (missing: ${absent.join(', ')})`);
  return value as T;
}

export function readRevocationOptions(input: RevocationOptions): RevocationConfig {
  const revocations = given<RevocationStore>('revocationStore', input.revocationStore, REVOCATION_METHODS, 'RevocationStore') ?? new InMemoryRevocationStore();
  const data =
    given<SessionDataStore>('sessionDataStore', input.sessionDataStore, DATA_METHODS, 'SessionDataStore') ??
    (implementsAll(revocations, DATA_METHODS) ? (revocations as unknown as SessionDataStore) : new InMemorySessionDataStore());
  const replay =
    given<ReplayStore>('replayStore', input.replayStore, REPLAY_METHODS, 'ReplayStore') ??
    (implementsAll(revocations, REPLAY_METHODS) ? (revocations as unknown as ReplayStore) : new InMemoryReplayStore());
  if (input.revocationFailOpen !== undefined && typeof input.revocationFailOpen !== 'boolean') {
    throw new SessionConfigError('revocationFailOpen', 'must be true or false');
  }
  return Object.freeze({ store: combineStores(revocations, data, replay), failOpen: input.revocationFailOpen === true });
}
