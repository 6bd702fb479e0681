import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { SessionErrorFilter } from './errors/session-error.filter.js';
import { SessionGuard } from './guard/session.guard.js';
import type { SessionModuleExtras, SessionModuleOptions } from './options/session-module-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  MODULE_OPTIONS_TOKEN: SESSION_MODULE_OPTIONS,
  OPTIONS_TYPE: SESSION_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({ moduleName: 'Session' })
  .setClassMethodName('forRoot')
  .setExtras<SessionModuleExtras>({ globalGuard: true, errorFilter: true }, (definition, extras) => ({
    ...definition,
    global: true,
    providers: [
      ...(definition.providers ?? []),
      ...(extras.globalGuard === false ? [] : [{ provide: APP_GUARD, useExisting: SessionGuard }]),
      ...(extras.errorFilter === false ? [] : [{ provide: APP_FILTER, useExisting: SessionErrorFilter }]),
    ],
  }))
  .build();
