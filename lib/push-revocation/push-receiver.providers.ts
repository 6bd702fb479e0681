import type { Provider } from '@nestjs/common';
import type { SessionOptions } from '../options/session-options.js';
import type { ServerSessionManager } from '../server-sessions/server-session-manager.js';
import { SERVER_SESSION_MANAGER } from '../server-sessions/server-session.providers.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { TokenVerifier } from '../verification/token-verifier.js';
import { BackchannelLogoutReceiver, SharedSignalsReceiver } from './push-receivers.js';

const RECEIVER_DEPENDENCIES = [SESSION_OPTIONS, TokenVerifier, { token: SERVER_SESSION_MANAGER, optional: true }];

/** The receivers of pushed revocations, each `undefined` unless its option is set (its route then stays off). */
export const PUSH_RECEIVER_PROVIDERS: Provider[] = [
  {
    provide: BackchannelLogoutReceiver,
    inject: RECEIVER_DEPENDENCIES,
    useFactory: (options: SessionOptions, tokens: TokenVerifier, serverSessions?: ServerSessionManager) =>
      options.backchannelLogout ? new BackchannelLogoutReceiver(options, tokens, options.backchannelLogout, serverSessions) : undefined,
  },
  {
    provide: SharedSignalsReceiver,
    inject: RECEIVER_DEPENDENCIES,
    useFactory: (options: SessionOptions, tokens: TokenVerifier, serverSessions?: ServerSessionManager) =>
      options.sharedSignals ? new SharedSignalsReceiver(options, tokens, options.sharedSignals, serverSessions) : undefined,
  },
];
