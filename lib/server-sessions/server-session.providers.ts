import type { FactoryProvider } from '@nestjs/common';
import type { SessionOptions } from '../options/session-options.js';
import { SESSION_OPTIONS } from '../session.constants.js';
import { ServerSessionManager } from './server-session-manager.js';

/** The `ServerSessionManager` of the module; `undefined` without `serverSessions`. */
export const SERVER_SESSION_MANAGER = Symbol('nestjs-jwt-session:server-sessions');

/** Starts and closes the store with the app (Redis: connect at start-up). */
class ManagedServerSessions extends ServerSessionManager {
  onModuleInit(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}

export const serverSessionManagerProvider: FactoryProvider = {
  provide: SERVER_SESSION_MANAGER,
  inject: [SESSION_OPTIONS],
  useFactory: (options: SessionOptions) => (options.serverSessions === false ? undefined : new ManagedServerSessions(options.serverSessions)),
};
