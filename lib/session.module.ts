import { Module } from '@nestjs/common';
import { SessionErrorFilter } from './errors/session-error.filter.js';
import { SessionGuard } from './guard/session.guard.js';
import { createKeyResolver } from './keys/key-resolver.factory.js';
import { ProviderDirectory } from './provider/provider-directory.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';
import { SessionOptions } from './options/session-options.js';
import { SessionService } from './service/session.service.js';
import { SESSION_OPTIONS } from './session.constants.js';
import { SocketSessions } from './transport/socket-sessions.js';
import { ConfigurableSessionModule, SESSION_MODULE_OPTIONS } from './session-module.definition.js';
import { IssuerVerifier } from './verification/issuer-verifier.js';
import { TokenVerifier } from './verification/token-verifier.js';

/**
 * `SessionModule.forRoot(options)` or `SessionModule.forRootAsync({ imports, inject, useFactory })`.
 * Global; registers `SessionGuard` as `APP_GUARD` unless `globalGuard: false`, and
 * `SessionErrorFilter` as `APP_FILTER` unless `errorFilter: false`.
 */
@Module({
  providers: [
    {
      provide: SESSION_OPTIONS,
      inject: [SESSION_MODULE_OPTIONS],
      useFactory: (options: SessionModuleOptions) => new SessionOptions(options),
    },
    {
      provide: ProviderDirectory,
      inject: [SESSION_OPTIONS],
      useFactory: (options: SessionOptions) => new ProviderDirectory(options),
    },
    {
      provide: TokenVerifier,
      inject: [SESSION_OPTIONS, ProviderDirectory],
      useFactory: async (options: SessionOptions, directory: ProviderDirectory) => {
        const verifiers = await Promise.all(
          options.issuerConfigs.map(async (issuer) => new IssuerVerifier(issuer, await createKeyResolver(issuer, options, directory), options)),
        );
        return new TokenVerifier(options, verifiers);
      },
    },
    SessionService,
    SessionGuard,
    SessionErrorFilter,
    SocketSessions,
  ],
  exports: [SESSION_OPTIONS, SessionService, SessionGuard, ProviderDirectory, SocketSessions],
})
export class SessionModule extends ConfigurableSessionModule {}
