import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SessionModule, type SessionModuleExtras, type SessionModuleOptions } from '../../lib/index.js';

export interface TestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** A real Nest application over Express on a loopback port. */
export async function startApp(
  options: SessionModuleOptions & SessionModuleExtras,
  controllers: Type[],
  providers: Type[] = [],
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot(options)],
    controllers,
    providers,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
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
