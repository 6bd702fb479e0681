import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SessionGuard } from './guard/session.guard.js';
import { moduleEndpointControllers } from './http-endpoints/module-endpoints.js';
import type { SessionModuleExtras, SessionModuleOptions } from './options/session-module-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  MODULE_OPTIONS_TOKEN: SESSION_MODULE_OPTIONS,
  OPTIONS_TYPE: SESSION_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({ moduleName: 'Session' })
  .setClassMethodName('forRoot')
  .setExtras<SessionModuleExtras>({ globalGuard: true }, (definition, extras) => ({
    ...definition,
    global: true,
    controllers: [...(definition.controllers ?? []), ...moduleEndpointControllers()],
    providers: [
      ...(definition.providers ?? []),
      ...(extras.globalGuard === false ? [] : [{ provide: APP_GUARD, useExisting: SessionGuard }]),
    ],
  }))
  .build();
