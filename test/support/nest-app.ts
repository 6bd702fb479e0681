import 'reflect-metadata';
import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestApp } from './app.js';

export interface NestAppOptions {
  /** Captures the app's logs; by default the app logs nothing. */
  logger?: LoggerService;
}

/**
 * A real Nest application over Express on a loopback port, from any module metadata: for
 * `forRootAsync`, `globalGuard: false` or feature modules (`startApp` covers plain `forRoot`).
 */
export async function startNestApp(metadata: ModuleMetadata, { logger }: NestAppOptions = {}): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication({ logger: logger ?? false });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}

/** Compiles the module only, as an app's start-up would: for options that must stop the app. */
export async function compileModule(metadata: ModuleMetadata): Promise<void> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  await moduleRef.close();
}
