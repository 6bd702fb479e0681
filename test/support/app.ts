import 'reflect-metadata';
import type { INestApplication, LoggerService, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { SessionModule, type SessionModuleExtras, type SessionModuleOptions } from '../../lib/index.js';

export interface TestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** The HTTP platforms the e2e suite runs on. */
export type HttpAdapterName = 'express' | 'fastify';
export const HTTP_ADAPTERS: readonly HttpAdapterName[] = ['express', 'fastify'];

/** The app over Express (Nest's default) or Fastify (plain `FastifyAdapter`, no plugins: no @fastify/cookie). */
export async function createHttpApp(moduleRef: TestingModule, adapter: HttpAdapterName, logger: LoggerService | false): Promise<INestApplication> {
  if (adapter === 'express') return moduleRef.createNestApplication({ logger });
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return moduleRef.createNestApplication(new FastifyAdapter(), { logger });
}

/** A real Nest application over Express (or Fastify) on a loopback port. */
export async function startApp(
  options: SessionModuleOptions & SessionModuleExtras,
  controllers: Type[],
  providers: Type[] = [],
  adapter: HttpAdapterName = 'express',
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot(options)],
    controllers,
    providers,
  }).compile();
  const app = await createHttpApp(moduleRef, adapter, false);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** A plain `fetch` against the app, as a client would make it. */
export async function call(url: string, init: RequestInit & { token?: string } = {}): Promise<HttpAnswer> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}
