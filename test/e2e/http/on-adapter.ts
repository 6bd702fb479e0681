import type { ModuleMetadata, Type } from '@nestjs/common';
import type { SessionModuleExtras, SessionModuleOptions } from '../../../lib/index.js';
import { startApp, type HttpAdapterName, type TestApp } from '../../support/app.js';
import { startNestApp, type NestAppOptions } from '../../support/nest-app.js';

export { HTTP_ADAPTERS } from '../../support/app.js';

/**
 * The app starters of the shared HTTP suite, bound to one platform: each file runs its whole
 * describe once over Express and once over Fastify (`describe.each(HTTP_ADAPTERS)`).
 */
export function onAdapter(adapter: HttpAdapterName) {
  return {
    startApp: (options: SessionModuleOptions & SessionModuleExtras, controllers: Type[], providers: Type[] = []): Promise<TestApp> =>
      startApp(options, controllers, providers, adapter),
    startNestApp: (metadata: ModuleMetadata, options: Omit<NestAppOptions, 'adapter'> = {}): Promise<TestApp> =>
      startNestApp(metadata, { ...options, adapter }),
  };
}
