import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { readSampleConfig, type SampleConfig } from './config/sample-config.js';

function describeMode(config: SampleConfig, url: string): string[] {
  if (config.mode === 'provider') {
    const keys = config.jwksUri ? `keys from ${config.jwksUri}` : `keys by discovery from ${config.issuer}/.well-known/openid-configuration`;
    const audience = config.audience ? `, audience ${config.audience.join(', ')}` : '';
    return [`Sample API at ${url}, provider mode: issuer ${config.issuer}${audience}, ${keys}`];
  }
  return [
    `Sample API at ${url}, dev-issuer mode (DEV ONLY: anyone who can reach it can mint tokens)`,
    `  keys at ${url}/.well-known/jwks.json, tokens from POST ${url}/dev/token or: npm run -s sample:token -- --tenant t1 --role admin`,
    '  set ISSUER and JWKS_URI (or DISCOVERY=true) to validate a real provider\'s tokens instead',
  ];
}

async function bootstrap(): Promise<void> {
  const logger = new Logger('Sample');
  const config = readSampleConfig(process.env);
  const app = await NestFactory.create(AppModule.forConfig(config));
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  // getUrl() names the bound address; `localhost` reads better when that is loopback.
  const url = (await app.getUrl()).replace('//127.0.0.1:', '//localhost:').replace('//[::1]:', '//localhost:');
  for (const line of describeMode(config, url)) logger.log(line);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
