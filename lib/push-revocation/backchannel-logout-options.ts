import { SessionConfigError } from '../errors/session-config.error.js';
import { readOptionsObject, readReceiverConfig, type ReceiverConfig, type ReceiverContext } from './receiver-options.js';

/** OpenID Connect Back-Channel Logout 1.0, as an application writes it (`backchannelLogout` in `SessionModuleOptions`). */
export interface BackchannelLogoutOptions {
  /** Where the provider POSTs logout tokens (your `backchannel_logout_uri`). Default `/auth/backchannel-logout`. */
  path?: string;
  /** The `aud` the logout tokens must carry: your client id at the provider. Default: the module's `clientId`. */
  audience?: string | string[];
  /** Which configured issuers may log users out. Default: all of them. */
  issuers?: string[];
  /** Seconds after its `iat` a logout token is accepted. Default 120. */
  maxTokenAge?: number;
  /**
   * `true`: every logout token with a `sub` ends all sessions of that user, even when it names a
   * `sid`. For session tokens that do not carry the provider's `sid` (many access tokens). Default `false`.
   */
  logoutUser?: boolean;
}

export interface BackchannelLogoutConfig extends ReceiverConfig {
  readonly logoutUser: boolean;
}

export const BACKCHANNEL_LOGOUT_OPTION_KEYS = Object.freeze(['backchannelLogout'] as const);

const KNOWN: ReadonlySet<string> = new Set<keyof BackchannelLogoutOptions>(['path', 'audience', 'issuers', 'maxTokenAge', 'logoutUser']);

/** `undefined` (or `false`): no receiver. `true`: the defaults. */
export function readBackchannelLogoutOptions(input: { backchannelLogout?: BackchannelLogoutOptions | boolean }, context: ReceiverContext): BackchannelLogoutConfig | undefined {
  const options = readOptionsObject('backchannelLogout', input.backchannelLogout, KNOWN);
  if (options === undefined) return undefined;
  if (options.logoutUser !== undefined && typeof options.logoutUser !== 'boolean') throw new SessionConfigError('backchannelLogout.logoutUser', 'must be true or false');
  const base = readReceiverConfig('backchannelLogout', options, { path: '/auth/backchannel-logout', maxTokenAge: 120 }, context);
  return Object.freeze({ ...base, logoutUser: options.logoutUser === true });
}
