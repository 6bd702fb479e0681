import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AppConfig, AppMessage } from './app-config.js';
import { appModule } from './app-module.js';

/** One app variant in its own process, so that the load generator never shares its event loop. */
async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_APP ?? '{}') as AppConfig;
  const send = (message: AppMessage) => process.send?.(message);
  try {
    const app = await NestFactory.create(await appModule(config), { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    process.once('disconnect', () => void app.close().finally(() => process.exit(0)));
    send({ port: address.port });
  } catch (error) {
    send({ error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}

void main();
