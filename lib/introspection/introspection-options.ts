import { SessionConfigError } from '../errors/session-config.error.js';
import type { ClientAuthMethod, ClientCredentials } from '../lifecycle/client-authentication.js';
import { readClient } from '../lifecycle/lifecycle-options.js';
import { numberOption, positiveInteger, rejectUnknownKeys } from '../config/option-readers.js';
import { providerUrl } from '../provider/url-policy.js';

/** RFC 7662 token introspection for one issuer, as an application writes it (`introspection` in the issuer's options). */
export interface IntrospectionOptions {
  /** Default: the issuer's `introspection_endpoint`, discovered. */
  endpoint?: string;
  /** `opaque` (default): tokens that are not JWTs; `all`: this issuer's JWTs as well. */
  tokens?: 'opaque' | 'all';
  /** The client the module introspects as. Default: the module's `clientId`, `clientSecret`, `clientAuthMethod`. */
  clientId?: string;
  clientSecret?: string;
  /** Default `client_secret_basic` with a `clientSecret`, else `none`. */
  clientAuthMethod?: ClientAuthMethod;
  /** Seconds an answer is reused at most (never past the token's `exp`). Default 300. */
  cacheMaxAge?: number;
  /** Answers kept at most. Default 10,000. */
  cacheMaxEntries?: number;
  /**
   * RFC 9701: ask for answers signed by the issuer (`application/token-introspection+jwt`),
   * verified with its keys; a plain JSON answer is then refused. Default `false`.
   */
  jwtResponse?: boolean;
}

export interface IntrospectionConfig {
  readonly endpoint?: string;
  readonly tokens: 'opaque' | 'all';
  /** `undefined`: the module's own client. */
  readonly client?: ClientCredentials;
  readonly cacheMaxAgeMs: number;
  readonly cacheMaxEntries: number;
  readonly jwtResponse: boolean;
}

const INTROSPECTION_OPTION_KEYS: ReadonlySet<string> = new Set<keyof IntrospectionOptions>([
  'endpoint', 'tokens', 'clientId', 'clientSecret', 'clientAuthMethod', 'cacheMaxAge', 'cacheMaxEntries', 'jwtResponse',
]);

/** `prefix` names where the options are (`introspection.` or `issuers[1].introspection.`). */
export function readIntrospectionOptions(input: unknown, prefix: string, allowInsecureHttp: boolean): IntrospectionConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SessionConfigError(prefix.slice(0, -1), 'must be an object');
  rejectUnknownKeys(input, INTROSPECTION_OPTION_KEYS, prefix);
  const options = input as IntrospectionOptions;
  let endpoint: string | undefined;
  if (options.endpoint !== undefined) {
    if (typeof options.endpoint !== 'string') throw new SessionConfigError(`${prefix}endpoint`, 'must be a URL string');
    endpoint = providerUrl(`${prefix}endpoint`, options.endpoint, allowInsecureHttp).href;
  }
  const tokens = options.tokens ?? 'opaque';
  if (tokens !== 'opaque' && tokens !== 'all') throw new SessionConfigError(`${prefix}tokens`, `must be 'opaque' or 'all', got ${JSON.stringify(tokens)}`);
  if (options.jwtResponse !== undefined && typeof options.jwtResponse !== 'boolean') throw new SessionConfigError(`${prefix}jwtResponse`, 'must be true or false');
  const ownClient = options.clientId !== undefined || options.clientSecret !== undefined || options.clientAuthMethod !== undefined;
  const client = ownClient ? readClient(options, prefix) : undefined;
  return Object.freeze({
    ...(endpoint !== undefined && { endpoint }),
    tokens,
    ...(client && { client }),
    cacheMaxAgeMs: numberOption(`${prefix}cacheMaxAge`, options.cacheMaxAge, 300, positiveInteger, 'a positive integer of seconds') * 1000,
    cacheMaxEntries: numberOption(`${prefix}cacheMaxEntries`, options.cacheMaxEntries, 10_000, positiveInteger, 'a positive integer'),
    jwtResponse: options.jwtResponse === true,
  });
}
