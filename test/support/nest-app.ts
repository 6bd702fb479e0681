import 'reflect-metadata';
import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHttpApp, type HttpAdapterName, type TestApp } from './app.js';

export interface NestAppOptions {
  /** Captures the app's logs; by default the app logs nothing. */
  logger?: LoggerService;
  /** Express by default. */
  adapter?: HttpAdapterName;
}

/**
 * A real Nest application over Express (or Fastify) on a loopback port, from any module metadata: for
 * `forRootAsync`, `globalGuard: false` or feature modules (`startApp` covers plain `forRoot`).
 */
export async function startNestApp(metadata: ModuleMetadata, { logger, adapter = 'express' }: NestAppOptions = {}): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = await createHttpApp(moduleRef, adapter, logger ?? false);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}

/** Compiles the module only, as an app's start-up would: for options that must stop the app. */
export async function compileModule(metadata: ModuleMetadata): Promise<void> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  await moduleRef.close();
}
