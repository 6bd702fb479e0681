import { Module } from '@nestjs/common';
import { SessionGuard } from './guard/session.guard.js';
import { ProviderDirectory } from './provider/provider-directory.js';
import { SessionService } from './service/session.service.js';
import { ConfigurableSessionModule } from './session-module.definition.js';
import { SESSION_OPTIONS } from './session.constants.js';
import { SESSION_PROVIDERS } from './session.providers.js';
import { SocketSessions } from './transport/socket-sessions.js';

/**
 * `SessionModule.forRoot(options)` or `SessionModule.forRootAsync({ imports, inject, useFactory })`.
 * Global; registers `SessionGuard` as `APP_GUARD` unless `globalGuard: false`.
 */
@Module({
  providers: [...SESSION_PROVIDERS, SessionService, SessionGuard, SocketSessions],
  // SESSION_OPTIONS and SessionService: `@UseGuards(SessionGuard)` instantiates the guard in the controller's module.
  exports: [SESSION_OPTIONS, SessionService, SessionGuard, ProviderDirectory, SocketSessions],
})
export class SessionModule extends ConfigurableSessionModule {}
