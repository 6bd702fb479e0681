import { Module } from '@nestjs/common';
import { SessionGuard } from './guard/session.guard.js';
import type { KeyResolver } from './keys/key-resolver.interface.js';
import { createKeyResolver } from './keys/key-resolver.factory.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';
import { SessionOptions } from './options/session-options.js';
import { SessionService } from './service/session.service.js';
import { KEY_RESOLVER, SESSION_OPTIONS } from './session.constants.js';
import { ConfigurableSessionModule, SESSION_MODULE_OPTIONS } from './session-module.definition.js';
import { TokenVerifier } from './verification/token-verifier.js';

/**
 * `SessionModule.forRoot(options)` or `SessionModule.forRootAsync({ imports, inject, useFactory })`.
 * Global; registers `SessionGuard` as `APP_GUARD` unless `globalGuard: false`.
 */
@Module({
  providers: [
    {
      provide: SESSION_OPTIONS,
      inject: [SESSION_MODULE_OPTIONS],
      useFactory: (options: SessionModuleOptions) => new SessionOptions(options),
    },
    {
      provide: KEY_RESOLVER,
      inject: [SESSION_OPTIONS],
      useFactory: (options: SessionOptions) => createKeyResolver(options),
    },
    {
      provide: TokenVerifier,
      inject: [SESSION_OPTIONS, KEY_RESOLVER],
      useFactory: (options: SessionOptions, keys: KeyResolver) => new TokenVerifier(options, keys),
    },
    SessionService,
    SessionGuard,
  ],
  exports: [SESSION_OPTIONS, SessionService, SessionGuard],
})
export class SessionModule extends ConfigurableSessionModule {}
