import { SessionConfigError } from '../errors/session-config.error.js';
import { InMemoryRevocationStore } from './in-memory-revocation.store.js';
import type { RevocationStore } from './revocation-store.interface.js';

/** Revocation options, as an application writes them (part of `SessionModuleOptions`). */
export interface RevocationOptions {
  /**
   * Where logouts are recorded and checked. Default: an `InMemoryRevocationStore` (this process
   * only); `RedisRevocationStore` shares them between instances.
   */
  revocationStore?: RevocationStore;
  /**
   * When the store cannot answer (Redis unreachable and the session not known locally): `false`
   * (default) refuses with 503 `revocation_unavailable`; `true` accepts the session unchecked.
   * Either way the outage is logged.
   */
  revocationFailOpen?: boolean;
}

export interface RevocationConfig {
  readonly store: RevocationStore;
  readonly failOpen: boolean;
}

export const REVOCATION_OPTION_KEYS: readonly (keyof RevocationOptions)[] = Object.freeze(['revocationStore', 'revocationFailOpen']);

const REQUIRED_METHODS = ['revokeSession', 'revokeUserSessions', 'isRevoked', 'getData', 'setData', 'deleteData'] as const;

export function readRevocationOptions(input: RevocationOptions): RevocationConfig {
  const store = input.revocationStore ?? new InMemoryRevocationStore();
  const missing = REQUIRED_METHODS.filter((name) => typeof (store as unknown as Record<string, unknown>)[name] !== 'function');
  if (typeof store !== 'object' || store === null || missing.length) {
    throw new SessionConfigError('revocationStore', `must implement RevocationStore (missing: ${missing.join(', ')})`);
  }
  if (input.revocationFailOpen !== undefined && typeof input.revocationFailOpen !== 'boolean') {
    throw new SessionConfigError('revocationFailOpen', 'must be true or false');
  }
  return Object.freeze({ store, failOpen: input.revocationFailOpen === true });
}
