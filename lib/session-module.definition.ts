import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { SessionErrorFilter } from './errors/session-error.filter.js';
import { SessionGuard } from './guard/session.guard.js';
import { moduleEndpointControllers } from './http-endpoints/module-endpoints.js';
import { loginController } from './login/login.controller.js';
import type { SessionModuleExtras, SessionModuleOptions } from './options/session-module-options.interface.js';

/** What the extras (read when the module is defined, beside `useFactory`) add to the module. */
function extraProviders(extras: SessionModuleExtras): Provider[] {
  const providers: Provider[] = [];
  if (extras.guard !== undefined) {
    if (typeof extras.guard !== 'function' || !(extras.guard === SessionGuard || extras.guard.prototype instanceof SessionGuard)) {
      throw new TypeError('SessionModule: guard must be SessionGuard or a class that extends it');
    }
    providers.push({ provide: SessionGuard, useClass: extras.guard });
  }
  if (extras.globalGuard !== false) providers.push({ provide: APP_GUARD, useExisting: SessionGuard });
  if (extras.errorFilter !== false) providers.push({ provide: APP_FILTER, useExisting: SessionErrorFilter });
  return providers;
}

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  MODULE_OPTIONS_TOKEN: SESSION_MODULE_OPTIONS,
  OPTIONS_TYPE: SESSION_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({ moduleName: 'Session' })
  .setClassMethodName('forRoot')
  .setExtras<SessionModuleExtras>({ globalGuard: true, errorFilter: true, guard: undefined, loginRoutes: false }, (definition, extras) => ({
    ...definition,
    global: true,
    providers: [...(definition.providers ?? []), ...extraProviders(extras)],
    controllers: [
      ...(definition.controllers ?? []),
      ...moduleEndpointControllers(),
      ...(extras.loginRoutes ? [loginController(extras.loginRoutes === true ? 'auth' : extras.loginRoutes)] : []),
    ],
  }))
  .build();
