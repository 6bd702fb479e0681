import { SessionConfigError } from '../errors/session-config.error.js';
import { readOptionsObject, readReceiverConfig, type ReceiverConfig, type ReceiverContext } from './receiver-options.js';

/** RFC 8935 push delivery of Security Event Tokens, as an application writes it (`sharedSignals` in `SessionModuleOptions`). */
export interface SharedSignalsOptions {
  /** Where the transmitter POSTs SETs (the stream's push endpoint). Default `/auth/security-events`. */
  path?: string;
  /** The `aud` the SETs must carry (the stream's audience). Default: the module's `clientId`. */
  audience?: string | string[];
  /** Which configured issuers may transmit. Default: all of them. */
  issuers?: string[];
  /** Seconds after its `iat` a SET is accepted (transmitters retry). Default 3600. */
  maxTokenAge?: number;
  /**
   * The exact `Authorization` header the transmitter sends (the stream's `authorization_header`);
   * a request without it is refused (`authentication_failed`). Unset: not checked.
   */
  authorizationHeader?: string;
}

export interface SharedSignalsConfig extends ReceiverConfig {
  readonly authorizationHeader?: string;
}

export const SHARED_SIGNALS_OPTION_KEYS = Object.freeze(['sharedSignals'] as const);

const KNOWN: ReadonlySet<string> = new Set<keyof SharedSignalsOptions>(['path', 'audience', 'issuers', 'maxTokenAge', 'authorizationHeader']);

/** `undefined` (or `false`): no receiver. `true`: the defaults. */
export function readSharedSignalsOptions(input: { sharedSignals?: SharedSignalsOptions | boolean }, context: ReceiverContext): SharedSignalsConfig | undefined {
  const options = readOptionsObject('sharedSignals', input.sharedSignals, KNOWN);
  if (options === undefined) return undefined;
  const base = readReceiverConfig('sharedSignals', options, { path: '/auth/security-events', maxTokenAge: 3600 }, context);
  const header = options.authorizationHeader;
  if (header !== undefined && (typeof header !== 'string' || header.length < 16)) {
    throw new SessionConfigError('sharedSignals.authorizationHeader', 'must be a string of at least 16 characters (a secret the transmitter sends)');
  }
  return Object.freeze({ ...base, ...(header !== undefined && { authorizationHeader: header }) });
}
