import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { RedisRevocationStore, SessionModule } from '../../lib/index.js';
import type { AppConfig } from './app-config.js';
import { BenchController } from './bench.controller.js';
import { JwtAuthGuard, jwtStrategy, TenantRolesGuard } from './passport-jwt.js';

@Module({})
class BenchAppModule {}

export function appModule(config: AppConfig): DynamicModule {
  const base = { module: BenchAppModule, controllers: [BenchController] };
  switch (config.variant) {
    case 'no-guard':
      return base;
    case 'session-guard':
    case 'session-guard-redis': {
      // The in-memory revocation store is the default; the Redis one is shared between instances.
      const revocation = config.variant === 'session-guard-redis' ? { revocationStore: new RedisRevocationStore({ url: config.redisUrl! }) } : {};
      return {
        ...base,
        imports: [SessionModule.forRoot({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, ...revocation, ...(config.dpop && { dpop: config.dpop }) })],
      };
    }
    case 'passport-jwt':
      return {
        ...base,
        imports: [PassportModule],
        providers: [jwtStrategy(config), { provide: APP_GUARD, useClass: JwtAuthGuard }, { provide: APP_GUARD, useClass: TenantRolesGuard }],
      };
  }
}
