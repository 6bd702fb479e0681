import { Module, type DynamicModule } from '@nestjs/common';
import { SessionErrorFilter } from './errors/session-error.filter.js';
import { SessionGuard } from './guard/session.guard.js';
import { ProviderDirectory } from './provider/provider-directory.js';
import { PUSH_RECEIVER_PROVIDERS } from './push-revocation/push-receiver.providers.js';
import { serverSessionManagerProvider, SERVER_SESSION_MANAGER } from './server-sessions/server-session.providers.js';
import { SessionService } from './service/session.service.js';
import { ConfigurableSessionModule, type SESSION_OPTIONS_TYPE } from './session-module.definition.js';
import { SESSION_OPTIONS } from './session.constants.js';
import { SESSION_PROVIDERS } from './session.providers.js';
import { SocketSessions } from './transport/socket-sessions.js';

/**
 * `SessionModule.forRoot(options)` or `SessionModule.forRootAsync({ imports, inject, useFactory })`.
 * Global; registers `SessionGuard` as `APP_GUARD` unless `globalGuard: false`, and
 * `SessionErrorFilter` as `APP_FILTER` unless `errorFilter: false`.
 */
@Module({
  providers: [...SESSION_PROVIDERS, serverSessionManagerProvider, ...PUSH_RECEIVER_PROVIDERS, SessionService, SessionGuard, SessionErrorFilter, SocketSessions],
  // SESSION_OPTIONS and SessionService: `@UseGuards(SessionGuard)` instantiates the guard in the controller's module.
  exports: [SESSION_OPTIONS, SessionService, SessionGuard, ProviderDirectory, SocketSessions, SERVER_SESSION_MANAGER],
})
export class SessionModule extends ConfigurableSessionModule {
  /** With `login`, the login routes are registered (under `login.path`). */
  static override forRoot(options: typeof SESSION_OPTIONS_TYPE): DynamicModule {
    const path = options.login?.path;
    return super.forRoot(options.login !== undefined && options.loginRoutes === undefined ? { ...options, loginRoutes: typeof path === 'string' ? path : true } : options);
  }
}
