import { base64url } from 'jose';
import { SessionConfigError } from '../errors/session-config.error.js';
import { nonEmptyString, numberOption, positiveInteger, rejectUnknownKeys } from '../config/option-readers.js';
import { InMemoryServerSessionStore } from './in-memory-server-session.store.js';
import { SERVER_SESSION_STORE_METHODS, type ServerSessionStore } from './server-session-store.interface.js';

/** `serverSessions: true | {...}`: the browser holds only an opaque session id; the tokens stay in the store. */
export interface ServerSessionsOptions {
  /** Where sessions live. Default: an `InMemoryServerSessionStore` (this process only); `RedisServerSessionStore` shares them. */
  store?: ServerSessionStore;
  /**
   * The session id cookie. Default `__Host-session` (`Secure`, `Path=/`, no `Domain`: only this
   * exact origin can set or read it). Browsers accept it on `http://localhost` too.
   */
  cookieName?: string;
  /**
   * `false` drops `Secure` (DEV ONLY: plain `http://` on a host other than localhost); the
   * cookie name must then not start with `__Host-` or `__Secure-`. Default `true`.
   */
  secureCookie?: boolean;
  /** `Lax` (default: the cookie comes along when the identity provider redirects back) or `Strict`. */
  sameSite?: 'Lax' | 'Strict';
  /** Seconds without a request after which the session ends. Default 86,400 (1 day). */
  idleTimeout?: number;
  /** Seconds after login at which the session ends, whatever its activity. Default 604,800 (7 days). */
  absoluteLifetime?: number;
  /** Seconds between writes of a session's last-seen time (each request does not write). Default 60. */
  touchInterval?: number;
  /**
   * A 32-byte key (bytes or base64url) that seals the tokens at rest (JWE `dir` + `A256GCM`):
   * a read of the store alone gives no usable token. Default: stored as they are.
   */
  encryptionKey?: Uint8Array | string;
}

export interface ServerSessionsConfig {
  readonly store: ServerSessionStore;
  readonly cookieName: string;
  readonly secureCookie: boolean;
  readonly sameSite: 'Lax' | 'Strict';
  readonly idleTimeoutMs: number;
  readonly absoluteLifetimeMs: number;
  readonly touchIntervalMs: number;
  readonly encryptionKey?: Uint8Array;
}

export const SERVER_SESSIONS_OPTION_KEYS = ['serverSessions'] as const;
const KEYS: ReadonlySet<string> = new Set<keyof ServerSessionsOptions>([
  'store', 'cookieName', 'secureCookie', 'sameSite', 'idleTimeout', 'absoluteLifetime', 'touchInterval', 'encryptionKey',
]);
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function readKey(value: Uint8Array | string): Uint8Array {
  let key: Uint8Array;
  try {
    key = typeof value === 'string' ? base64url.decode(value) : value;
  } catch {
    throw new SessionConfigError('serverSessions.encryptionKey', 'must be 32 bytes, or their base64url');
  }
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) throw new SessionConfigError('serverSessions.encryptionKey', 'must be 32 bytes, or their base64url');
  return key;
}

function readStore(store: unknown): ServerSessionStore {
  if (store === undefined) return new InMemoryServerSessionStore();
  const missing = SERVER_SESSION_STORE_METHODS.filter((name) => typeof (store as Record<string, unknown> | null)?.[name] !== 'function');
  if (typeof store !== 'object' || store === null || missing.length) {
    throw new SessionConfigError('serverSessions.store', `must implement ServerSessionStore (missing: ${missing.join(', ')})`);
  }
  return store as ServerSessionStore;
}

/** `false` when server-side sessions are off. */
export function readServerSessionsOptions(input: { serverSessions?: boolean | ServerSessionsOptions }): ServerSessionsConfig | false {
  const value = input.serverSessions;
  if (value === undefined || value === false) return false;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new SessionConfigError('serverSessions', 'must be true, false or an options object');
  }
  const options: ServerSessionsOptions = value === true ? {} : value;
  rejectUnknownKeys(options, KEYS, 'serverSessions.');
  const secureCookie = options.secureCookie ?? true;
  if (typeof secureCookie !== 'boolean') throw new SessionConfigError('serverSessions.secureCookie', 'must be true or false');
  const cookieName = nonEmptyString('serverSessions.cookieName', options.cookieName ?? '__Host-session');
  if (!COOKIE_NAME.test(cookieName)) throw new SessionConfigError('serverSessions.cookieName', `is not a valid cookie name: ${JSON.stringify(cookieName)}`);
  if (!secureCookie && /^__(Host|Secure)-/i.test(cookieName)) {
    throw new SessionConfigError('serverSessions.secureCookie', `is false, but browsers drop a "${cookieName}" cookie without Secure: choose another cookieName`);
  }
  const sameSite = options.sameSite ?? 'Lax';
  if (sameSite !== 'Lax' && sameSite !== 'Strict') throw new SessionConfigError('serverSessions.sameSite', `must be "Lax" or "Strict", got ${JSON.stringify(sameSite)}`);
  const seconds = (name: keyof ServerSessionsOptions, fallback: number) =>
    numberOption(`serverSessions.${name}`, options[name], fallback, positiveInteger, 'a positive integer of seconds') * 1000;
  const idleTimeoutMs = seconds('idleTimeout', 86_400);
  const absoluteLifetimeMs = seconds('absoluteLifetime', 604_800);
  if (idleTimeoutMs > absoluteLifetimeMs) throw new SessionConfigError('serverSessions.idleTimeout', 'must not be longer than absoluteLifetime');
  return Object.freeze({
    store: readStore(options.store),
    cookieName,
    secureCookie,
    sameSite,
    idleTimeoutMs,
    absoluteLifetimeMs,
    touchIntervalMs: seconds('touchInterval', 60),
    ...(options.encryptionKey !== undefined && { encryptionKey: readKey(options.encryptionKey) }),
  });
}
