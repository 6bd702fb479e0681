import { SessionConfigError } from '../errors/session-config.error.js';

/** Options for transports other than HTTP. */
export interface TransportOptions {
  /**
   * The field of a microservice message holding the session token (bare, or `Bearer <token>`);
   * a dotted path reaches into nested objects (`meta.auth`). Default `token`.
   */
  rpcTokenField?: string;
}

export const TRANSPORT_OPTION_KEYS: readonly (keyof TransportOptions)[] = ['rpcTokenField'];

export interface TransportConfig {
  /** `rpcTokenField` split on dots. */
  readonly rpcTokenPath: readonly string[];
}

export function readTransportOptions(input: TransportOptions): TransportConfig {
  const field = input.rpcTokenField ?? 'token';
  const path = typeof field === 'string' ? field.split('.') : [];
  if (path.length === 0 || path.some((segment) => segment.trim() === '')) {
    throw new SessionConfigError('rpcTokenField', 'must be a field name or a dotted path such as "meta.token"');
  }
  return Object.freeze({ rpcTokenPath: Object.freeze(path) });
}
